/*  curllib: dlopen, dlsym, curl_global_init, once. */
#include "curllib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static curllib_t s_lib;
static bool s_ok;
static char s_err[256];

/* Resolves one symbol into *slot. Returns 0, or -1 with s_err set. */
static int
s_sym(void *handle, const char *name, void **slot)
{
    *slot = dlsym(handle, name);
    if (*slot)
        return 0;
    snprintf(s_err, sizeof s_err, "%s has no %s", CURLLIB_SONAME, name);
    return -1;
}

/* Object and function pointers share a representation on every POSIX
   system (dlsym relies on it); the cast goes through a void ** slot. */
#define S_SYM(field, name) (s_sym(handle, name, (void **) &s_lib.field) != 0)

static void
s_load(void)
{
    void *handle = dlopen(CURLLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(s_err, sizeof s_err, "cannot load %s: %s", CURLLIB_SONAME,
                 why ? why : "unknown error");
        return;
    }
    if (S_SYM(global_init, "curl_global_init") || S_SYM(global_cleanup, "curl_global_cleanup")
        || S_SYM(version, "curl_version") || S_SYM(easy_init, "curl_easy_init")
        || S_SYM(easy_cleanup, "curl_easy_cleanup") || S_SYM(easy_setopt, "curl_easy_setopt")
        || S_SYM(easy_getinfo, "curl_easy_getinfo")
        || S_SYM(easy_strerror, "curl_easy_strerror")
        || S_SYM(slist_append, "curl_slist_append")
        || S_SYM(slist_free_all, "curl_slist_free_all") || S_SYM(multi_init, "curl_multi_init")
        || S_SYM(multi_cleanup, "curl_multi_cleanup")
        || S_SYM(multi_add_handle, "curl_multi_add_handle")
        || S_SYM(multi_remove_handle, "curl_multi_remove_handle")
        || S_SYM(multi_poll, "curl_multi_poll") || S_SYM(multi_perform, "curl_multi_perform")
        || S_SYM(multi_info_read, "curl_multi_info_read") || S_SYM(url, "curl_url")
        || S_SYM(url_cleanup, "curl_url_cleanup") || S_SYM(url_set, "curl_url_set")
        || S_SYM(url_get, "curl_url_get") || S_SYM(free, "curl_free"))
        return; /* left loaded: harmless, and dlclose of a TLS stack is not */
    if (s_lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(s_err, sizeof s_err, "curl_global_init failed");
        return;
    }
    s_ok = true;
}

const curllib_t *
curllib_get(char *err, size_t errlen)
{
    pthread_once(&s_once, s_load);
    if (s_ok)
        return &s_lib;
    snprintf(err, errlen, "%s", s_err);
    return NULL;
}

void
curllib_shutdown(void)
{
    if (s_ok)
        s_lib.global_cleanup();
}
