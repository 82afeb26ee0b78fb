/*  tlslib: dlopen, dlsym and the client context, once. */
#include "tlslib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static tlslib_t s_lib;
static bool s_tried;
static char s_err[256];

/* Resolves one symbol into *slot. Returns 0, or -1 with s_err set. */
static int
s_sym(void *handle, const char *name, void **slot)
{
    *slot = dlsym(handle, name);
    if (*slot)
        return 0;
    snprintf(s_err, sizeof s_err, "%s has no %s", TLSLIB_SONAME, name);
    return -1;
}

/* Object and function pointers share a representation on every POSIX
   system (dlsym relies on it); the cast goes through a void ** slot. */
#define S_SYM(field, name) (s_sym(handle, name, (void **) &lib->field) != 0)

/* Resolves every function the table holds. Returns 0 or -1 (s_err). */
static int
s_resolve(void *handle, tlslib_t *lib)
{
    if (S_SYM(ctx_free, "SSL_CTX_free") || S_SYM(ssl_new, "SSL_new") || S_SYM(ssl_free, "SSL_free")
        || S_SYM(set_fd, "SSL_set_fd") || S_SYM(ctrl, "SSL_ctrl")
        || S_SYM(set1_host, "SSL_set1_host") || S_SYM(set_hostflags, "SSL_set_hostflags")
        || S_SYM(get0_param, "SSL_get0_param")
        || S_SYM(param_set1_ip_asc, "X509_VERIFY_PARAM_set1_ip_asc")
        || S_SYM(connect, "SSL_connect") || S_SYM(write, "SSL_write") || S_SYM(read, "SSL_read")
        || S_SYM(get_error, "SSL_get_error") || S_SYM(get_verify_result, "SSL_get_verify_result")
        || S_SYM(verify_error_string, "X509_verify_cert_error_string")
        || S_SYM(err_get, "ERR_get_error") || S_SYM(err_string, "ERR_error_string_n")
        || S_SYM(err_clear, "ERR_clear_error") || S_SYM(version, "OpenSSL_version"))
        return -1;
    return 0;
}

/* The functions used once, to make the context. */
typedef struct {
    __typeof__(OPENSSL_init_ssl) *init;
    __typeof__(TLS_client_method) *client_method;
    __typeof__(SSL_CTX_new) *ctx_new;
    __typeof__(SSL_CTX_ctrl) *ctx_ctrl;
    __typeof__(SSL_CTX_set_verify) *set_verify;
    __typeof__(SSL_CTX_load_verify_dir) *load_dir;
    __typeof__(SSL_CTX_load_verify_file) *load_file;
    __typeof__(X509_get_default_cert_dir) *default_dir;
    __typeof__(X509_get_default_cert_dir_env) *dir_env;
    __typeof__(X509_get_default_cert_file_env) *file_env;
} s_setup_t;

/* Sets s_err to what, followed by OpenSSL's first queued error. */
static void
s_fail(const char *what)
{
    char detail[160] = "";
    unsigned long code = s_lib.err_get ? s_lib.err_get() : 0;
    if (code)
        s_lib.err_string(code, detail, sizeof detail);
    snprintf(s_err, sizeof s_err, "%s%s%s", what, code ? ": " : "", detail);
}

/* Makes the client context into s_lib.ctx. Returns 0 or -1 (s_err). */
static int
s_context(void *handle)
{
    s_setup_t f;
    if (s_sym(handle, "OPENSSL_init_ssl", (void **) &f.init)
        || s_sym(handle, "TLS_client_method", (void **) &f.client_method)
        || s_sym(handle, "SSL_CTX_new", (void **) &f.ctx_new)
        || s_sym(handle, "SSL_CTX_ctrl", (void **) &f.ctx_ctrl)
        || s_sym(handle, "SSL_CTX_set_verify", (void **) &f.set_verify)
        || s_sym(handle, "SSL_CTX_load_verify_dir", (void **) &f.load_dir)
        || s_sym(handle, "SSL_CTX_load_verify_file", (void **) &f.load_file)
        || s_sym(handle, "X509_get_default_cert_dir", (void **) &f.default_dir)
        || s_sym(handle, "X509_get_default_cert_dir_env", (void **) &f.dir_env)
        || s_sym(handle, "X509_get_default_cert_file_env", (void **) &f.file_env))
        return -1;
    /* the system configuration (openssl.cnf) applies, as for any client */
    if (!f.init(OPENSSL_INIT_LOAD_CONFIG, NULL)) {
        s_fail("OpenSSL failed to initialise");
        return -1;
    }
    s_lib.ctx = f.ctx_new(f.client_method());
    if (!s_lib.ctx) {
        s_fail("cannot make a TLS context");
        return -1;
    }
    if (!f.ctx_ctrl(s_lib.ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL)) {
        s_fail("cannot require TLS 1.2");
        return -1;
    }
    f.set_verify(s_lib.ctx, SSL_VERIFY_PEER, NULL);
    const char *file = getenv(f.file_env());
    if (file && *file && !f.load_file(s_lib.ctx, file)) {
        char what[200];
        snprintf(what, sizeof what, "cannot read the CA certificates in %s=%.120s", f.file_env(),
                 file);
        s_fail(what);
        return -1;
    }
    const char *dir = getenv(f.dir_env());
    if (!dir || !*dir)
        dir = f.default_dir();
    /* a missing directory is no error here: verification will say what
       it could not find */
    f.load_dir(s_lib.ctx, dir);
    s_lib.err_clear();
    return 0;
}

const tlslib_t *
tlslib_get(char *err, size_t errlen)
{
    if (!s_tried) {
        s_tried = true;
        void *handle = dlopen(TLSLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char *why = dlerror();
            snprintf(s_err, sizeof s_err, "cannot load %s: %s", TLSLIB_SONAME,
                     why ? why : "unknown error");
        }
        else if ((s_resolve(handle, &s_lib) != 0 || s_context(handle) != 0) && s_lib.ctx) {
            /* left loaded: harmless, and unloading OpenSSL is not */
            s_lib.ctx_free(s_lib.ctx);
            s_lib.ctx = NULL;
        }
    }
    if (s_lib.ctx)
        return &s_lib;
    snprintf(err, errlen, "%s", s_err);
    return NULL;
}

void
tlslib_shutdown(void)
{
    if (s_lib.ctx)
        s_lib.ctx_free(s_lib.ctx);
    s_lib.ctx = NULL;
    s_tried = false;
}
