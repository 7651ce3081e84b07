// swift-tools-version:6.0
import PackageDescription

// Data flows one way: ImageReference → YAMLEdit → ImageRules → ImagebumpKit (files, plans, the run report)
// → ImagebumpCLI (command tree, output) → imagebump; ImagebumpKit → GitOps (libgit2) + Forge (libcurl)
// → Publish (one git run) → imagebump-git. Both executables are thin shells over ImagebumpCLI.
let package = Package(
    name: "imagebump",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "imagebump", targets: ["imagebump"]),
        .executable(name: "imagebump-git", targets: ["imagebump-git"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/mxcl/Version", from: "2.2.1"),
    ],
    targets: [
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "ImageReference"),
        .target(name: "YAMLEdit", dependencies: ["CYAML", "PlainText"]),
        .target(name: "ImageRules", dependencies: ["ImageReference", "YAMLEdit", "PlainText"]),
        .target(name: "ImagebumpKit", dependencies: ["ImageRules", "TempCleanup", "BuildInfo", .product(name: "Version", package: "Version")],
                swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // imagebump.yaml: environments (files, branch, mode) and the promotion order.
        .target(name: "Environments", dependencies: ["YAMLEdit", "ImageReference", "ImageRules", "TempCleanup"]),
        // One URL/remote-location parser and one backoff, shared by GitOps, Forge and Redaction.
        .target(name: "Remote", swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // Trimming, literal replacement, percent-encoding and %.1f without Foundation (and so without ICU).
        .target(name: "PlainText", swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "Redaction", dependencies: ["Remote", "PlainText"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // Removes registered temp paths (staged files, clones, key files) on SIGINT/SIGTERM/SIGHUP. DirectoryListing, Lock, writeAll: directories, a mutex and fd writes without Foundation.
        .target(name: "TempCleanup"),
        // The version, in one place.
        .target(name: "BuildInfo"),
        // The CI platform's variables read in one place: platform, actor, provenance, API URL, checkout.
        .target(name: "CIEnvironment", dependencies: ["Remote"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // libgit2's TCP stream, replaced: connections pinned to the named remote, connect and idle timeouts.
        // mbedTLS (libgit2's TLS library, so already loaded at run time): IP-address certificates, which libgit2 1.5
        // does not match (see imagebump_ip_certificate.h).
        .target(name: "CGitStream", dependencies: ["CGit2"], linkerSettings: [.linkedLibrary("mbedx509"), .linkedLibrary("mbedcrypto")]),
        .target(name: "GitOps", dependencies: ["CGit2", "CGitStream", "Remote", "Redaction", "TempCleanup", "ImagebumpKit", "CIEnvironment", "PlainText"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "Forge", dependencies: ["CCurl", "Remote", "Redaction", "BuildInfo", "CIEnvironment", "PlainText"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "ImagebumpCLI", dependencies: [
            "ImagebumpKit", "Environments", "BuildInfo", "CIEnvironment", "TempCleanup", "PlainText", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // Two executables so that a local edit never loads libgit2/libcurl (and their ~40 shared libraries):
        // `imagebump` parses the one command tree and hands runs that need git (a config repo, a commit, a merge
        // request: decided from the parsed command) to `imagebump-git` beside it.
        .executableTarget(name: "imagebump", dependencies: ["ImagebumpCLI", "TempCleanup"]),
        // One git run: clone/open → edit → commit → push with re-apply → merge request, reported as a RunReport.
        // and the git backend of the command context (GitRemoteRunner), which the CLI's commands run through.
        .target(name: "Publish", dependencies: ["ImagebumpKit", "GitOps", "Forge", "ImagebumpCLI", "Environments", "CIEnvironment", "Remote", "Redaction",
                                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .executableTarget(name: "imagebump-git", dependencies: ["ImagebumpCLI", "Publish", "TempCleanup"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),

        .testTarget(name: "ImageReferenceTests", dependencies: ["ImageReference"]),
        .testTarget(name: "YAMLEditTests", dependencies: ["YAMLEdit", "TestSupport"]),
        .testTarget(name: "ImageRulesTests", dependencies: ["ImageRules", "YAMLEdit", "ImageReference", "TestSupport"]),
        .testTarget(name: "ImagebumpKitTests", dependencies: ["ImagebumpKit", "ImageReference", "TempCleanup", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "TestSupport"]),
        .testTarget(name: "CIEnvironmentTests", dependencies: ["CIEnvironment"]),
        .testTarget(name: "PlainTextTests", dependencies: ["PlainText", "Forge"]),
        .testTarget(name: "GitOpsTests", dependencies: ["GitOps", "ImageRules", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ForgeTests", dependencies: ["Forge", "BuildInfo", "CIEnvironment", "TestSupport"]),
        // Test helpers: the loopback fake GitLab/GitHub API, the shared corpus location, running a program.
        .target(name: "TestSupport", dependencies: ["Forge"], path: "Tests/TestSupport"),
        // Runs the built `imagebump` executable as a user would.
        .testTarget(name: "CLITests", dependencies: ["imagebump", "imagebump-git", "GitOps", "ImagebumpCLI", "BuildInfo", "TestSupport"]),
    ]
)
