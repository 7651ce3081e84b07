import ImagebumpCLI

// Edits run here; a run that needs git or a forge API (decided from the parsed command) replaces this process
// with imagebump-git beside this executable, which links libgit2/libcurl.
Entry.main(gitRunner: nil)
