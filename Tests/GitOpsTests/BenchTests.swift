import XCTest
@testable import GitOps

/// Benchmark driver for scripts/bench-push.sh (skipped unless IMAGEBUMP_BENCH=1).
/// Env: BENCH_URL (config repo URL on a loopback smart-HTTP server), BENCH_RUNS (single bumps, default 3),
/// BENCH_CONCURRENCY (default 20). Prints `BENCH key value` lines.
final class BenchTests: XCTestCase {
    func testBenchPush() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["IMAGEBUMP_BENCH"] == "1", let url = env["BENCH_URL"] else {
            throw XCTSkip("benchmark: run scripts/bench-push.sh (IMAGEBUMP_BENCH=1)")
        }
        let runs = Int(env["BENCH_RUNS"] ?? "") ?? 3
        let n = Int(env["BENCH_CONCURRENCY"] ?? "") ?? 20
        let creds = GitCredentials(environment: env)
        let stamp = Int(Date().timeIntervalSince1970)

        // Sets `image: registry.local/<app>:<tag>` in apps/<app>/deployment.yaml.
        @Sendable func bumpEdit(app: String, tag: String) -> (String) throws -> [String] {
            return { root in
                let rel = "apps/\(app)/deployment.yaml"
                let path = root + "/" + rel
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let want = "image: registry.local/\(app):\(tag)"
                var changed = false
                let out = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                    let t = line.trimmingCharacters(in: .whitespaces)
                    if t.hasPrefix("image: registry.local/\(app):") && t != want {
                        changed = true
                        return line.replacingOccurrences(of: t, with: want)
                    }
                    return String(line)
                }
                guard changed else { return [] }
                try out.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
                return [rel]
            }
        }

        @Sendable func bump(app: String, tag: String, sparse: Bool, phases: inout [String: Double]) throws -> PublishResult {
            let t0 = Date()
            let repo = try ConfigRepo.prepare(location: url, credentials: creds,
                                              checkoutPaths: sparse ? ["apps/\(app)/deployment.yaml"] : nil)
            defer { repo.close() }
            phases["clone", default: 0] += Date().timeIntervalSince(t0)
            let t1 = Date()
            let r = try repo.publish(author: GitAuthor(name: "bench", email: "bench@localhost"),
                                     message: "chore(deploy): bump \(app):\(tag)", edit: bumpEdit(app: app, tag: tag))
            phases["edit+commit+push", default: 0] += Date().timeIntervalSince(t1)
            return r
        }

        for sparse in [false, true] {
            let label = sparse ? "sparse_" : ""
            var singles: [Double] = []
            var phases: [String: Double] = [:]
            for i in 0..<runs {
                let t0 = Date()
                let r = try bump(app: "app0000", tag: "lib-\(stamp)-\(label)\(i)", sparse: sparse, phases: &phases)
                let dt = Date().timeIntervalSince(t0)
                // close() (temp clone removal) is included in dt
                XCTAssertTrue(r.pushed)
                singles.append(dt)
                print("BENCH \(label)single_run \(i) \(String(format: "%.3f", dt))")
            }
            for (k, v) in phases.sorted(by: { $0.key < $1.key }) {
                print("BENCH \(label)single_phase_avg \(k) \(String(format: "%.3f", v / Double(runs)))")
            }
            singles.sort()
            print("BENCH \(label)single_median \(String(format: "%.3f", singles[singles.count / 2]))")
        }
        let sparseConcurrent = env["BENCH_SPARSE"] == "1"
        print("BENCH concurrent_sparse \(sparseConcurrent)")

        // n concurrent bumps of n different images (threads, each with its own clone).
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var landed: [Double] = []
            var attempts: [Int] = []
            var failures: [String] = []
        }
        let box = Box()
        let group = DispatchGroup()
        let start = Date()
        for i in 0..<n {
            group.enter()
            let app = String(format: "app%04d", i + 1)
            let t = Thread {
                var ph: [String: Double] = [:]
                do {
                    let r = try bump(app: app, tag: "conc-\(stamp)", sparse: sparseConcurrent, phases: &ph)
                    let dt = Date().timeIntervalSince(start)
                    box.lock.lock(); box.landed.append(dt); box.attempts.append(r.attempts); box.lock.unlock()
                } catch {
                    box.lock.lock(); box.failures.append("\(app): \(error)"); box.lock.unlock()
                }
                group.leave()
            }
            t.stackSize = 4 << 20
            t.start()
        }
        group.wait()
        let landed = box.landed.sorted()
        XCTAssertEqual(box.failures, [])
        XCTAssertEqual(landed.count, n)
        if !landed.isEmpty {
            print("BENCH concurrent_n \(n)")
            print("BENCH concurrent_landed \(landed.count)")
            print("BENCH concurrent_p50 \(String(format: "%.3f", landed[landed.count / 2]))")
            print("BENCH concurrent_max \(String(format: "%.3f", landed.last!))")
            print("BENCH concurrent_attempts \(box.attempts.sorted().map(String.init).joined(separator: ","))")
        }
    }
}
