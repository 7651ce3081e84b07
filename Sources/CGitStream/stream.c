#include "imagebump_stream.h"

#include <git2.h>
#include <git2/sys/stream.h>
#if LIBGIT2_VER_MAJOR > 1 || LIBGIT2_VER_MINOR >= 8
#include <git2/sys/errors.h> /* git_error_set_str moved here in 1.8 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char host[256];
    char port[16];
    int pinned;
    /* The proxy the operation goes through (has_proxy): connections to it are allowed, and what they ask it for
       is checked against host:port. */
    int has_proxy;
    char proxy_host[256];
    char proxy_port[16];
    /* A plain-http origin (proxy_tunnel): libgit2 is not told about the proxy (1.5 would send its requests, and
       the origin's credentials, to the proxy in absolute form); each connection it opens to host:port is made to
       the proxy instead, which is asked for a CONNECT tunnel to host:port, with proxy_authorization (a
       Proxy-Authorization value) when not empty. */
    int proxy_tunnel;
    char proxy_authorization[1024];
    int connect_timeout_ms;
    int idle_timeout_ms;
    /* CLOCK_MONOTONIC milliseconds by which the whole operation must be done (0: no deadline). */
    long long deadline_ms;
    int phase_timeout_ms;
    _Atomic int event;
    char event_where[300];
    char event_message[700];
} policy;

static _Thread_local policy current;

/* The first four fields mirror libgit2's own git_socket_stream: its SSH transport reads the socket from `s`. */
typedef struct {
    git_stream parent;
    char *host;
    char *port;
    int s;
    int connect_timeout_ms;
    int idle_timeout_ms;
    long long deadline_ms;
    int phase_timeout_ms;
    /* A connection to the proxy: what is written to it before the tunnel is open must be a CONNECT for the pinned
       origin (libgit2's, for an https remote; the stream's own, for an http:// one); the tunnel's contents are not
       looked into. */
    int via_proxy;
    int tunneled;
    /* For a tunnel this stream opens itself (proxy_tunnel): the origin it is for. */
    char *target_host;
    char *target_port;
    /* The policy of the thread that opened the stream (its operation outlives the stream). */
    policy *owner;
    /* libssh2 reads and writes the socket itself, past ib_read/ib_write: a watchdog thread ends a connection on
       which no data moved either way for the idle timeout (TCP_INFO), by shutting it down. */
    pthread_t watchdog;
    int watching;
    int stopping;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} ib_stream;

static void record(policy *p, int event, const char *host, const char *port) {
    int none = IMAGEBUMP_STREAM_OK;
    if (event != IMAGEBUMP_STREAM_OK && atomic_compare_exchange_strong(&p->event, &none, event))
        snprintf(p->event_where, sizeof p->event_where, "%s:%s", host, port);
}

static void fail(int event, const char *host, const char *port, const char *message) {
    record(&current, event, host, port);
    if (event == IMAGEBUMP_STREAM_PROXY_REFUSED)
        snprintf(current.event_message, sizeof current.event_message, "%s", message);
    git_error_set_str(GIT_ERROR_NET, message);
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* How long the next wait may take: the idle timeout, cut to what is left before the deadline (-1: no limit;
   0: the deadline has passed). */
static int wait_budget(int idle_ms, long long deadline_ms) {
    long long budget = idle_ms > 0 ? idle_ms : -1;
    if (deadline_ms > 0) {
        long long left = deadline_ms - now_ms();
        if (left <= 0) return 0;
        if (budget < 0 || left < budget) budget = left;
    }
    return (int)budget;
}

static void *watch(void *arg) {
    ib_stream *st = arg;
    unsigned int idle = (unsigned int)st->idle_timeout_ms;
    pthread_mutex_lock(&st->mu);
    while (!st->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&st->cv, &st->mu, &until);
        if (st->stopping) break;
        if (st->deadline_ms > 0 && now_ms() >= st->deadline_ms) {
            record(st->owner, IMAGEBUMP_STREAM_DEADLINE, st->host, st->port);
            shutdown(st->s, SHUT_RDWR);
            break;
        }
        if (idle == 0) continue;
        struct tcp_info info;
        socklen_t len = sizeof info;
        if (getsockopt(st->s, IPPROTO_TCP, TCP_INFO, &info, &len) == 0
            && info.tcpi_last_data_recv >= idle && info.tcpi_last_data_sent >= idle) {
            record(st->owner, IMAGEBUMP_STREAM_IDLE_TIMEOUT, st->host, st->port);
            shutdown(st->s, SHUT_RDWR);
            break;
        }
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

static void start_watchdog(ib_stream *st) {
    if (st->idle_timeout_ms <= 0 && st->deadline_ms <= 0) return;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&st->cv, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&st->mu, NULL);
    st->watching = pthread_create(&st->watchdog, NULL, watch, st) == 0;
    if (!st->watching) { pthread_cond_destroy(&st->cv); pthread_mutex_destroy(&st->mu); }
}

/* Before the socket is closed (its number could be reused): the watchdog never touches it afterwards. */
static void stop_watchdog(ib_stream *st) {
    if (!st->watching) return;
    pthread_mutex_lock(&st->mu);
    st->stopping = 1;
    pthread_cond_signal(&st->cv);
    pthread_mutex_unlock(&st->mu);
    pthread_join(st->watchdog, NULL);
    pthread_cond_destroy(&st->cv);
    pthread_mutex_destroy(&st->mu);
    st->watching = 0;
}

/* Waits until fd is ready for `events`; 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = events };
    for (;;) {
        int rc = poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        return rc < 0 ? -1 : (rc == 0 ? 0 : 1);
    }
}

static int connect_one(const struct addrinfo *ai, int timeout_ms, long long deadline_ms, int *timed_out) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) return -1;
    int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
        int ready = wait_for(fd, POLLOUT, wait_budget(timeout_ms, deadline_ms));
        if (ready == 0) { *timed_out = 1; close(fd); return -1; }
        int err = 0;
        socklen_t len = sizeof err;
        if (ready < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
            if (err) errno = err;
            close(fd);
            return -1;
        }
    } else if (rc < 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, flags); /* blocking again: libssh2 uses the socket directly */
    return fd;
}

static int idle_timeout(ib_stream *st, const char *what) {
    char msg[512];
    snprintf(msg, sizeof msg, "no data %s %s:%s for %d s (timed out)", what, st->host, st->port,
             st->idle_timeout_ms / 1000);
    fail(IMAGEBUMP_STREAM_IDLE_TIMEOUT, st->host, st->port, msg);
    return -1;
}

/* A failed recv/send (errno holds the cause), named with the peer. */
static int io_error(ib_stream *st, const char *what) {
    char msg[512];
    snprintf(msg, sizeof msg, "error %s %s:%s: %s", what, st->host, st->port, strerror(errno));
    fail(IMAGEBUMP_STREAM_OK, st->host, st->port, msg);
    return -1;
}

static int deadline_passed(ib_stream *st) {
    char msg[512];
    snprintf(msg, sizeof msg, "not done with %s:%s within %d s (timed out)", st->host, st->port,
             st->phase_timeout_ms / 1000);
    fail(IMAGEBUMP_STREAM_DEADLINE, st->host, st->port, msg);
    return -1;
}

/* Waits for `events` on the socket within the idle timeout and the deadline; 0 ready, -1 failed (error set). */
static int wait_ready(ib_stream *st, short events, const char *what) {
    int budget = wait_budget(st->idle_timeout_ms, st->deadline_ms);
    int ready = budget == 0 ? 0 : wait_for(st->s, events, budget);
    if (ready > 0) return 0;
    if (ready < 0) return io_error(st, what);
    if (st->deadline_ms > 0 && now_ms() >= st->deadline_ms) return deadline_passed(st);
    return idle_timeout(st, events == POLLIN ? "received from" : "could be sent to");
}

/* Asks the proxy st is connected to for a tunnel to the origin (CONNECT, with the proxy's credentials when
   given), and reads its answer up to the end of the head, so that no byte of the tunnel is taken. 0: the tunnel
   is open; -1: refused (407: IMAGEBUMP_STREAM_PROXY_AUTH; any other answer: IMAGEBUMP_STREAM_PROXY_REFUSED). */
static int open_tunnel(ib_stream *st) {
    const char *auth = st->owner->proxy_authorization;
    int v6 = strchr(st->target_host, ':') != NULL && st->target_host[0] != '[';
    char authority[300], request[1600], msg[700];
    snprintf(authority, sizeof authority, "%s%s%s:%s", v6 ? "[" : "", st->target_host, v6 ? "]" : "", st->target_port);
    int n = snprintf(request, sizeof request, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", authority, authority,
                     auth[0] ? "Proxy-Authorization: " : "", auth, auth[0] ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof request) {
        fail(IMAGEBUMP_STREAM_OK, st->host, st->port, "the tunnel request for the proxy is too long");
        return -1;
    }
    for (int sent = 0; sent < n;) {
        if (wait_ready(st, POLLOUT, "sending data to") < 0) return -1;
        ssize_t k = send(st->s, request + sent, (size_t)(n - sent), MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return io_error(st, "sending data to");
        sent += (int)k;
    }
    memset(request, 0, sizeof request);
    st->tunneled = 1;
    char head[8192];
    size_t len = 0;
    while (len < 4 || memcmp(head + len - 4, "\r\n\r\n", 4) != 0) {
        if (len + 1 >= sizeof head) break;
        if (wait_ready(st, POLLIN, "receiving data from") < 0) return -1;
        ssize_t k = recv(st->s, head + len, 1, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return io_error(st, "receiving data from");
        if (k == 0) break;
        len++;
    }
    head[len] = '\0';
    int complete = len >= 4 && memcmp(head + len - 4, "\r\n\r\n", 4) == 0, status = 0;
    char *eol = strstr(head, "\r\n");
    if (eol) *eol = '\0';
    /* the status line is the proxy's (untrusted): only printable ASCII of it is shown */
    for (char *c = head; *c; c++) if (*c < 0x20 || *c > 0x7e) *c = '?';
    if (sscanf(head, "HTTP/%*d.%*d %d", &status) == 1 && status >= 200 && status < 300 && complete) return 0;
    if (status == 407) {
        snprintf(msg, sizeof msg, "proxy authentication failed for http://%s:%s (407)", st->host, st->port);
        fail(IMAGEBUMP_STREAM_PROXY_AUTH, st->host, st->port, msg);
    } else {
        snprintf(msg, sizeof msg, "the proxy http://%s:%s refused a tunnel to %s: %.200s", st->host, st->port,
                 authority, len ? head : "no answer");
        fail(IMAGEBUMP_STREAM_PROXY_REFUSED, st->host, st->port, msg);
    }
    return -1;
}

static int ib_connect(git_stream *stream) {
    ib_stream *st = (ib_stream *)stream;
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *info = NULL;
    char msg[512];
    int rc = getaddrinfo(st->host, st->port, &hints, &info);
    if (rc != 0) {
        snprintf(msg, sizeof msg, "failed to resolve address for %s: %s", st->host, gai_strerror(rc));
        fail(IMAGEBUMP_STREAM_OK, st->host, st->port, msg);
        return -1;
    }
    int timed_out = 0, last_errno = 0;
    for (struct addrinfo *ai = info; ai; ai = ai->ai_next) {
        st->s = connect_one(ai, st->connect_timeout_ms, st->deadline_ms, &timed_out);
        if (st->s >= 0) break;
        last_errno = errno;
    }
    freeaddrinfo(info);
    if (st->s >= 0) { start_watchdog(st); return st->target_host ? open_tunnel(st) : 0; }
    if (timed_out && st->deadline_ms > 0 && now_ms() >= st->deadline_ms) {
        deadline_passed(st);
    } else if (timed_out) {
        snprintf(msg, sizeof msg, "connecting to %s:%s timed out after %d s", st->host, st->port,
                 st->connect_timeout_ms / 1000);
        fail(IMAGEBUMP_STREAM_CONNECT_TIMEOUT, st->host, st->port, msg);
    } else {
        snprintf(msg, sizeof msg, "failed to connect to %s:%s: %s", st->host, st->port, strerror(last_errno));
        fail(IMAGEBUMP_STREAM_OK, st->host, st->port, msg);
    }
    return -1;
}

static ssize_t ib_read(git_stream *stream, void *data, size_t len) {
    ib_stream *st = (ib_stream *)stream;
    if (wait_ready(st, POLLIN, "receiving data from") < 0) return -1;
    ssize_t n;
    do { n = recv(st->s, data, len, 0); } while (n < 0 && errno == EINTR);
    if (n < 0) return io_error(st, "receiving data from");
    return n;
}

/* Host names compare case-insensitively, IPv6 literals with or without their brackets. */
static int same_host(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la >= 2 && a[0] == '[' && a[la - 1] == ']') { a++; la -= 2; }
    if (lb >= 2 && b[0] == '[' && b[lb - 1] == ']') { b++; lb -= 2; }
    return la == lb && strncasecmp(a, b, la) == 0;
}

/* Splits "host:port" or "[v6]:port" (port defaulting to `default_port`) into its parts; 0 when well formed. */
static int split_authority(const char *a, size_t len, char *host, size_t hsize, char *port, size_t psize,
                           const char *default_port) {
    const char *colon = NULL;
    if (len && a[0] == '[') {
        const char *close = memchr(a, ']', len);
        if (!close) return -1;
        colon = (close + 1 < a + len && close[1] == ':') ? close + 1 : NULL;
        if (!colon && close + 1 != a + len) return -1;
    } else {
        colon = memchr(a, ':', len);
    }
    size_t hlen = colon ? (size_t)(colon - a) : len;
    size_t plen = colon ? len - hlen - 1 : strlen(default_port);
    if (hlen == 0 || hlen >= hsize || plen == 0 || plen >= psize) return -1;
    memcpy(host, a, hlen); host[hlen] = '\0';
    memcpy(port, colon ? colon + 1 : default_port, plen); port[plen] = '\0';
    return 0;
}

/* For a connection to the proxy, before its tunnel: the request must be a CONNECT for the pinned origin (libgit2
   is told about the proxy for https remotes only, which it reaches through CONNECT). 0: allowed (or not a request
   line); -1: refused, error set. */
static int check_proxy_request(ib_stream *st, const char *data, size_t len) {
    size_t m = 0;
    while (m < len && m < 16 && data[m] >= 'A' && data[m] <= 'Z') m++;
    if (m == 0 || m >= len || data[m] != ' ') return 0; /* a body or TLS record, not a request line */
    const char *target = data + m + 1;
    const char *end = memchr(target, ' ', len - m - 1);
    if (!end) return 0;
    size_t tlen = (size_t)(end - target);
    char host[256], port[16];
    int ok = 0;
    if (m == 7 && memcmp(data, "CONNECT", 7) == 0) {
        ok = split_authority(target, tlen, host, sizeof host, port, sizeof port, "443") == 0;
        if (ok) st->tunneled = 1;
    } else { /* a request in absolute form would carry the origin's credentials to the proxy in clear */
        snprintf(host, sizeof host, "?"); snprintf(port, sizeof port, "?");
    }
    if (ok && same_host(host, st->owner->host) && strcmp(port, st->owner->port) == 0) return 0;
    char msg[700];
    snprintf(msg, sizeof msg, "refusing to ask the proxy for %s:%s: only %s:%s, the remote you named, is reached "
             "through it (a redirect to another host or port is not followed, so that credentials cannot leak)",
             host, port, st->owner->host, st->owner->port);
    fail(IMAGEBUMP_STREAM_OTHER_ORIGIN, host, port, msg);
    return -1;
}

static ssize_t ib_write(git_stream *stream, const char *data, size_t len, int flags) {
    ib_stream *st = (ib_stream *)stream;
    (void)flags;
    if (st->via_proxy && !st->tunneled && check_proxy_request(st, data, len) < 0) return -1;
    if (wait_ready(st, POLLOUT, "sending data to") < 0) return -1;
    ssize_t n;
    do { n = send(st->s, data, len, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n < 0) return io_error(st, "sending data to");
    return n;
}

static int ib_close(git_stream *stream) {
    ib_stream *st = (ib_stream *)stream;
    stop_watchdog(st);
    if (st->s >= 0) close(st->s);
    st->s = -1;
    return 0;
}

static void ib_free(git_stream *stream) {
    ib_stream *st = (ib_stream *)stream;
    ib_close(stream);
    free(st->host);
    free(st->port);
    free(st->target_host);
    free(st->target_port);
    free(st);
}

static int ib_init(git_stream **out, const char *host, const char *port) {
    int to_proxy = current.has_proxy && same_host(host, current.proxy_host) && strcmp(port, current.proxy_port) == 0;
    if (current.pinned && !to_proxy && (!same_host(host, current.host) || strcmp(port, current.port) != 0)) {
        char msg[700];
        snprintf(msg, sizeof msg, "refusing to connect to %s:%s: only %s:%s, the remote you named, gets a connection "
                 "(a redirect to another host or port is not followed, so that credentials cannot leak)",
                 host, port, current.host, current.port);
        fail(IMAGEBUMP_STREAM_OTHER_ORIGIN, host, port, msg);
        return -1;
    }
    ib_stream *st = calloc(1, sizeof *st);
    if (!st) return -1;
    st->parent.version = GIT_STREAM_VERSION;
    st->parent.connect = ib_connect;
    st->parent.read = ib_read;
    st->parent.write = ib_write;
    st->parent.close = ib_close;
    st->parent.free = ib_free;
    int forward = current.pinned && current.has_proxy && current.proxy_tunnel && !to_proxy;
    st->host = strdup(forward ? current.proxy_host : host);
    st->port = strdup(forward ? current.proxy_port : port);
    st->s = -1;
    st->connect_timeout_ms = current.connect_timeout_ms;
    st->idle_timeout_ms = current.idle_timeout_ms;
    st->deadline_ms = current.deadline_ms;
    st->phase_timeout_ms = current.phase_timeout_ms;
    st->owner = &current;
    st->via_proxy = (to_proxy || forward) && current.pinned;
    if (forward) { st->target_host = strdup(host); st->target_port = strdup(port); }
    if (!st->host || !st->port || (forward && (!st->target_host || !st->target_port))) { ib_free(&st->parent); return -1; }
    *out = &st->parent;
    return 0;
}

int imagebump_stream_install(void) {
    git_stream_registration reg = { .version = GIT_STREAM_VERSION, .init = ib_init, .wrap = NULL };
    return git_stream_register(GIT_STREAM_STANDARD, &reg);
}

void imagebump_stream_policy_begin(const char *host, int port, int connect_timeout_ms, int idle_timeout_ms,
                                   int phase_timeout_ms, const char *proxy_host, int proxy_port, int proxy_tunnel,
                                   const char *proxy_authorization) {
    memset(&current, 0, sizeof current);
    if (proxy_host) {
        current.has_proxy = 1;
        snprintf(current.proxy_host, sizeof current.proxy_host, "%s", proxy_host);
        snprintf(current.proxy_port, sizeof current.proxy_port, "%d", proxy_port);
        current.proxy_tunnel = proxy_tunnel;
        snprintf(current.proxy_authorization, sizeof current.proxy_authorization, "%s",
                 proxy_authorization ? proxy_authorization : "");
    }
    if (host) {
        current.pinned = 1;
        snprintf(current.host, sizeof current.host, "%s", host);
        snprintf(current.port, sizeof current.port, "%d", port);
    }
    current.connect_timeout_ms = connect_timeout_ms;
    current.idle_timeout_ms = idle_timeout_ms;
    current.phase_timeout_ms = phase_timeout_ms;
    current.deadline_ms = phase_timeout_ms > 0 ? now_ms() + phase_timeout_ms : 0;
}

void imagebump_stream_policy_end(void) { memset(&current, 0, sizeof current); }

int imagebump_stream_last_event(char *where, unsigned long size) {
    int event = atomic_load(&current.event);
    if (where && size) snprintf(where, size, "%s", event == IMAGEBUMP_STREAM_PROXY_REFUSED ? current.event_message
                                                                                           : current.event_where);
    return event;
}
