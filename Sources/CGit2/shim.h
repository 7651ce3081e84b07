#include <git2.h>
#if LIBGIT2_VER_MAJOR > 1 || LIBGIT2_VER_MINOR >= 8
#include <git2/sys/errors.h> /* git_error_clear and git_error_set_str moved here in 1.8 */
#endif

/*
 * Non-variadic wrappers around variadic libgit2 entry points, so that Swift can call them.
 * (Swift cannot call C variadic functions such as git_libgit2_opts directly.)
 */

/// git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path): CA bundle file and/or CA directory for TLS.
static inline int imagebump_git_set_ssl_cert_locations(const char *file, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}

/// git_libgit2_opts(GIT_OPT_SET_USER_AGENT, agent).
static inline int imagebump_git_set_user_agent(const char *agent) {
    return git_libgit2_opts(GIT_OPT_SET_USER_AGENT, agent);
}

/// 1 when this libgit2 fetches shallow (git_fetch_options.depth, libgit2 1.7+), else 0 (libgit2 1.5).
static inline int imagebump_git_supports_shallow(void) {
#if LIBGIT2_VER_MAJOR > 1 || LIBGIT2_VER_MINOR >= 7
    return 1;
#else
    return 0;
#endif
}

/// Sets how deep a fetch reaches: `depth` commits from the tip, 0 the whole history, INT_MAX the rest of a shallow
/// repository's history (unshallow). A no-op where this libgit2 cannot fetch shallow (every fetch is then whole).
static inline void imagebump_git_fetch_set_depth(git_fetch_options *options, int depth) {
#if LIBGIT2_VER_MAJOR > 1 || LIBGIT2_VER_MINOR >= 7
    options->depth = depth;
#else
    (void)options;
    (void)depth;
#endif
}
