import Foundation
import XCTest

/// `set --add` with several apps' kustomizations named (#18.5): an image is added only to the kustomizations of the
/// app it belongs to — where it already appears (the kustomization, its base, with imagebump.yaml any file of the
/// app) — never across apps; when nothing tells, the run is refused naming the candidates. The real binary on the
/// two-app repository of MonorepoPromoteTests (sample-app and worker, each with dev and staging overlays).
final class MonorepoAddTests: XCTestCase {
    typealias M = MonorepoPromoteTests
    let appStaging = "apps/sample-app/overlays/staging/kustomization.yaml"
    let workerStaging = "apps/worker/overlays/staging/kustomization.yaml"
    var both: [String] { ["-f", appStaging, "-f", workerStaging] }
    static let configs: [(String, String?)] = [("globs", M.globs), ("apps", M.apps), ("no imagebump.yaml", nil)]

    func text(_ repo: URL, _ path: String) throws -> String { try String(contentsOf: repo.appendingPathComponent(path), encoding: .utf8) }

    func testAnImageIsAddedOnlyToItsOwnAppsKustomization() throws {
        for (what, config) in Self.configs {
            let repo = try M.monorepo(config: config)
            // sample-app is in its own staging overlay: set there, not added to worker's
            let a = try CLI.run(["set", "--add"] + both + ["\(M.app):2.0.0"], in: repo)
            XCTAssertEqual(a.status, 0, "\(what): \(a.stderr)")
            var (appText, workerText) = (try text(repo, appStaging), try text(repo, workerStaging))
            XCTAssertTrue(appText.contains("newTag: 2.0.0"), what)
            XCTAssertFalse(workerText.contains(M.app), "\(what): sample-app added to worker's overlay: \(workerText)")

            // worker runs in staging from worker's base only: the entry goes into worker's overlay
            let w = try CLI.run(["set", "--add"] + both + ["\(M.worker):2.6.0"], in: repo)
            XCTAssertEqual(w.status, 0, "\(what): \(w.stderr)")
            (appText, workerText) = (try text(repo, appStaging), try text(repo, workerStaging))
            XCTAssertTrue(workerText.contains("- name: \(M.worker)\n  newTag: 2.6.0"), "\(what): \(workerText)")
            XCTAssertFalse(appText.contains(M.worker), "\(what): worker added to sample-app's overlay: \(appText)")
        }
    }

    func testAnImageOfAnotherEnvironmentGoesToItsAppWithImagebumpYaml() throws {
        // the agent appears only in worker's dev overlay: imagebump.yaml says that is app worker
        for (what, config) in Self.configs.filter({ $0.1 != nil }) {
            let repo = try M.monorepo(config: config)
            let r = try CLI.run(["set", "--add"] + both + ["\(M.agent):1.0.0"], in: repo)
            XCTAssertEqual(r.status, 0, "\(what): \(r.stderr)")
            let (appText, workerText) = (try text(repo, appStaging), try text(repo, workerStaging))
            XCTAssertTrue(workerText.contains("- name: \(M.agent)\n  newTag: 1.0.0"), "\(what): \(workerText)")
            XCTAssertFalse(appText.contains(M.agent), "\(what): \(appText)")
        }
    }

    func testAnImageOfNoKnownAppIsRefusedNamingTheCandidates() throws {
        for (what, config) in Self.configs {
            let repo = try M.monorepo(config: config)
            let before = try [appStaging, workerStaging].map { try text(repo, $0) }
            // without imagebump.yaml the agent (in worker's dev overlay, not named) belongs to no named app either
            let images = ["registry.example.com/team/new-service:1.0.0"] + (config == nil ? ["\(M.agent):1.0.0"] : [])
            for image in images {
                let r = try CLI.run(["set", "--add"] + both + [image], in: repo)
                XCTAssertEqual(r.status, 1, "\(what): \(r.stderr)")
                let name = String(image.split(separator: ":")[0])
                let apps = config == nil ? ["", ""] : [" (app sample-app)", " (app worker)"]
                XCTAssertTrue(r.stderr.contains("--add cannot tell which app \(name) belongs to: the kustomizations named with -f are of 2 apps (\(appStaging)\(apps[0]), \(workerStaging)\(apps[1])) and it appears in none of them"), "\(what): \(r.stderr)")
                XCTAssertEqual(try [appStaging, workerStaging].map { try text(repo, $0) }, before, "\(what): nothing written")
            }
            // one kustomization named: added there, as before
            let one = try CLI.run(["set", "--add", "-f", workerStaging, "registry.example.com/team/new-service:1.0.0"], in: repo)
            XCTAssertEqual(one.status, 0, "\(what): \(one.stderr)")
            XCTAssertTrue(try text(repo, workerStaging).contains("new-service"), what)
        }
    }
}
