import Foundation
import TestSupport
import XCTest

/// `history --repo URL` with --since or --limit reads the branch as far as asked, not whole: a shallow clone,
/// cloned deeper only while the walk ends at its boundary before what is asked.
final class HistoryBoundedReadTests: XCTestCase {
    typealias H = HistoryRepo

    /// 0: imagebump.yaml, dev 1.0.0 and 3 MiB of random bytes; 1: the bytes removed; 2...81: 80 commits that change no
    /// environment; 100, 101, 102: dev 1.1.0, 1.2.0, 1.3.0. 85 commits: more than a first bounded clone (64) holds.
    static func make() throws -> HistoryRepo {
        var r = HistoryRepo(dir: try Fixtures.scratch("bounded").appendingPathComponent("config"))
        try FileManager.default.createDirectory(at: r.dir, withIntermediateDirectories: true)
        _ = try r.git(["init", "-q", "-b", "main"])
        var noise = [UInt8](repeating: 0, count: 3 << 20)
        var g = SystemRandomNumberGenerator()
        for i in stride(from: 0, to: noise.count, by: 8) { withUnsafeBytes(of: g.next() as UInt64) { for (j, b) in $0.enumerated() { noise[i + j] = b } } }
        try Data(noise).write(to: r.dir.appendingPathComponent("noise.bin"))
        try r.commit(0, "initial", ["imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n", H.dev: H.deployment("1.0.0")])
        _ = try r.git(["rm", "-q", "noise.bin"])
        _ = try r.git(["commit", "-qm", "drop the noise"], at: 1)
        for hour in 2...81 { _ = try r.git(["commit", "-q", "--allow-empty", "-m", "chore \(hour)"], at: hour) }
        for (hour, tag) in [(100, "1.1.0"), (101, "1.2.0"), (102, "1.3.0")] { try r.commit(hour, "dev \(tag)", [H.dev: H.deployment(tag)]) }
        return r
    }

    func tags(_ r: CLIResult) throws -> [String] {
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return try XCTUnwrap(doc?["deployments"] as? [[String: Any]], r.stdout).map { ($0["new"] as! String).replacingOccurrences(of: H.app + ":", with: "") }
    }

    func testABoundedReadDoesNotFetchTheWholeHistory() throws {
        let repo = try Self.make()
        let server = try GitDaemonRepo(files: ["x": "y\n"])
        defer { server.stop() }
        _ = try repo.git(["push", "-qf", server.bare.path, "main"])
        let cwd = try Fixtures.scratch()
        // the whole history does not fit in 1 MiB: the noise is in it
        let whole = try CLI.run(["history", "--repo", server.url, "--max-pack-size", "1", "--output", "json"], in: cwd)
        XCTAssertEqual(whole.status, 1, whole.stderr)
        // 2026-03-05T13:00:00Z is hour 99: the three newest deployments, from a clone without the noise
        let since = ["--since", "2026-03-05T13:00:00Z"]
        XCTAssertEqual(try tags(CLI.run(["history", "--repo", server.url, "--max-pack-size", "1", "--output", "json"] + since, in: cwd)), ["1.3.0", "1.2.0", "1.1.0"])
        XCTAssertEqual(try tags(CLI.run(["history", "--repo", server.url, "--max-pack-size", "1", "--limit", "2", "--output", "json"], in: cwd)), ["1.3.0", "1.2.0"])
        let m = try CLI.run(["metrics", "--repo", server.url, "--max-pack-size", "1", "--output", "json"] + since, in: cwd)
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdout.contains("\"deployments\":3"), m.stdout)

        // asked for more than the first clone holds: cloned deeper, and the same as the whole history read locally
        for args in [["--since", "2026-03-01T10:30:00Z"], ["--limit", "5"]] {
            let local = try CLI.run(["history", "--output", "json"] + args, in: repo.dir)
            let remote = try CLI.run(["history", "--repo", server.url, "--output", "json"] + args, in: cwd)
            XCTAssertEqual(remote.stdout, local.stdout, "\(args): \(remote.stderr)")
            XCTAssertFalse(remote.stderr.contains("warning"), remote.stderr)
        }
        XCTAssertEqual(try tags(CLI.run(["history", "--repo", server.url, "--limit", "5", "--output", "json"], in: cwd)), ["1.3.0", "1.2.0", "1.1.0", "1.0.0"])
    }
}
