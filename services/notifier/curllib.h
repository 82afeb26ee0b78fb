/*  curllib: libcurl, loaded at run time when the notifier first needs it.

    Linking libcurl maps it and its ~20 dependencies (OpenSSL, GnuTLS,
    p11-kit, LDAP, SSH, ...) into every notifier, and their constructors
    (GnuTLS initialises itself at load) and curl_global_init touch about
    8 MB of pages, a third of the notifier's resident memory at rest. Most
    deployments have no webhook, so the notifier does not link libcurl: the
    first caller that needs it -- a due webhook delivery, or the URL check
    of webhook.add -- loads CURLLIB_SONAME with dlopen and runs
    curl_global_init, once per process (pthread_once: any thread may be
    first). The library then stays loaded until exit.

    Only the functions the notifier calls are resolved, with the
    prototypes of <curl/curl.h>: call them through the table, e.g.
    `lib->easy_setopt(e, CURLOPT_URL, url)`. The compile-time option type
    checks of curl's macros do not apply to these calls. */
#ifndef RATIFY_CURLLIB_H
#define RATIFY_CURLLIB_H

#include <curl/curl.h>
#include <stddef.h>

#define CURLLIB_SONAME "libcurl.so.4" /* libcurl's ABI since 7.16 */

typedef struct {
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    char *(*version)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
    void (*slist_free_all)(struct curl_slist *list);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
    CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd extra_fds[],
                            unsigned int extra_nfds, int timeout_ms, int *ret);
    CURLMcode (*multi_perform)(CURLM *multi, int *running_handles);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *msgs_in_queue);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *handle);
    CURLUcode (*url_set)(CURLU *handle, CURLUPart what, const char *part, unsigned int flags);
    CURLUcode (*url_get)(const CURLU *handle, CURLUPart what, char **part, unsigned int flags);
    void (*free)(void *p);
} curllib_t;

/* Returns libcurl's functions, loading the library and initialising it
   (curl_global_init, CURL_GLOBAL_DEFAULT) on the first call from any
   thread. Returns NULL with the reason in err when it cannot be loaded,
   lacks a function, or does not initialise; that outcome is final for the
   process. The table is static: never free it. */
const curllib_t *curllib_get(char *err, size_t errlen);

/* Runs curl_global_cleanup when libcurl was loaded (it stays mapped).
   Call once at exit, after every thread that used it has stopped. */
void curllib_shutdown(void);

#endif
