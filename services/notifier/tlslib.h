/*  tlslib: OpenSSL's libssl, loaded at run time when the first https
    webhook delivery is due, and the one client context every https
    delivery shares.

    Linking libssl maps it and libcrypto into every notifier and costs
    about 1.9 MB at rest, though most deployments have no https webhook:
    the first https delivery loads TLSLIB_SONAME with dlopen (libcrypto
    comes with it), and the library then stays loaded until exit.

    The context: TLS 1.2 or later, the server's certificate verified
    against the host name or IP address of the URL. The trusted CAs are
    looked up, one at a time as a chain needs them, in OpenSSL's
    certificate directory (SSL_CERT_DIR, else the system's, /etc/ssl/certs
    on Debian: hashed links made by update-ca-certificates), and when
    SSL_CERT_FILE names a PEM file, read from it too, all at once. Reading
    the whole system bundle instead would cost 1.2 MB of resident memory.

    Only the functions the client calls are resolved; each table entry has
    the type of the function in <openssl/ssl.h>, so calls are checked as
    if linked. Macros that stand for SSL_ctrl (SNI) go through `ctrl`. */
#ifndef RATIFY_TLSLIB_H
#define RATIFY_TLSLIB_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stddef.h>

#define TLSLIB_SONAME "libssl.so.3" /* OpenSSL 3's ABI */

typedef struct {
    SSL_CTX *ctx; /* the shared client context */
    __typeof__(SSL_CTX_free) *ctx_free;
    __typeof__(SSL_new) *ssl_new;
    __typeof__(SSL_free) *ssl_free;
    __typeof__(SSL_set_fd) *set_fd;
    __typeof__(SSL_ctrl) *ctrl;
    __typeof__(SSL_set1_host) *set1_host;
    __typeof__(SSL_set_hostflags) *set_hostflags;
    __typeof__(SSL_get0_param) *get0_param;
    __typeof__(X509_VERIFY_PARAM_set1_ip_asc) *param_set1_ip_asc;
    __typeof__(SSL_connect) *connect;
    __typeof__(SSL_write) *write;
    __typeof__(SSL_read) *read;
    __typeof__(SSL_get_error) *get_error;
    __typeof__(SSL_get_verify_result) *get_verify_result;
    __typeof__(X509_verify_cert_error_string) *verify_error_string;
    __typeof__(ERR_get_error) *err_get;
    __typeof__(ERR_error_string_n) *err_string;
    __typeof__(ERR_clear_error) *err_clear;
    __typeof__(OpenSSL_version) *version;
} tlslib_t;

/* Returns libssl's functions and the shared client context, loading the
   library and making the context on the first call. Returns NULL with
   the reason in err when the library cannot be loaded, lacks a function,
   or the context cannot be made (e.g. SSL_CERT_FILE is unreadable); that
   outcome is final for the process. Call from one thread only (the
   delivery thread). The table is static: never free it. */
const tlslib_t *tlslib_get(char *err, size_t errlen);

/* Frees the shared context when it was made (the library stays mapped;
   a later tlslib_get makes a new context). Call after the last
   connection is freed. */
void tlslib_shutdown(void);

#endif
