/// One commit of the config repo as history reads it: what the git walk gives the pure derivation
/// (`Deployments.derive`), with the files it changed in the environments, before and after.
public struct HistoryCommit: Sendable, Equatable {
    /// One changed file: its bytes in the first parent (nil: added) and in the commit (nil: deleted).
    public struct FileChange: Sendable, Equatable {
        /// Relative to the repository's root.
        public var path: String
        public var old: [UInt8]?
        public var new: [UInt8]?
        public init(path: String, old: [UInt8]?, new: [UInt8]?) { self.path = path; self.old = old; self.new = new }
    }

    /// The full hex id.
    public var id: String
    /// The committer time, seconds since the epoch: when the change reached the branch.
    public var time: Int64
    public var parents: [String]
    public var message: String
    /// For a merge commit: the messages of the commits it merges (newest first), where the trailers of a merged
    /// merge request are; empty otherwise.
    public var mergedMessages: [String]
    /// The changes against the first parent.
    public var changes: [FileChange]

    public init(id: String, time: Int64, parents: [String] = [], message: String, mergedMessages: [String] = [],
                changes: [FileChange]) {
        self.id = id; self.time = time; self.parents = parents; self.message = message
        self.mergedMessages = mergedMessages; self.changes = changes
    }

    /// The first line of the message.
    public var subject: String { String(message.prefix { $0 != "\n" }) }

    /// The trailers of the message; a merge commit without any: those of the newest merged commit that has some.
    public var trailers: Trailers {
        let own = Trailers(message: message)
        if !own.entries.isEmpty { return own }
        return mergedMessages.lazy.map(Trailers.init(message:)).first { !$0.entries.isEmpty } ?? own
    }
}

/// What a walk of one branch of the config repo read (`ConfigHistory.commits`): its commits, newest first, and the
/// environments' files as they stood before the oldest of them when the walk stopped short of the root (at --since,
/// or at a shallow clone's boundary), so that what ran where before the walk is known (a promotion from an
/// environment that deployed earlier is still one).
public struct HistoryRead: Sendable, Equatable {
    public var commits: [HistoryCommit]
    /// Root-relative path → bytes, in the commit the walk stopped at; empty when it read back to the root.
    public var base: [String: [UInt8]]
    /// The walk stopped at a shallow clone's boundary (a first parent missing) before `since`: older deployments
    /// are not known. The boundary commit's id and time.
    public var boundary: (id: String, time: Int64)?

    public init(commits: [HistoryCommit], base: [String: [UInt8]] = [:], boundary: (id: String, time: Int64)? = nil) {
        self.commits = commits; self.base = base; self.boundary = boundary
    }

    public static func == (a: HistoryRead, b: HistoryRead) -> Bool {
        a.commits == b.commits && a.base == b.base && a.boundary?.id == b.boundary?.id && a.boundary?.time == b.boundary?.time
    }
}
