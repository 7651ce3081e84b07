import FoundationEssentials
import Support
import Forge
import GitOps
import ImagebumpKit
import ImagebumpCLI

extension GitRemoteRunner {
    /// The checkout `set --env` reads its environments from: with `--via api`, the config repo's imagebump.yaml read
    /// through the forge's API into a temporary directory (no clone); else `withCheckout(command.repo.access)`.
    public func withCheckout<T>(for command: SetCommand, context: CommandContext, _ body: (ConfigCheckout) throws -> T) throws -> T {
        guard command.repo.transport.via == .api else { return try withCheckout(command.repo.access, context: context, body) }
        let location = Self.location(command.repo.access, cwd: context.workingDirectory)
        let credentials = Self.credentials(command.repo.access, context: context).resolvingToken(forLocation: location)
        guard ConfigRepo.isURL(location), let token = credentials.token else {
            throw Problem(message: "--via api needs --repo as the repository's https:// URL and an API token (\(credentials.tokenSearchDescription(forLocation: location)))")
        }
        context.console.addMask(token.secret)
        let timeouts = Self.timeouts(command.repo.access)
        let api = try APIPublisher.client(location, forge: command.forge.forge, apiURL: command.forge.apiURL, ci: context.ci, token: token,
                                          transport: TransportOptions(caFile: credentials.caFile, timeoutSeconds: timeouts.idle,
                                                                      phaseTimeout: timeouts.phase, environment: credentials.environment),
                                          warning: nil) // the run that follows warns
        let branch = try command.repo.branch ?? api.defaultBranch()
        guard let head = try api.head(of: branch) else {
            throw Problem(message: "the branch \(branch) does not exist in the repository (\(api.forge.displayName) API); name an existing branch with --branch")
        }
        let snapshot = try APISnapshot.read(api, commit: head, paths: nil, optional: ConfigFile.names)
        return try snapshot.within { try body(ConfigCheckout(root: $0, repository: nil)) }
    }
}
