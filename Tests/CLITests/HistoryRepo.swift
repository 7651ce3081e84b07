import Foundation
import TestSupport
import XCTest

/// A config repo with a known history, made with real git at fixed times (GIT_COMMITTER_DATE): three environments
/// (dev and staging plain manifests, production a kustomization), bumps with trailers, a promotion, a merged merge
/// request, a rollback with Rollback-Of:, a sed commit, a git revert, a hand edit and a rollback by hand.
struct HistoryRepo {
    static let app = "registry.example.com/app"
    static let dev = "envs/dev/deploy.yaml", staging = "envs/staging/deploy.yaml", prod = "envs/production/kustomization.yaml"
    static let config = """
    environments:
      dev: {files: [envs/dev]}
      staging: {files: [envs/staging]}
      production: {files: [envs/production], mode: merge-request}
    promotion: [dev, staging, production]

    """
    /// 2026-03-01T10:00:00Z; commit n is made n hours later.
    static let start: Int64 = 1_772_359_200

    static func deployment(_ tag: String) -> String {
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: \(app):\(tag)\n"
    }
    static func kustomization(_ tag: String) -> String { "images:\n  - name: \(app)\n    newTag: \(tag)\n" }

    let dir: URL
    /// Commit ids by the number of the step that made them.
    var ids: [Int: String] = [:]

    func git(_ args: [String], at hour: Int? = nil) throws -> String {
        var env = ["GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@localhost", "GIT_COMMITTER_NAME": "dev",
                   "GIT_COMMITTER_EMAIL": "dev@localhost", "HOME": dir.path, "GIT_CONFIG_NOSYSTEM": "1"]
        if let hour { env["GIT_AUTHOR_DATE"] = "@\(Self.start + Int64(hour) * 3600) +0000"; env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] }
        let r = try TestSupport.runProgram("/usr/bin/git", ["-C", dir.path] + args, environment: env)
        guard r.status == 0 else { throw NSError(domain: "git", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "git \(args): \(r.stderr)"]) }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ files: [String: String]) throws { for (p, t) in files { try Fixtures.write(t, to: dir.appendingPathComponent(p)) } }

    mutating func commit(_ step: Int, _ message: String, _ files: [String: String]) throws {
        try write(files)
        _ = try git(["add", "-A"])
        _ = try git(["commit", "-qm", message], at: step)
        ids[step] = try git(["rev-parse", "HEAD"])
    }

    static let trailers = "Source-Repository: https://git.example.test/team/app\nSource-Commit: 1111111111111111111111111111111111111111\nSource-Pipeline: https://git.example.test/team/app/-/pipelines/11\nSource-Commit-Time: 2026-03-01T10:30:00Z"

    static func make() throws -> HistoryRepo {
        var r = HistoryRepo(dir: try Fixtures.scratch("history").appendingPathComponent("config"))
        try FileManager.default.createDirectory(at: r.dir, withIntermediateDirectories: true)
        _ = try r.git(["init", "-q", "-b", "main"])
        try r.commit(0, "initial", ["imagebump.yaml": config, "README.md": "# config\n", dev: deployment("1.0.0"),
                                    staging: deployment("1.0.0"), prod: kustomization("1.0.0")])
        try r.commit(1, "chore(deploy): bump \(app):1.1.0\n\n\(trailers)", [dev: deployment("1.1.0")])
        try r.commit(2, "chore(deploy): promote dev → staging", [staging: deployment("1.1.0")])
        // production by merge request: the bot's commit on its branch, merged with a merge commit
        _ = try r.git(["checkout", "-qb", "imagebump/production"])
        try r.commit(3, "chore(deploy): promote staging → production\n\nSource-Commit: 1111111111111111111111111111111111111111", [prod: kustomization("1.1.0")])
        _ = try r.git(["checkout", "-q", "main"])
        _ = try r.git(["merge", "-q", "--no-ff", "-m", "Merge branch 'imagebump/production' into 'main'", "imagebump/production"], at: 4)
        r.ids[4] = try r.git(["rev-parse", "HEAD"])
        try r.commit(5, "chore(deploy): roll back production\n\nRollback-Of: \(r.ids[4]!)", [prod: kustomization("1.0.0")])
        // sed over two environments
        for f in [dev, staging] {
            let url = r.dir.appendingPathComponent(f)
            try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "1.1.0", with: "1.2.0").write(to: url, atomically: true, encoding: .utf8)
        }
        try r.commit(6, "sed -i s/1.1.0/1.2.0/ envs/dev envs/staging", [:])
        _ = try r.git(["revert", "--no-edit", "HEAD"], at: 7)
        r.ids[7] = try r.git(["rev-parse", "HEAD"])
        try r.commit(8, "try 1.3.0 by hand", [dev: deployment("1.3.0"), "README.md": "# config\nmore\n"])
        try r.commit(9, "back to 1.1.0", [dev: deployment("1.1.0")])
        try r.commit(10, "docs only", ["README.md": "# config\nmore\nand more\n"])
        return r
    }
}
