import ImagebumpCLI

// Edits run here with only the editing options parsed; runs with --repo/--commit/--push/--merge-request (and help)
// are handed to imagebump-git beside this executable, which has the full command line and libgit2/libcurl.
if RemoteHook.needsFullCLI(Array(CommandLine.arguments.dropFirst())) {
    do { try RemoteHook.handOver() } catch { EditOnlyImagebump.exit(withError: error) }
}
EditOnlyImagebump.main()
