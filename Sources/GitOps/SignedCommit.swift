internal import CGit2
import FoundationEssentials

extension ConfigRepo {
    /// A signed commit of `tree` on `parent`, made as git makes one: the commit's text (`git_commit_create_buffer`)
    /// is signed, written with the signature in its `gpgsig` header, and HEAD's branch is moved to it, as
    /// `git_commit_create(…, "HEAD", …)` moves it for an unsigned commit.
    func createSignedCommit(tree: OpaquePointer?, parent: OpaquePointer?, signature sig: UnsafeMutablePointer<git_signature>?,
                            message: String, author: GitAuthor, signing: CommitSigning) throws -> git_oid {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        var parents: [OpaquePointer?] = [parent]
        let rc = parents.withUnsafeMutableBufferPointer { buf in
            git_commit_create_buffer(&buffer, repo, sig, sig, "UTF-8", message, tree, 1, buf.baseAddress)
        }
        try check(rc, "making the commit to sign")
        let content = buffer.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: buffer.size)) } ?? []
        var armored = try signing.signature(of: content, committer: author)
        // libgit2 ends the header's last line itself: a trailing newline would add an empty continuation line
        while armored.hasSuffix("\n") { armored.removeLast() }
        var oid = git_oid()
        try check(git_commit_create_with_signature(&oid, repo, String(decoding: content, as: UTF8.self), armored, "gpgsig"),
                  "writing the signed commit")
        var head: OpaquePointer?
        try check(git_repository_head(&head, repo), "resolving HEAD")
        defer { git_reference_free(head) }
        var moved: OpaquePointer?
        let subject = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        try check(git_reference_set_target(&moved, head, &oid, "commit: \(subject)"), "moving HEAD to the signed commit")
        git_reference_free(moved)
        return oid
    }
}
