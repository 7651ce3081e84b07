// swift-tools-version:6.0
import PackageDescription

// Data flows one way, and the folder names are the pipeline: C shims (CYAML, CGit2, CCurl, CGitStream)
// → Support (text without Foundation, redaction, remote URLs, temp-file cleanup, the version, the CI platform's
// variables) → YAMLEdit → ImageRules (image references, one rule per layout, the plan of one file)
// → ImagebumpKit (files, plans, the run report, imagebump.yaml's environments) → ImagebumpCLI (command tree, options,
// output) → imagebump. The git side: ImagebumpKit → GitOps (libgit2); ImageRules → Forge (libcurl: the MR text
// shows the planned changes); both and ImagebumpCLI → Publish (one git run, the CLI's git backend) → imagebump-git.
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
        // libgit2's TCP stream, replaced: connections pinned to the named remote, connect and idle timeouts.
        // mbedTLS (libgit2's TLS library, so already loaded at run time): IP-address certificates, which libgit2 1.5
        // does not match (see imagebump_ip_certificate.h).
        .target(name: "CGitStream", dependencies: ["CGit2"], linkerSettings: [.linkedLibrary("mbedx509"), .linkedLibrary("mbedcrypto")]),

        // Foundation-free support, one folder per concern: PlainText (trimming, literal replacement, percent-encoding
        // and %.1f without Foundation, and so without ICU), Redaction (credentials out of URLs and messages), Remote
        // (one URL/remote-location parser, proxies and one backoff), TempCleanup (registered temp paths removed on
        // SIGINT/SIGTERM/SIGHUP; directories, a mutex and fd writes), BuildInfo (the version, in one place) and
        // CIEnvironment (the CI platform's variables read in one place: platform, actor, provenance, API URL, checkout).
        .target(name: "Support", swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "YAMLEdit", dependencies: ["CYAML", "Support"]),
        // Image references (grammar, normalisation, specs), one file per image rule, the plan of one file.
        .target(name: "ImageRules", dependencies: ["YAMLEdit", "Support"]),
        // Files, plans, the run report; imagebump.yaml: environments (files, branch, mode) and the promotion order.
        .target(name: "ImagebumpKit", dependencies: ["ImageRules", "YAMLEdit", "Support", .product(name: "Version", package: "Version")],
                swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "GitOps", dependencies: ["CGit2", "CGitStream", "Support", "ImageRules", "ImagebumpKit"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "Forge", dependencies: ["CCurl", "Support", "ImageRules"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(name: "ImagebumpCLI", dependencies: [
            "ImagebumpKit", "Support", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // Two executables so that a local edit never loads libgit2/libcurl (and their ~40 shared libraries):
        // `imagebump` parses the one command tree and hands runs that need git (a config repo, a commit, a merge
        // request: decided from the parsed command) to `imagebump-git` beside it.
        .executableTarget(name: "imagebump", dependencies: ["ImagebumpCLI", "Support"]),
        // One git run: clone/open → edit → commit → push with re-apply → merge request, reported as a RunReport.
        // and the git backend of the command context (GitRemoteRunner), which the CLI's commands run through.
        .target(name: "Publish", dependencies: ["ImagebumpKit", "GitOps", "Forge", "ImagebumpCLI", "Support",
                                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        .executableTarget(name: "imagebump-git", dependencies: ["ImagebumpCLI", "Publish", "Support"], swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),

        .testTarget(name: "SupportTests", dependencies: ["Support", "Forge"]),
        .testTarget(name: "YAMLEditTests", dependencies: ["YAMLEdit", "Support", "TestSupport"]),
        .testTarget(name: "ImageRulesTests", dependencies: ["ImageRules", "YAMLEdit", "Support", "TestSupport"]),
        .testTarget(name: "ImagebumpKitTests", dependencies: ["ImagebumpKit", "ImageRules", "Support", "TestSupport"]),
        .testTarget(name: "GitOpsTests", dependencies: ["GitOps", "ImageRules", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ForgeTests", dependencies: ["Forge", "ImageRules", "Support", "TestSupport"]),
        // Test helpers: the loopback fake GitLab/GitHub API, the shared corpus location, running a program.
        .target(name: "TestSupport", dependencies: ["Forge"], path: "Tests/TestSupport"),
        // Runs the built `imagebump` executable as a user would.
        .testTarget(name: "CLITests", dependencies: ["imagebump", "imagebump-git", "GitOps", "ImageRules", "ImagebumpCLI", "Support", "TestSupport"],
                    exclude: ["Fixtures"]),
    ]
)
