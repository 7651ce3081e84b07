@testable import ImagebumpKit

/// A config repo's history, written by hand: three environments (dev and staging as plain manifests, production as
/// a kustomization), bumps, promotions, a sed commit, a revert, hand edits and rollbacks, at fixed times.
enum HistoryFixture {
    static let config = EnvironmentsConfig(file: "imagebump.yaml", environments: [
        Environment(name: "dev", files: ["envs/dev"]), Environment(name: "staging", files: ["envs/staging"]),
        Environment(name: "production", files: ["envs/production"], mode: .mergeRequest),
    ], promotion: ["dev", "staging", "production"])

    static func deployment(_ tag: String) -> [UInt8] {
        Array("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: registry.example.com/app:\(tag)
                - name: sidecar
                  image: redis:7.2.0

        """.utf8)
    }

    static func kustomization(_ tag: String) -> [UInt8] {
        Array("resources: [../../base]\nimages:\n  - name: registry.example.com/app\n    newTag: \(tag)\n".utf8)
    }

    static let dev = "envs/dev/deploy.yaml", staging = "envs/staging/deploy.yaml", prod = "envs/production/kustomization.yaml"

    static func id(_ n: Int) -> String { String(repeating: String(n), count: 40) }

    static func change(_ path: String, _ old: String?, _ new: String?) -> HistoryCommit.FileChange {
        let make = path == prod ? kustomization : deployment
        return .init(path: path, old: old.map(make), new: new.map(make))
    }

    static let trailers = "Source-Repository: https://git.example.test/team/app\nSource-Commit: abc1234\nSource-Pipeline: https://git.example.test/team/app/-/pipelines/7\nSource-Commit-Time: 1970-01-01T00:25:00Z"

    /// Oldest first; `commits` gives them newest first, as git log does.
    static let oldestFirst: [HistoryCommit] = [
        HistoryCommit(id: id(1), time: 1000, message: "initial", changes: [
            change(dev, nil, "1.0.0"), change(staging, nil, "1.0.0"), change(prod, nil, "1.0.0"),
            .init(path: "README.md", old: nil, new: Array("# config\n".utf8)),
        ]),
        HistoryCommit(id: id(2), time: 2000, parents: [id(1)], message: "chore(deploy): bump registry.example.com/app:1.1.0\n\n\(trailers)",
                      changes: [change(dev, "1.0.0", "1.1.0")]),
        HistoryCommit(id: id(3), time: 3000, parents: [id(2)], message: "chore(deploy): promote dev → staging", changes: [change(staging, "1.0.0", "1.1.0")]),
        // a merge request's merge commit: the trailers are on the merged commit
        HistoryCommit(id: id(4), time: 4000, parents: [id(3), "f00d"], message: "Merge branch 'imagebump/x' into 'main'",
                      mergedMessages: ["chore(deploy): promote staging → production\n\nSource-Commit: abc1234"],
                      changes: [change(prod, "1.0.0", "1.1.0")]),
        HistoryCommit(id: id(5), time: 5000, parents: [id(4)], message: "chore(deploy): roll back\n\nRollback-Of: \(id(4).prefix(7))",
                      changes: [change(prod, "1.1.0", "1.0.0")]),
        // sed over two environments in one commit: two bumps, no promotion
        HistoryCommit(id: id(6), time: 6000, parents: [id(5)], message: "sed 1.2.0", changes: [change(dev, "1.1.0", "1.2.0"), change(staging, "1.1.0", "1.2.0")]),
        HistoryCommit(id: id(7), time: 7000, parents: [id(6)], message: "Revert \"sed 1.2.0\"\n\nThis reverts commit \(id(6)).\n",
                      changes: [change(dev, "1.2.0", "1.1.0"), change(staging, "1.2.0", "1.1.0")]),
        // a hand edit, with a broken file beside it and a file outside every environment
        HistoryCommit(id: id(8), time: 8000, parents: [id(7)], message: "try 1.3.0", changes: [
            change(dev, "1.1.0", "1.3.0"), .init(path: "envs/dev/broken.yaml", old: nil, new: Array("a: [\n".utf8)),
            .init(path: "other/x.yaml", old: nil, new: deployment("9.9.9")),
        ]),
        // undoes the previous deployment by hand: a rollback without a trailer
        HistoryCommit(id: id(9), time: 9000, parents: [id(8)], message: "back to 1.1.0", changes: [change(dev, "1.3.0", "1.1.0")]),
    ]

    static var commits: [HistoryCommit] { oldestFirst.reversed() }
}
