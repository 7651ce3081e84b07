import ImagebumpCLI
import TempCleanup

TempCleanup.installSignalHandlers()

Entry.main(gitRunner: GitRemoteRunner())
