#ifndef IMAGEBUMP_IP_CERTIFICATE_H
#define IMAGEBUMP_IP_CERTIFICATE_H

#include <stddef.h>

/*
 * libgit2 1.5 with mbedTLS 2.28 matches a server certificate by DNS name only: a certificate issued for an IP
 * address (subjectAltName IP:127.0.0.1) is refused for https://127.0.0.1 although curl accepts it. This checks
 * such a certificate the way curl does: the leaf (DER) must chain to a CA in `ca_file` (PEM; dates, signature and
 * key usage checked by mbedTLS) and carry an iPAddress subjectAltName equal to `ip` (IPv4 or IPv6 text).
 * Returns 0 when it does; otherwise non-zero, with why written to `why` (NUL-terminated, truncated to `size`).
 */
int imagebump_verify_ip_certificate(const unsigned char *der, size_t len, const char *ca_file, const char *ip,
                                    char *why, size_t size);

#endif
