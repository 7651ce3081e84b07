import ImagebumpCLI
import Publish
import TempCleanup

TempCleanup.installSignalHandlers()
Entry.main(git: GitRemoteRunner())
