import ImagebumpCLI

// Local edits run here; remote runs (--repo, --commit, --push, --merge-request) are handed to imagebump-git.
Imagebump.main()
