/// The image the CLI's remote and CI tests bump, and the kustomization overlay that pins it (their shared setup).
enum SampleApp {
    static let image = "registry.example.com/team/sample-app"

    /// A kustomization pinning `image` at `tag` (quoted); `comment` ends the newTag line.
    static func overlay(_ tag: String, comment: String? = nil) -> String {
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(image)\n    newTag: \"\(tag)\""
            + (comment.map { " # \($0)" } ?? "") + "\n"
    }
}
