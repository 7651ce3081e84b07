import Foundation
import XCTest

/// imagebump.yaml globs and apps (#18.5): environments of several apps (`apps/*/overlays/dev`), `promote` app by
/// app — an image TO runs from its base is promoted into that app's TO overlay, `--add` never crosses apps — with
/// the real binary in a git repository.
final class MonorepoPromoteTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"
    let worker = "registry.example.com/team/worker"
    let agent = "registry.example.com/team/metrics-agent"

    /// sample-app: staging pins its own tag; worker: dev pins 2.5.0 (and an agent image), staging runs the base's 2.4.0.
    func monorepo(config: String) throws -> URL { try Self.monorepo(config: config) }

    static let app = "registry.example.com/team/sample-app"
    static let worker = "registry.example.com/team/worker"
    static let agent = "registry.example.com/team/metrics-agent"

    /// The repository of `monorepo(config:)`; `config` nil: no imagebump.yaml.
    static func monorepo(config: String?) throws -> URL {
        let (app, worker, agent) = (Self.app, Self.worker, Self.agent)
        let repo = try Fixtures.scratch("monorepo")
        let k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        var files = [
            "apps/sample-app/base/kustomization.yaml": k + "resources:\n  - deployment.yaml\n",
            "apps/sample-app/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sample-app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: \(app):latest\n",
            "apps/sample-app/overlays/dev/kustomization.yaml": k + "resources:\n  - ../../base\nimages:\n  - name: \(app)\n    newTag: 1.4.0\n",
            "apps/sample-app/overlays/staging/kustomization.yaml": k + "resources:\n  - ../../base\nimages:\n  - name: \(app)\n    newTag: 1.3.0\n",
            "apps/worker/base/kustomization.yaml": k + "resources:\n  - cronjob.yaml\n",
            "apps/worker/base/cronjob.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: worker\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: worker\n              image: \(worker):2.4.0\n",
            "apps/worker/overlays/dev/kustomization.yaml": k + "resources:\n  - ../../base\nimages:\n  - name: \(worker)\n    newTag: 2.5.0\n  - name: \(agent)\n    newTag: 0.9.1\n",
            "apps/worker/overlays/staging/kustomization.yaml": k + "resources:\n  - ../../base\n",
        ]
        if let config { files["imagebump.yaml"] = config }
        for (path, text) in files { try Fixtures.write(text, to: repo.appendingPathComponent(path)) }
        try Git.run(["init", "-q", repo.path])
        return repo
    }

    static let globs = "environments:\n  dev: {files: [apps/*/overlays/dev]}\n  staging: {files: [apps/*/overlays/staging]}\npromotion: [dev, staging]\n"
    static let apps = "environments:\n  dev: {files: [\"apps/**/dev\"]}\n  staging: {files: [\"apps/**/staging\"]}\napps:\n  sample-app: [apps/sample-app]\n  worker: {files: [apps/worker]}\npromotion: [dev, staging]\n"

    func text(_ repo: URL, _ path: String) throws -> String { try String(contentsOf: repo.appendingPathComponent(path), encoding: .utf8) }

    func testPromoteWorksPerAppWithGlobsAndWithApps() throws {
        for (what, config) in [("globs", Self.globs), ("apps", Self.apps)] {
            let repo = try monorepo(config: config)
            let r = try CLI.run(["promote", "dev", "staging"], in: repo)
            XCTAssertEqual(r.status, 0, "\(what): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("\(worker):2.5.0") && r.stderr.contains("is in dev but not in staging"),
                           "\(what): staging runs worker from its base: \(r.stderr)")
            let appStaging = try text(repo, "apps/sample-app/overlays/staging/kustomization.yaml")
            let workerStaging = try text(repo, "apps/worker/overlays/staging/kustomization.yaml")
            XCTAssertTrue(appStaging.contains("newTag: 1.4.0"), "\(what): \(appStaging)")
            XCTAssertFalse(appStaging.contains(worker), "\(what): worker never goes into sample-app's overlay: \(appStaging)")
            XCTAssertTrue(workerStaging.contains("- name: \(worker)\n  newTag: 2.5.0"), "\(what): into worker's own staging overlay: \(workerStaging)")
            XCTAssertFalse(workerStaging.contains(app), "\(what): \(workerStaging)")
            XCTAssertTrue(try text(repo, "apps/worker/base/cronjob.yaml").contains("\(worker):2.4.0"), "\(what): the shared base is not edited")
            // the agent runs in no workload of staging: reported under its app, not promoted
            XCTAssertTrue(r.stderr.contains("\(agent):0.9.1 (apps/worker/overlays/dev/kustomization.yaml:9) is in dev (app worker) but not in staging"), "\(what): \(r.stderr)")
            XCTAssertFalse(workerStaging.contains(agent))

            // --add puts it into worker's staging kustomization only
            let add = try CLI.run(["promote", "dev", "staging", "--add"], in: repo)
            XCTAssertEqual(add.status, 0, "\(what): \(add.stderr)")
            XCTAssertTrue(try text(repo, "apps/worker/overlays/staging/kustomization.yaml").contains("- name: \(agent)\n  newTag: 0.9.1"), what)
            XCTAssertFalse(try text(repo, "apps/sample-app/overlays/staging/kustomization.yaml").contains(agent), "\(what): never across apps")

            // get reads the same globs
            let get = try CLI.run(["get", "--env", "staging", "--output", "json"], in: repo)
            XCTAssertEqual(get.status, 0, get.stderr)
            XCTAssertTrue(get.stdout.contains(worker) && get.stdout.contains(app), get.stdout)
        }
    }

    func testAGlobThatMatchesNothingIsAConfigError() throws {
        let repo = try monorepo(config: "environments:\n  dev: {files: [apps/*/overlays/dev]}\n  qa: {files: [apps/*/overlays/qa]}\n")
        let r = try CLI.run(["set", "--env", "dev", "\(app):1.5.0"], in: repo)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("imagebump.yaml:3:16: apps/*/overlays/qa (environment qa) matches nothing in the repository"), r.stderr)
        let bad = try monorepo(config: "environments:\n  dev: {files: [apps/*/overlays/dev]}\napps:\n  worker: {file: [apps/worker]}\n")
        let e = try CLI.run(["get"], in: bad)
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.contains("imagebump.yaml:4:12: unknown key file in app worker (expected files)"), e.stderr)
    }
}
