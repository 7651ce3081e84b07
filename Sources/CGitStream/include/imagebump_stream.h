#ifndef IMAGEBUMP_STREAM_H
#define IMAGEBUMP_STREAM_H

/*
 * libgit2's TCP stream replaced by one that (1) connects only to the host and port of the remote the caller named
 * (a redirect to another origin never gets a connection, so credentials cannot follow it) and (2) gives up when
 * connecting, or waiting for the next byte in either direction, takes longer than a timeout.
 * libgit2 1.5.1 has neither a redirect policy nor network timeouts. TLS (mbedTLS) and SSH (libssh2) run on top
 * of this stream, so the host check applies to every network transport.
 *
 * The policy is per thread (libgit2 runs a clone/fetch/push on the calling thread): set it around one operation.
 */

/// Registers the stream with libgit2 (once per process; call after git_libgit2_init). Returns libgit2's code.
int imagebump_stream_install(void);

/// From now on, this thread's libgit2 connections go only to host:port (NULL host: anywhere), or to the proxy
/// proxy_host:proxy_port (NULL: none) for requests to host:port only, with the timeouts in milliseconds (0: none);
/// every connection of the operation ends phase_timeout_ms from now. proxy_tunnel (a plain-http origin, of which
/// libgit2 is not told the proxy): the connections libgit2 opens to host:port go to the proxy, asked for a
/// CONNECT tunnel to host:port with the Proxy-Authorization value proxy_authorization (NULL or "": none).
void imagebump_stream_policy_begin(const char *host, int port, int connect_timeout_ms, int idle_timeout_ms,
                                   int phase_timeout_ms, const char *proxy_host, int proxy_port, int proxy_tunnel,
                                   const char *proxy_authorization);

/// Clears this thread's policy and what happened under it.
void imagebump_stream_policy_end(void);

enum {
    IMAGEBUMP_STREAM_OK = 0,
    /// A connection to another host or port was refused (a redirect to another origin).
    IMAGEBUMP_STREAM_OTHER_ORIGIN = 1,
    /// Connecting took longer than the connect timeout.
    IMAGEBUMP_STREAM_CONNECT_TIMEOUT = 2,
    /// No byte could be sent or received for the idle timeout.
    IMAGEBUMP_STREAM_IDLE_TIMEOUT = 3,
    /// The operation was not done within its phase timeout (a total deadline, kept also while data trickles in).
    IMAGEBUMP_STREAM_DEADLINE = 4,
    /// The proxy answered a tunnel request with 407: the credentials in its URL (or none) were refused.
    IMAGEBUMP_STREAM_PROXY_AUTH = 5,
    /// The proxy refused a tunnel request otherwise (its status line is in the error message).
    IMAGEBUMP_STREAM_PROXY_REFUSED = 6,
};

/// What went wrong under this thread's policy (IMAGEBUMP_STREAM_*), and the host:port involved (for
/// IMAGEBUMP_STREAM_PROXY_REFUSED: the whole message), written to `where` (NUL-terminated, truncated to `size`).
int imagebump_stream_last_event(char *where, unsigned long size);

#endif
