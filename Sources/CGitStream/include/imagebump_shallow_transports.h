#ifndef IMAGEBUMP_SHALLOW_TRANSPORTS_H
#define IMAGEBUMP_SHALLOW_TRANSPORTS_H

/*
 * libgit2 1.7-1.8's shallow fetch (git_fetch_options.depth), made to work for imagebump. libgit2's own transports,
 * registered again by scheme (the same git, ssh and http subtransports, callbacks and stream; file:// the same local
 * transport), with two differences:
 * - git:// and ssh://: after the deepen round, libgit2 sends its first request (wants, shallow lines, deepen, flush)
 *   again in front of its haves, as a stateless (HTTP) request must, and git upload-pack on a persistent connection
 *   answers "expected SHA1 list, got 'want ...'" and hangs up (libgit2 issue 6889, fixed in later releases). On a
 *   connection, a write that begins with the bytes of the earlier write that asked for a depth has them dropped.
 * - every scheme: libgit2 writes .git/shallow after a fetch as only the boundary the server named for it, so an
 *   earlier boundary commit loses its mark (see shallow_transports.c); the boundary the fetch began with is kept.
 * A libgit2 without these faults is unaffected by either.
 */

/// Registers the transports (once per process, after git_libgit2_init). Returns 0, or libgit2's error code;
/// 0 and nothing registered before libgit2 1.7 (no shallow fetch).
int imagebump_shallow_transports_install(void);

#endif
