import ImagebumpCLI
import Support

// Edits run here; a run that needs git or a forge API (decided from the parsed command) replaces this process
// with imagebump-git beside this executable, which links libgit2/libcurl.
// Staged temp files are removed on SIGINT/SIGTERM/SIGHUP (imagebump-git, exec'd for git runs, installs its own).
TempCleanup.installSignalHandlers()
Entry.main(git: nil)
