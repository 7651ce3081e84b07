#include "imagebump_ip_certificate.h"

#include <arpa/inet.h>
#include <mbedtls/asn1.h>
#include <mbedtls/x509_crt.h>
#include <stdio.h>
#include <string.h>

int imagebump_verify_ip_certificate(const unsigned char *der, size_t len, const char *ca_file, const char *ip,
                                    char *why, size_t size) {
    unsigned char want[16];
    size_t want_len = 0;
    if (inet_pton(AF_INET, ip, want) == 1) want_len = 4;
    else if (inet_pton(AF_INET6, ip, want) == 1) want_len = 16;
    if (!want_len) { snprintf(why, size, "%s is not an IP address", ip); return -1; }

    mbedtls_x509_crt leaf, ca;
    mbedtls_x509_crt_init(&leaf);
    mbedtls_x509_crt_init(&ca);
    int result = -1;
    if (mbedtls_x509_crt_parse_der(&leaf, der, len) != 0) {
        snprintf(why, size, "the server's certificate cannot be parsed");
        goto done;
    }
    if (mbedtls_x509_crt_parse_file(&ca, ca_file) < 0) {
        snprintf(why, size, "no CA certificate could be read from %s", ca_file);
        goto done;
    }
    uint32_t flags = 0;
    if (mbedtls_x509_crt_verify(&leaf, &ca, NULL, NULL, &flags, NULL, NULL) != 0) {
        char info[256];
        int n = mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
        while (n > 0 && (info[n - 1] == '\n' || info[n - 1] == ' ')) info[--n] = '\0';
        snprintf(why, size, "the certificate is not trusted by %s: %s", ca_file, n > 0 ? info : "verification failed");
        goto done;
    }
    for (const mbedtls_x509_sequence *san = &leaf.subject_alt_names; san && san->buf.p; san = san->next) {
        if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && san->buf.len == want_len
            && memcmp(san->buf.p, want, want_len) == 0) {
            result = 0;
            goto done;
        }
    }
    snprintf(why, size, "the certificate has no subjectAltName IP:%s", ip);
done:
    mbedtls_x509_crt_free(&leaf);
    mbedtls_x509_crt_free(&ca);
    return result;
}
