public enum ForgePlaceholder {}
