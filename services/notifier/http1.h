/*  http1: the two ends of one webhook POST in HTTP/1.1 -- the request
    written as bytes, the response's head read from bytes. Pure: no I/O;
    the delivery client (httpc.h) moves the bytes.

    The request is "POST <target> HTTP/1.1" with Host, User-Agent,
    Content-Type, Content-Length, the caller's extra header lines,
    Authorization (Basic, when the URL had userinfo) and
    "Connection: close", then the body. The response head is the status
    line and header fields up to the empty line (CRLF, or bare LF as RFC
    9112 allows); interim 1xx heads (100 Continue, 103 Early Hints) are
    skipped; only the status and Retry-After are kept, and the body is
    never read. */
#ifndef RATIFY_HTTP1_H
#define RATIFY_HTTP1_H

#include "hookurl.h"

#include <stddef.h>
#include <stdint.h>

#define HTTP1_HEAD_MAX (64 * 1024) /* a longer response head is an error */

/* Returns the request for one POST of body[0..size) to url, as one
   malloc'd buffer of *len bytes (NUL-terminated after them; caller
   frees), or NULL when out of memory. extra is "" or header lines, each
   ending in "\r\n" (the caller checked they hold no other CR or LF). */
char *http1_request(const hookurl_t *url, const char *user_agent, const char *content_type,
                    const char *extra, const void *body, size_t size, size_t *len);

typedef struct {
    int status;             /* 200-599 (the final head's) */
    int64_t retry_after_ms; /* Retry-After as a delay from now_ms, >= 0; -1 absent or unreadable */
} http1_head_t;

/* Reads the response head from the first len bytes received. Returns 1
   when a final (non-1xx) head is complete in them (*out filled), 0 when
   more bytes are needed, -1 when they are not an HTTP/1.x response head
   (bad status line, a status outside 100-599, 101 Switching Protocols,
   a field line without ':', a NUL, or a head of more than HTTP1_HEAD_MAX bytes) with a
   reason in err. Retry-After is delta-seconds ("120") or an IMF-fixdate
   ("Sun, 06 Nov 1994 08:49:37 GMT"), taken relative to now_ms (Unix ms);
   a date in the past gives 0. Pure. */
int http1_head_parse(const char *buf, size_t len, int64_t now_ms, http1_head_t *out, char *err,
                     size_t errlen);

#endif
