import XCTest
@testable import ImageRules

final class ImageNameTests: XCTestCase {
    func testDockerHubNormalisation() throws {
        let forms = ["nginx", "library/nginx", "docker.io/nginx", "docker.io/library/nginx", "index.docker.io/library/nginx"]
        for f in forms {
            XCTAssertEqual(try ImageName(parsing: f).normalized, "docker.io/library/nginx", f)
        }
        XCTAssertEqual(try ImageName(parsing: "bitnami/nginx").normalized, "docker.io/bitnami/nginx")
        XCTAssertNotEqual(try ImageName(parsing: "bitnami/nginx"), try ImageName(parsing: "nginx"))
    }

    func testRegistryDetection() throws {
        let withPort = try ImageName(parsing: "localhost:5000/app")
        XCTAssertEqual(withPort.domain, "localhost:5000")
        XCTAssertEqual(withPort.path, "app")
        XCTAssertEqual(try ImageName(parsing: "localhost/app").domain, "localhost")
        XCTAssertEqual(try ImageName(parsing: "ghcr.io/org/team/app").path, "org/team/app")
        XCTAssertNil(try ImageName(parsing: "org/app").domain)
        XCTAssertEqual(try ImageName(parsing: "[::1]:5000/app").domain, "[::1]:5000")
    }

    func testInvalidNames() {
        for bad in ["", "Nginx", "app/", "/app", "a//b", "app-", "-app", "a..b", "my app", "ghcr.io:port/app", "app#1"] {
            XCTAssertThrowsError(try ImageName(parsing: bad), bad)
        }
        XCTAssertNoThrow(try ImageName(parsing: "a__b/c-d/e.f/g---h"))
    }
}

final class ImageReferenceParsingTests: XCTestCase {
    let digest = "sha256:" + String(repeating: "ab", count: 32)

    func testTagAndDigest() throws {
        let r = try ImageReference(parsing: "localhost:5000/app:1.2.3@\(digest)")
        XCTAssertEqual(r.name.written, "localhost:5000/app")
        XCTAssertEqual(r.tag, "1.2.3")
        XCTAssertEqual(r.digest, digest)
        XCTAssertEqual(r.description, "localhost:5000/app:1.2.3@\(digest)")
        let portOnly = try ImageReference(parsing: "localhost:5000/app")
        XCTAssertNil(portOnly.tag)
        XCTAssertEqual(portOnly.name.domain, "localhost:5000")
    }

    func testOneFormatterLeavesOutAbsentAndEmptyParts() throws {
        XCTAssertEqual(ImageReference.format(name: "app", tag: "1.0", digest: digest), "app:1.0@\(digest)")
        XCTAssertEqual(ImageReference.format(name: "app", tag: "", digest: nil), "app")
        XCTAssertEqual(ImageReference.format(name: "app", tag: nil, digest: ""), "app")
        XCTAssertEqual(ImageReference(name: try ImageName(parsing: "app"), tag: "", digest: digest).description, "app@\(digest)")
        XCTAssertEqual(try ImageSpec(parsing: "app=ghcr.io/acme/app@\(digest)").description, "ghcr.io/acme/app@\(digest)")
    }

    func testTagGrammar() {
        XCTAssertTrue(ImageReference.isValidTag("v1.2.3-rc.1_build"))
        XCTAssertTrue(ImageReference.isValidTag("_x"))
        XCTAssertTrue(ImageReference.isValidTag(String(repeating: "a", count: 128)))
        XCTAssertFalse(ImageReference.isValidTag(String(repeating: "a", count: 129)))
        for bad in ["", ".x", "-x", "a b", "a\nb", "a\"b", "a#b", "{x}", "a'b", "a:b"] {
            XCTAssertFalse(ImageReference.isValidTag(bad), bad)
        }
    }

    func testDigestFollowsTheOCIGrammarWithRegisteredLengths() {
        let hex64 = "0123456789abcdef" + String(repeating: "e", count: 48)
        XCTAssertNil(Digest.problem(digest))
        XCTAssertNil(Digest.problem("sha256:" + hex64))
        XCTAssertNil(Digest.problem("sha512:" + hex64 + hex64))
        let refused: [String: String] = [
            "sha256:" + String(hex64.dropLast()): "exactly 64",                       // 63 digits
            "sha256:" + hex64 + "0": "exactly 64",                                    // 65 digits
            "sha256:" + hex64.uppercased(): "lowercase hex",
            "SHA256:" + hex64: "lowercase [a-z0-9] components",
            "sha512:" + hex64: "exactly 128",
            "md5:" + String(hex64.prefix(32)): "unsupported algorithm 'md5'",
            "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564": "unsupported algorithm 'sha256+b64u'",
            "sha256:": "[a-zA-Z0-9=_-]+",
            "sha256:xyz": "exactly 64",
            "sha__256:" + hex64: "components",
            hex64: "algorithm:encoded",
        ]
        for (d, why) in refused {
            XCTAssertNotNil(Digest.problem(d), d)
            XCTAssertThrowsError(try ImageReference(parsing: "app@" + d)) { error in
                XCTAssertTrue("\(error)".contains(why), "\(d): \(error)")
            }
        }
    }

    func testWrittenReferenceOnlyNeedsAValidName() throws {
        let short = try XCTUnwrap(ImageReference.written("nginx@sha256:111111111111111111"))
        XCTAssertEqual(short.name.written, "nginx")
        XCTAssertEqual(short.digest, "sha256:111111111111111111")
        let templated = try XCTUnwrap(ImageReference.written("some.registry.io/app:{GENERATED_TAG}"))
        XCTAssertEqual(templated.name.written, "some.registry.io/app")
        XCTAssertEqual(templated.tag, "{GENERATED_TAG}")
        XCTAssertEqual(ImageReference.written("localhost:5000/app")?.tag, nil)
        for notAReference in ["{{ .Values.image }}", "${IMAGE}", "app:", "app:{{ .Values.tag }}", "Nginx:1", ""] {
            XCTAssertNil(ImageReference.written(notAReference), notAReference)
        }
    }
}

final class ImageSpecTests: XCTestCase {
    let digest = "sha256:" + String(repeating: "0f", count: 32)

    func testKustomizeForms() throws {
        let a = try ImageSpec(parsing: "nginx:1.21")
        XCTAssertEqual(a.name.written, "nginx"); XCTAssertEqual(a.tag, "1.21"); XCTAssertNil(a.digest); XCTAssertNil(a.newName)

        let b = try ImageSpec(parsing: "nginx@\(digest)")
        XCTAssertNil(b.tag); XCTAssertEqual(b.digest, digest)

        let c = try ImageSpec(parsing: "nginx:1.21@\(digest)")
        XCTAssertEqual(c.tag, "1.21"); XCTAssertEqual(c.digest, digest)

        let d = try ImageSpec(parsing: "nginx=ghcr.io/org/nginx:1.21@\(digest)")
        XCTAssertEqual(d.name.written, "nginx"); XCTAssertEqual(d.newName?.written, "ghcr.io/org/nginx")
        XCTAssertEqual(d.tag, "1.21"); XCTAssertEqual(d.digest, digest)

        let e = try ImageSpec(parsing: "nginx=ghcr.io/org/nginx@\(digest)")
        XCTAssertNil(e.tag); XCTAssertEqual(e.digest, digest)

        let f = try ImageSpec(parsing: "localhost:5000/app:7")
        XCTAssertEqual(f.name.written, "localhost:5000/app"); XCTAssertEqual(f.tag, "7")

        let g = try ImageSpec(parsing: "nginx=mirror.local/nginx")
        XCTAssertTrue(g.isRenameOnly)
    }

    func testRejectsInjection() {
        for bad in ["app:1.0 # x", "app:1.0\nimage: evil", "app:\"1\"", "app:{x}", "app:a'b", "app:", "app", "=app:1", "app=:1",
                    "app:1@sha256:zz", "app:1=x", "app: 1", "app@md5:" + String(repeating: "0", count: 32),
                    "app=ghcr.io/x/app@sha256:" + String(repeating: "A", count: 64)] {
            XCTAssertThrowsError(try ImageSpec(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("invalid image spec"), "\(error)")
            }
        }
    }

    func testErrorMessageEscapesControlCharacters() {
        XCTAssertThrowsError(try ImageSpec(parsing: "app:1\n2")) { error in
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    func testApplyKeepsRepositoryAsWritten() throws {
        let spec = try ImageSpec(parsing: "docker.io/library/nginx:1.25")
        let ref = try ImageReference(parsing: "nginx:1.19@sha256:" + String(repeating: "1", count: 64))
        XCTAssertEqual(spec.apply(to: ref).description, "nginx:1.25")
        let rename = try ImageSpec(parsing: "nginx=mirror.local/nginx")
        XCTAssertEqual(rename.apply(to: ref).description, "mirror.local/nginx:1.19@sha256:" + String(repeating: "1", count: 64))
    }
}
