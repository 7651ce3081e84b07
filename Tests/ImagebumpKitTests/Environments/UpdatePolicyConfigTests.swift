import XCTest
@testable import ImagebumpKit

/// `update:` of an environment in imagebump.yaml: a policy for the environment, `images:` one per image; errors name
/// file:line:column.
final class UpdatePolicyConfigTests: XCTestCase {
    func parse(_ text: String) throws -> EnvironmentsConfig {
        try EnvironmentsConfig(parsing: Array(text.utf8), file: "imagebump.yaml")
    }

    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(text)
            XCTFail("parsed without error", file: file, line: line)
            return ""
        } catch { return "\(error)" }
    }

    func testAPolicyPerEnvironmentAndPerImage() throws {
        let c = try parse("""
        environments:
          dev:
            files: [dev]
            update:
              semver: "^1.2"
              images:
                registry.example.com/team/api:
                  numerical: asc
                  filterTags: {pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts'}
                team/web: {alphabetical: {order: desc}}
          prod:
            files: [prod]
            update: {semver: {range: ">=1 <2"}}
          staging: {files: [staging], update: {digest: true}}
          other: {files: [other]}
        """)
        let dev = try XCTUnwrap(c["dev"]).update
        XCTAssertEqual(dev.policy?.description, "semver ^1.2")
        XCTAssertEqual(dev.policy(for: "registry.example.com/team/api")?.description, "numerical asc of the tags matching ^main-[a-f0-9]+-(?P<ts>[0-9]+) (extract $ts)")
        XCTAssertEqual(dev.policy(for: "docker.io/team/web")?.description, "alphabetical desc", "names compared normalised")
        XCTAssertEqual(dev.policy(for: "registry.example.com/team/other")?.description, "semver ^1.2", "the environment's")
        XCTAssertEqual(c["prod"]?.update.policy?.description, "semver >=1 <2")
        XCTAssertEqual(c["staging"]?.update.policy?.followsTag, true)
        XCTAssertNil(c["other"]?.update.policy(for: "a/b"))
    }

    func testBadPoliciesNameLineAndColumn() {
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update: {semver: '>=1 <2', numerical: asc}\n"),
                       "imagebump.yaml:4:32: update of dev has two policies (numerical, and the one on line 4); give one of semver, numerical, alphabetical or digest")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update: {semver: '>=1.x'}\n"),
                       "imagebump.yaml:4:22: semver of update of dev: >=1.x: >=1.x is not a comparator (>=, >, <=, <, =, ^, ~ and MAJOR[.MINOR[.PATCH]], e.g. \">=1.2 <2\" or ^1.2)")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update: {numerical: up}\n"),
                       "imagebump.yaml:4:25: numerical of update of dev must be asc or desc (asc picks the highest, as Flux)")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update: {semvr: x}\n"),
                       "imagebump.yaml:4:14: unknown key semvr in update of dev (expected one of semver, numerical, alphabetical, digest, filterTags, images)")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update:\n      filterTags: {pattern: 'main-('}\n      numerical: asc\n"),
                       "imagebump.yaml:5:29: pattern of filterTags of update of dev: main-( is not a regular expression: expected ')'")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update: {digest: true, filterTags: {pattern: x}}\n"),
                       "imagebump.yaml:4:28: update of dev: the digest policy follows the tag each file holds, so a tag filter has nothing to choose from")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update:\n      images:\n        team/api:1.0: {numerical: asc}\n"),
                       "imagebump.yaml:6:9: images of update of dev: team/api:1.0 is not an image name (no tag or digest: registry.example.com/team/app)")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    update:\n      images:\n        team/api: {images: {}}\n"),
                       "imagebump.yaml:6:20: unknown key images in update of team/api in dev (expected one of semver, numerical, alphabetical, digest, filterTags)")
    }
}
