/*  http: the reporter's read-only web front end (libmicrohttpd).

    Endpoints (GET and HEAD; anything else is 405 with Allow: GET, HEAD):
      /                                   the dashboard (dashboard.h)
      /reports/annex.{txt,md,csv,json,html}
      /reports/status/<INSTRUMENT>.{html,csv,json,txt,md}
      /reports/progress.{txt,md,csv,json,html,svg}
      /healthz                            200 "ok" once caught up, else 503
      /metrics                            Prometheus text format (metrics.h)
    Every report and the dashboard take ?as_of=YYYY-MM-DD (default today);
    a malformed date is 400 with the sentence reportreq_parse writes, an
    unknown path, format or instrument is 404 with a sentence naming what
    exists. Other query parameters are ignored. Error bodies are
    text/plain. Every response carries Content-Security-Policy:
    default-src 'none'; style-src 'unsafe-inline'; img-src data:, and
    X-Content-Type-Options: nosniff, X-Frame-Options: DENY, Referrer-Policy:
    no-referrer, Cache-Control: no-cache; reports also X-Ratify-Last-Seq,
    the last registry event they include.

    A report larger than the spill size (RATIFY_REPORTER_SPILL_KB,
    default 8 MiB) is rendered into an anonymous temporary file in the
    reporter's data directory rather than in memory (strbuf.h's spill
    mode) and sent from the file, which libmicrohttpd closes once the
    response is done: whatever its length, the document then takes at most
    the spill size and a 64 KiB write buffer in memory, and its length on
    disk until the client has it all, never taking the last 256 MiB of that
    file system (STRBUF_SPILL_RESERVE_BYTES: the databases may share it);
    the file has no name, so nothing is left behind. The headers are the
    same either way.
    The dashboard, /metrics and error bodies stay in memory (small).

    Threading: the server runs in libmicrohttpd's own thread
    (MHD_USE_INTERNAL_POLLING_THREAD), one request at a time, and builds
    each report from view_report's consistent snapshot (view.h: a mutex
    over the event array); the service loop keeps following the registry
    meanwhile. The thread is created with SIGINT and SIGTERM blocked, so
    the signals reach the loop, whose poll they interrupt. http_destroy
    stops the server and joins its thread.

    The address is "host:port": an IPv4 address or [IPv6] binds as
    written, "localhost" binds 127.0.0.1, "*", an empty host or any other
    host name binds every interface (as sock.h does for ZeroMQ, for docker
    compose's service names). */
#ifndef RATIFY_REPORTER_HTTP_H
#define RATIFY_REPORTER_HTTP_H

#include "metrics.h"
#include "strbuf.h"
#include "view.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define HTTP_CONNECTION_LIMIT       64          /* connections served at once */
#define HTTP_CONNECTION_TIMEOUT_SEC 30          /* an idle connection is closed after */
#define HTTP_MEMORY_LIMIT_BYTES     (64 * 1024) /* per connection: headers, URL */
#define HTTP_PATH_MAX               256         /* longer paths are 404 */
#define HTTP_SPILL_KB_DEFAULT       8192        /* RATIFY_REPORTER_SPILL_KB when unset */
#define HTTP_SPILL_KB_MAX           (STRBUF_MAX_BYTES / 1024) /* a buffer holds no more */

typedef struct _http_t http_t;

/* Starts the server on address, serving reports from view and counting in
   metrics (both borrowed: they must outlive the server); a report longer
   than spill_bytes is rendered into a temporary file in spill_dir
   (copied). Returns the server (caller destroys it), or NULL with a
   reason in err (malformed address, port in use...). */
http_t *http_new(const char *address, view_t *view, metrics_t *metrics, const char *spill_dir,
                 size_t spill_bytes, char *err, size_t errlen);

/* Reads RATIFY_REPORTER_SPILL_KB, in KiB (1024 bytes), from 1 to
   HTTP_SPILL_KB_MAX; unset or empty: HTTP_SPILL_KB_DEFAULT. Returns 0
   with the size in bytes in *bytes, or -1 with a sentence naming the
   variable and its range in err. */
int http_spill_from_env(size_t *bytes, char *err, size_t errlen);

/* Stops the server (waiting for the request in progress) and frees it;
   accepts NULL and sets *self_p to NULL. */
void http_destroy(http_t **self_p);

/* Returns the address bound, e.g. "127.0.0.1:8080" or "0.0.0.0:8080".
   Owned by the server. */
const char *http_bound(const http_t *self);

/* Parses "host:port" as described above into *addr and *len (IPv4 or
   IPv6), writing the address that will be bound into bound (cap bytes).
   Returns 0, or -1 with a reason in err. Pure; exposed for the tests. */
int http_parse_address(const char *text, struct sockaddr_storage *addr, socklen_t *len, char *bound,
                       size_t cap, char *err, size_t errlen);

#endif
