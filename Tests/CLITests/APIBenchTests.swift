import Foundation
import XCTest
import TestSupport

/// Benchmark, not a test (skipped unless IMAGEBUMP_BENCH=1; scripts/bench-api.sh runs it): `set --push` through a
/// clone (git daemon) against `set --push --via api` (the fake forge's emulator) on the same bare repository, and
/// 20 concurrent API bumps of different files. Prints figures; asserts only that every run landed.
final class APIBenchTests: XCTestCase {
    func testCloneModeAgainstAPIMode() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["IMAGEBUMP_BENCH"] == "1", let bare = env["BENCH_API_REPO"] else { throw XCTSkip("IMAGEBUMP_BENCH=1 BENCH_API_REPO=<bare repo> (scripts/bench-api.sh)") }
        let runs = Int(env["BENCH_RUNS"] ?? "") ?? 3, conc = Int(env["BENCH_CONCURRENCY"] ?? "") ?? 20
        let binary = env["BENCH_IMAGEBUMP"] ?? CLI.binary.path
        let token = "bench-token"
        let forge = try FakeForge(token: token, repos: ["team/config": bare])
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let daemon = try GitDaemon(serving: bare)
        defer { daemon.stop() }
        let cwd = try Fixtures.scratch()
        func run(_ args: [String]) throws -> (Double, CLIResult) {
            let s = Date()
            let r = try CLI.runProgram(binary, ["set", "--push", "--output", "json"] + args, in: cwd, env: ["IMAGEBUMP_TOKEN": token])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            return (Date().timeIntervalSince(s), r)
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        let api = ["--via", "api", "--repo", forge.baseURL + "/team/config.git", "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4"]
        var clone: [Double] = [], viaAPI: [Double] = [], requests: [Int] = []
        for i in 0..<runs {
            clone.append(try run(["--repo", daemon.url, "-f", "apps/app0001/deployment.yaml", "registry.local/app0001:clone-\(i)"]).0)
            let before = try forge.requests().count
            viaAPI.append(try run(api + ["-f", "apps/app0002/deployment.yaml", "registry.local/app0002:api-\(i)"]).0)
            requests.append(try forge.requests().count - before)
        }
        // 20 runs at once, each its own file: time-to-landed from the common start, and the attempts each needed
        func concurrent(_ args: [String], offset: Int) -> (p50: Double, max: Double, landed: Int, attempts: [String]) {
            let start = Date()
            let landed = Results(count: conc)
            DispatchQueue.concurrentPerform(iterations: conc) { i in
                let app = String(format: "app%04d", offset + i)
                let r = try? CLI.runProgram(binary, ["set", "--push", "--retries", "30", "--output", "json"] + args
                                            + ["-f", "apps/\(app)/deployment.yaml", "registry.local/\(app):conc"], in: cwd, env: ["IMAGEBUMP_TOKEN": token])
                let attempts = r?.stdout.components(separatedBy: "\"attempts\":").dropFirst().first?.prefix { $0.isNumber } ?? "?"
                landed.set(i, r?.status ?? -1, "\(Date().timeIntervalSince(start)) \(attempts)")
            }
            let times = landed.output.compactMap { Double($0.split(separator: " ").first ?? "") }.sorted()
            return (times[times.count / 2], times.last ?? 0, landed.status.filter { $0 == 0 }.count,
                    landed.output.map { String($0.split(separator: " ").last ?? "?") })
        }
        let single = median(viaAPI), singleClone = median(clone)
        let a = concurrent(api, offset: 100), g = concurrent(["--repo", daemon.url], offset: 300)
        print(String(format: "bench-api: clone mode median %.3f s, --via api median %.3f s, ratio %.3f (target <= 0.2); requests per API run %@",
                     singleClone, single, single / singleClone, requests.map(String.init).joined(separator: ",")))
        print(String(format: "bench-api: %d concurrent --via api bumps: %d landed, p50 %.3f s (%.2fx a single bump), max %.3f s; attempts %@",
                     conc, a.landed, a.p50, a.p50 / single, a.max, a.attempts.joined(separator: ",")))
        print(String(format: "bench-api: %d concurrent clone-mode bumps: %d landed, p50 %.3f s (%.2fx a single bump), max %.3f s; attempts %@",
                     conc, g.landed, g.p50, g.p50 / singleClone, g.max, g.attempts.joined(separator: ",")))
        XCTAssertEqual(a.landed, conc)
        XCTAssertEqual(g.landed, conc)
    }
}

/// `git daemon` serving one bare repository at git://127.0.0.1:PORT/<name>, for the clone side of the benchmark.
final class GitDaemon {
    let process = Process()
    let url: String

    init(serving bare: String) throws {
        let dir = (bare as NSString).deletingLastPathComponent, name = (bare as NSString).lastPathComponent
        let port = Int.random(in: 20000..<60000)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1",
                             "--port=\(port)", "--base-path=\(dir)", dir]
        process.standardError = FileHandle.nullDevice
        try process.run()
        url = "git://127.0.0.1:\(port)/\(name)"
        for _ in 0..<50 where (try? Git.run(["ls-remote", url])) == nil { usleep(100_000) }
    }

    func stop() { process.terminate(); process.waitUntilExit() }
}
