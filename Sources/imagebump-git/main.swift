import ImagebumpCLI

RemoteHook.runner = GitRemoteRunner()
Imagebump.main()
