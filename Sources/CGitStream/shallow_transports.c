#include "imagebump_shallow_transports.h"

#include <git2.h>

#if LIBGIT2_VER_MAJOR > 1 || LIBGIT2_VER_MINOR >= 7
#include <git2/sys/errors.h>
#include <git2/sys/transport.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct filter_subtransport filter_subtransport;

typedef struct {
    git_smart_subtransport_stream parent;
    git_smart_subtransport_stream *inner; /* NULL once the subtransport closed it */
    filter_subtransport *owner;
    char *deepen_request;                 /* the write that asked for a depth, until the next write */
    size_t deepen_request_len;
} filter_stream;

struct filter_subtransport {
    git_smart_subtransport parent;
    git_smart_subtransport *inner;
    filter_stream *stream; /* the connection's one stream (stateful), NULL when none is open */
};

/* True when the pkt-lines in buf hold a "deepen " line (a shallow fetch's first request). */
static int asks_for_depth(const char *buf, size_t len) {
    size_t at = 0;
    while (at + 4 <= len) {
        char hex[5] = {buf[at], buf[at + 1], buf[at + 2], buf[at + 3], 0};
        char *end = NULL;
        unsigned long n = strtoul(hex, &end, 16);
        if (end != hex + 4) return 0;
        if (n == 0) { at += 4; continue; } /* flush */
        if (n < 4 || at + n > len) return 0;
        if (n - 4 >= 7 && memcmp(buf + at + 4, "deepen ", 7) == 0) return 1;
        at += n;
    }
    return 0;
}

static void forget_request(filter_stream *f) {
    free(f->deepen_request);
    f->deepen_request = NULL;
    f->deepen_request_len = 0;
}

static int closed_error(void) {
    git_error_set_str(GIT_ERROR_NET, "the connection was closed");
    return -1;
}

static int filter_read(git_smart_subtransport_stream *s, char *buffer, size_t size, size_t *bytes_read) {
    filter_stream *f = (filter_stream *)s;
    if (!f->inner) return closed_error();
    return f->inner->read(f->inner, buffer, size, bytes_read);
}

static int filter_write(git_smart_subtransport_stream *s, const char *buffer, size_t len) {
    filter_stream *f = (filter_stream *)s;
    if (!f->inner) return closed_error();
    if (f->deepen_request) {
        if (len >= f->deepen_request_len && memcmp(buffer, f->deepen_request, f->deepen_request_len) == 0) {
            buffer += f->deepen_request_len; /* the repeat: the server has it already */
            len -= f->deepen_request_len;
        }
        forget_request(f);
        if (len == 0) return 0;
    } else if (asks_for_depth(buffer, len)) {
        f->deepen_request = malloc(len);
        if (!f->deepen_request) { git_error_set_oom(); return -1; }
        memcpy(f->deepen_request, buffer, len);
        f->deepen_request_len = len;
    }
    return f->inner->write(f->inner, buffer, len);
}

static void filter_free(git_smart_subtransport_stream *s) {
    filter_stream *f = (filter_stream *)s;
    if (f->inner) f->inner->free(f->inner);
    if (f->owner && f->owner->stream == f) f->owner->stream = NULL;
    forget_request(f);
    free(f);
}

static int filter_action(git_smart_subtransport_stream **out, git_smart_subtransport *t, const char *url,
                         git_smart_service_t action) {
    filter_subtransport *ft = (filter_subtransport *)t;
    git_smart_subtransport_stream *inner = NULL;
    int error = ft->inner->action(&inner, ft->inner, url, action);
    if (error < 0) return error;
    if (ft->stream && ft->stream->inner == inner) { /* UPLOADPACK_LS -> UPLOADPACK: the same connection */
        *out = &ft->stream->parent;
        return 0;
    }
    filter_stream *f = calloc(1, sizeof *f);
    if (!f) { git_error_set_oom(); return -1; }
    f->parent.subtransport = t;
    f->parent.read = filter_read;
    f->parent.write = filter_write;
    f->parent.free = filter_free;
    f->inner = inner;
    f->owner = ft;
    ft->stream = f;
    *out = &f->parent;
    return 0;
}

static int filter_close(git_smart_subtransport *t) {
    filter_subtransport *ft = (filter_subtransport *)t;
    if (ft->stream) { /* the inner close frees the inner stream: the wrapper must not use or free it again */
        ft->stream->inner = NULL;
        ft->stream->owner = NULL;
        ft->stream = NULL;
    }
    return ft->inner->close(ft->inner);
}

static void filter_subtransport_free(git_smart_subtransport *t) {
    filter_subtransport *ft = (filter_subtransport *)t;
    if (ft->stream) { ft->stream->owner = NULL; }
    ft->inner->free(ft->inner);
    free(ft);
}

static int wrap(git_smart_subtransport **out, git_transport *owner, git_smart_subtransport_cb make) {
    filter_subtransport *ft = calloc(1, sizeof *ft);
    if (!ft) { git_error_set_oom(); return -1; }
    int error = make(&ft->inner, owner, NULL);
    if (error < 0) { free(ft); return error; }
    ft->parent.action = filter_action;
    ft->parent.close = filter_close;
    ft->parent.free = filter_subtransport_free;
    *out = &ft->parent;
    return 0;
}

static int git_subtransport(git_smart_subtransport **out, git_transport *owner, void *param) {
    (void)param;
    return wrap(out, owner, git_smart_subtransport_git);
}

static int ssh_subtransport(git_smart_subtransport **out, git_transport *owner, void *param) {
    (void)param;
    return wrap(out, owner, git_smart_subtransport_ssh);
}

/*
 * The shallow boundary. libgit2 1.8 writes .git/shallow after a fetch that downloaded a pack as just the boundary the
 * server named for that fetch (none for a fetch without a depth, or over file://): an earlier boundary commit (the
 * tip a depth-1 clone was made at, or a shallow CI checkout's) loses its mark, its parents read as missing objects,
 * and a revwalk below it (a push hides the remote's heads) fails. Each transport's answer is completed with the
 * boundary the repository had when the fetch began, as git does, except for an unshallow (depth INT_MAX).
 * libgit2 runs one fetch on the calling thread: what the negotiation was given is kept per thread.
 */
typedef struct {
    int (*negotiate_fetch)(git_transport *, git_repository *, const git_fetch_negotiation *);
    int (*shallow_roots)(git_oidarray *, git_transport *);
} transport_functions;

static transport_functions smart_functions, local_functions;

static __thread struct {
    git_transport *transport;
    git_oid *roots;
    size_t len;
} negotiated;

static void forget_negotiation(void) {
    free(negotiated.roots);
    negotiated.roots = NULL;
    negotiated.len = 0;
    negotiated.transport = NULL;
}

static int remember_negotiation(git_transport *t, const git_fetch_negotiation *data) {
    forget_negotiation();
    if (data->depth == INT_MAX || data->shallow_roots_len == 0) return 0; /* an unshallow: the server's answer stands */
    negotiated.roots = malloc(data->shallow_roots_len * sizeof(git_oid));
    if (!negotiated.roots) { git_error_set_oom(); return -1; }
    memcpy(negotiated.roots, data->shallow_roots, data->shallow_roots_len * sizeof(git_oid));
    negotiated.len = data->shallow_roots_len;
    negotiated.transport = t;
    return 0;
}

/* out, completed with the boundary the negotiation began with */
static int complete_roots(git_oidarray *out, git_transport *t) {
    if (negotiated.transport != t || negotiated.len == 0) return 0;
    size_t missing = 0;
    for (size_t i = 0; i < negotiated.len; i++) {
        int found = 0;
        for (size_t j = 0; j < out->count && !found; j++) found = git_oid_equal(&negotiated.roots[i], &out->ids[j]);
        if (!found) missing++;
    }
    if (missing) {
        /* libgit2's allocator is the C library's (imagebump sets none): git_oidarray_dispose frees this */
        git_oid *ids = realloc(out->ids, (out->count + missing) * sizeof(git_oid));
        if (!ids) { git_error_set_oom(); return -1; }
        for (size_t i = 0; i < negotiated.len; i++) {
            int found = 0;
            for (size_t j = 0; j < out->count && !found; j++) found = git_oid_equal(&negotiated.roots[i], &ids[j]);
            if (!found) ids[out->count++] = negotiated.roots[i];
        }
        out->ids = ids;
    }
    forget_negotiation();
    return 0;
}

static int smart_negotiate(git_transport *t, git_repository *repo, const git_fetch_negotiation *data) {
    if (remember_negotiation(t, data) < 0) return -1;
    return smart_functions.negotiate_fetch(t, repo, data);
}

static int smart_shallow_roots(git_oidarray *out, git_transport *t) {
    int error = smart_functions.shallow_roots(out, t);
    return error < 0 ? error : complete_roots(out, t);
}

static int local_negotiate(git_transport *t, git_repository *repo, const git_fetch_negotiation *data) {
    if (remember_negotiation(t, data) < 0) return -1;
    return local_functions.negotiate_fetch(t, repo, data);
}

static int local_shallow_roots(git_oidarray *out, git_transport *t) {
    int error = local_functions.shallow_roots(out, t);
    return error < 0 ? error : complete_roots(out, t);
}

/* rpc = 0: persistent connections, as libgit2's own definitions of these transports; registered by scheme (libgit2 adds "://") */
static git_smart_subtransport_definition git_definition = {git_subtransport, 0, NULL};
static git_smart_subtransport_definition ssh_definition = {ssh_subtransport, 0, NULL};

static git_smart_subtransport_definition http_definition = {git_smart_subtransport_http, 1, NULL};

static int smart_transport(git_transport **out, git_remote *owner, void *param) {
    int error = git_transport_smart(out, owner, param);
    if (error < 0) return error;
    smart_functions.negotiate_fetch = (*out)->negotiate_fetch; /* the same functions for every smart transport */
    smart_functions.shallow_roots = (*out)->shallow_roots;
    (*out)->negotiate_fetch = smart_negotiate;
    (*out)->shallow_roots = smart_shallow_roots;
    return 0;
}

static int local_transport(git_transport **out, git_remote *owner, void *param) {
    int error = git_transport_local(out, owner, param);
    if (error < 0) return error;
    local_functions.negotiate_fetch = (*out)->negotiate_fetch;
    local_functions.shallow_roots = (*out)->shallow_roots;
    (*out)->negotiate_fetch = local_negotiate;
    (*out)->shallow_roots = local_shallow_roots;
    return 0;
}

int imagebump_shallow_transports_install(void) {
    int error;
    if ((error = git_transport_register("git", smart_transport, &git_definition)) < 0) return error;
    const char *ssh[] = {"ssh", "ssh+git", "git+ssh"};
    for (size_t i = 0; i < sizeof ssh / sizeof *ssh; i++)
        if ((error = git_transport_register(ssh[i], smart_transport, &ssh_definition)) < 0) return error;
    if ((error = git_transport_register("http", smart_transport, &http_definition)) < 0) return error;
    if ((error = git_transport_register("https", smart_transport, &http_definition)) < 0) return error;
    return git_transport_register("file", local_transport, NULL);
}

#else

int imagebump_shallow_transports_install(void) { return 0; }

#endif
