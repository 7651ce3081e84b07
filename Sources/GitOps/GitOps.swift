public enum GitOpsPlaceholder {}
