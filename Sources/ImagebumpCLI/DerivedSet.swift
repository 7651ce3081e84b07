import ArgumentParser

extension SetCommand {
    /// The `set` that `promote`, `rollback` and `update` each become, from the option groups they share with it.
    /// ArgumentParser's values exist only once parsed, so it starts from a parsed `set` whose placeholder spec the
    /// caller replaces; `registry` nil keeps set's defaults (a command without registry options).
    static func derived(run: RunOptions, repo: RepoOptions, forge: ForgeOptions, registry: RegistryOptions? = nil) -> SetCommand {
        var s: SetCommand = try! SetCommand.parse(["placeholder:0"])
        s.edit.runOptions = run
        s.repo = repo
        s.forge = forge
        if let registry { s.registry = registry }
        return s
    }
}
