import ImagebumpCLI
import TempCleanup

TempCleanup.installSignalHandlers()

RemoteHook.runner = GitRemoteRunner()
Imagebump.main()
