#include <git2.h>

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
