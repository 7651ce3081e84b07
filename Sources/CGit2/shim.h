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

/// git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path): where global/system/xdg config is looked up.
static inline int imagebump_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

/// git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled).
static inline int imagebump_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled).
static inline int imagebump_git_enable_fsync_gitdir(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}
