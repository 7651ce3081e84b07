import ImagebumpCLI
import Publish
import Support

TempCleanup.installSignalHandlers()
Entry.main(git: GitRemoteRunner())
