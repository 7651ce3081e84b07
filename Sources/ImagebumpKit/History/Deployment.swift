/// One deployment: a commit of the config repo that changed the image an environment runs (`imagebump history`).
/// Its JSON is an item of schema/history.schema.json.
public struct Deployment: Encodable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A new image, from a build, a hand edit or any other commit.
        case bump
        /// The image another environment ran before this commit.
        case promotion
        /// Back to an earlier image: a `Rollback-Of:` trailer, a `git revert`, or a commit that undoes the previous
        /// deployment of the image in the environment.
        case rollback
    }

    /// The config commit's committer time, seconds since the epoch.
    public var timestamp: Int64
    /// ISO 8601 (UTC) of `timestamp` (derived, so that the two cannot disagree).
    public var time: String { Timestamp.iso(timestamp) }
    public var environment: String
    /// The app (`apps:`, or a wildcard of the environment's files), nil for an environment of one app.
    public var app: String?
    /// The image's repository as written.
    public var image: String
    /// `image[:tag][@digest]` before (nil: the image was added) and after.
    public var old: String?
    public var new: String
    /// The files of the environment that changed it.
    public var files: [String]
    public var configCommit: String
    public var subject: String
    public var sourceRepository: String?
    public var sourceCommit: String?
    public var sourcePipeline: String?
    /// As the trailer writes it (ISO 8601).
    public var sourceCommitTime: String?
    public var kind: Kind
    /// A rollback: the config commit it undoes (as the trailer or revert names it, full when history has it); the
    /// newest of `undoes`.
    public var rollbackOf: String?
    /// A promotion: the environment that ran `new` before.
    public var promotedFrom: String?
    /// A rollback: every config commit of this image's deployments it undoes, newest first (`rollback --to 3` names
    /// three); empty otherwise.
    public var undoes: [String] = []

    enum CodingKeys: String, CodingKey {
        case time, timestamp, environment, app, image, old, new, files, configCommit, subject, sourceRepository, sourceCommit
        case sourcePipeline, sourceCommitTime, kind, rollbackOf, promotedFrom, undoes
    }

    // every key is written (null when absent), so every object has the same keys
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time); try c.encode(timestamp, forKey: .timestamp)
        try c.encode(environment, forKey: .environment); try c.encode(app, forKey: .app)
        try c.encode(image, forKey: .image); try c.encode(old, forKey: .old); try c.encode(new, forKey: .new)
        try c.encode(files, forKey: .files); try c.encode(configCommit, forKey: .configCommit)
        try c.encode(subject, forKey: .subject)
        try c.encode(sourceRepository, forKey: .sourceRepository); try c.encode(sourceCommit, forKey: .sourceCommit)
        try c.encode(sourcePipeline, forKey: .sourcePipeline); try c.encode(sourceCommitTime, forKey: .sourceCommitTime)
        try c.encode(kind, forKey: .kind); try c.encode(rollbackOf, forKey: .rollbackOf)
        try c.encode(promotedFrom, forKey: .promotedFrom); try c.encode(undoes, forKey: .undoes)
    }
}
