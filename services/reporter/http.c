/*  http: routing, responses and the libmicrohttpd daemon.

    A GET or HEAD is answered on the access callback's second call, once
    the request is complete, so the connection may be kept alive; any other
    method is refused (405) on the first call, before its body is read,
    and libmicrohttpd then closes the connection. The answer is a plain
    s_response_t the route fills: status, media type and either a malloc'd
    body that libmicrohttpd frees or, for a report that spilled, the file
    that holds it, which libmicrohttpd reads (or sendfile(2)s) and closes.
    libmicrohttpd leaves the body out of a HEAD response and keeps its
    Content-Length. */
#include "http.h"

#include "config.h"
#include "dashboard.h"
#include "log.h"
#include "reportreq.h"
#include "service.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_CSP        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
#define S_TEXT       "text/plain; charset=utf-8"
#define S_PROMETHEUS "text/plain; version=0.0.4; charset=utf-8"
#define S_ERR_SIZE   512
#define S_SPILL_VAR  "RATIFY_REPORTER_SPILL_KB"

struct _http_t {
    struct MHD_Daemon *daemon;
    view_t *view;
    metrics_t *metrics;
    char *spill_dir; /* reports past spill_bytes go to a file here */
    size_t spill_bytes;
    char bound[128];
};

/* One response, filled by a route. */
typedef struct {
    unsigned status;
    const char *content_type; /* static */
    char *body;               /* malloc'd, handed to libmicrohttpd */
    int fd;                   /* >= 0: the body is this file instead, handed over too */
    size_t len;
    metrics_route_t route;
    int64_t last_seq; /* > 0: sent as X-Ratify-Last-Seq */
} s_response_t;

static int64_t
s_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the address ------------------------------------------------------- */

static int s_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool
s_is_ipv4_text(const char *host)
{
    for (const char *p = host; *p; p++)
        if (!isdigit((unsigned char) *p) && *p != '.')
            return false;
    return *host != '\0';
}

int
http_parse_address(const char *text, struct sockaddr_storage *addr, socklen_t *len, char *bound,
                   size_t cap, char *err, size_t errlen)
{
    char host[128];
    const char *port_text;
    memset(addr, 0, sizeof *addr);
    if (!text)
        return s_fail(err, errlen, "no address");
    if (strncmp(text, "http://", 7) == 0)
        text += 7;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':' || (size_t) (close - text - 1) >= sizeof host)
            return s_fail(err, errlen, "'%s' is not [IPv6]:port", text);
        memcpy(host, text + 1, (size_t) (close - text - 1));
        host[close - text - 1] = '\0';
        port_text = close + 2;
    }
    else {
        const char *colon = strrchr(text, ':');
        if (!colon || (size_t) (colon - text) >= sizeof host)
            return s_fail(err, errlen, "'%s' is not host:port", text);
        memcpy(host, text, (size_t) (colon - text));
        host[colon - text] = '\0';
        port_text = colon + 1;
    }
    char *end = NULL;
    errno = 0;
    const long port = strtol(port_text, &end, 10);
    if (errno || end == port_text || (*end && strcmp(end, "/") != 0) || port < 1 || port > 65535)
        return s_fail(err, errlen, "'%s': the port must be a number from 1 to 65535", text);

    if (text[0] == '[') {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) addr;
        if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
            return s_fail(err, errlen, "'%s' is not an IPv6 address", host);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t) port);
        *len = sizeof *in6;
        snprintf(bound, cap, "[%s]:%ld", host, port);
        return 0;
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *) addr;
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t) port);
    *len = sizeof *in4;
    if (strcmp(host, "localhost") == 0)
        in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (s_is_ipv4_text(host)) {
        if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
            return s_fail(err, errlen, "'%s' is not an IPv4 address", host);
    }
    else
        in4->sin_addr.s_addr = htonl(INADDR_ANY); /* "", "*" or a host name */
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip);
    snprintf(bound, cap, "%s:%ld", ip, port);
    return 0;
}

/* ---- responses ---------------------------------------------------------- */

/* Drops r's body, text or file. */
static void
s_drop_body(s_response_t *r)
{
    free(r->body);
    r->body = NULL;
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    r->len = 0;
}

/* Fills r with a text/plain body: the sentence and a newline. */
static void s_text(s_response_t *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
s_text(s_response_t *r, unsigned status, const char *fmt, ...)
{
    char text[S_ERR_SIZE + 2];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t) n > sizeof text - 2)
        n = (int) sizeof text - 2;
    text[n++] = '\n';
    text[n] = '\0';
    s_drop_body(r);
    r->status = status;
    r->content_type = S_TEXT;
    r->body = strdup(text);
    r->len = r->body ? (size_t) n : 0;
}

/* Hands a rendered buffer to r as its body (200), its text or, when it
   spilled, its file; or makes r a 500. */
static void
s_take(s_response_t *r, strbuf_t *out, const char *content_type)
{
    const bool spilled = strbuf_spilled(out);
    int fd = -1;
    size_t len = strbuf_len(out);
    char *body = NULL;
    if (spilled ? strbuf_detach_fd(out, &fd, &len) != 0 : !(body = strbuf_detach(out))) {
        const int error = spilled ? strbuf_errno(out) : 0;
        s_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s%s%s",
               spilled ? "the report could not be written to its temporary file (" : "",
               error ? strerror(error) : "out of memory", spilled ? ")" : "");
        return;
    }
    s_drop_body(r);
    r->status = MHD_HTTP_OK;
    r->content_type = content_type;
    r->body = body;
    r->fd = fd;
    r->len = len;
}

static unsigned
s_status_of(int rc)
{
    switch (rc) {
    case REPORTREQ_OK:
        return MHD_HTTP_OK;
    case REPORTREQ_EBAD:
        return MHD_HTTP_BAD_REQUEST;
    case REPORTREQ_ENOTFOUND:
        return MHD_HTTP_NOT_FOUND;
    default:
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

/* ---- routes ------------------------------------------------------------- */

static void
s_not_found(s_response_t *r, const char *url)
{
    char quoted[REPORTREQ_QUOTE_MAX + 8];
    s_text(r, MHD_HTTP_NOT_FOUND,
           "not found: '%s'. The reporter serves /, /reports/annex.{txt,md,csv,json,html}, "
           "/reports/status/INSTRUMENT.{html,csv,json,txt,md}, "
           "/reports/progress.{txt,md,csv,json,html,svg}, /healthz and /metrics",
           reportreq_quote(url, quoted, sizeof quoted));
}

/* Reads the as_of query value into *text (NULL when absent). libmicrohttpd
   decodes "%00" into a NUL byte, so as a C string "?as_of=%00" would read
   as empty (today) and "?as_of=2003-07-02%00junk" as that date: a value
   holding a NUL byte is answered 400 instead. Returns 0, or -1 when
   answered. */
static int
s_as_of(struct MHD_Connection *conn, s_response_t *r, const char **text)
{
    size_t len = 0;
    *text = NULL;
    if (MHD_lookup_connection_value_n(conn, MHD_GET_ARGUMENT_KIND, "as_of", 5, text, &len)
            == MHD_YES
        && *text && strlen(*text) != len) {
        s_text(r, MHD_HTTP_BAD_REQUEST, "as_of must be a date YYYY-MM-DD: it holds a NUL byte");
        return -1;
    }
    return 0;
}

static void
s_dashboard(http_t *self, struct MHD_Connection *conn, s_response_t *r)
{
    char err[S_ERR_SIZE];
    rdate_t as_of;
    bool given;
    const char *text;
    if (s_as_of(conn, r, &text) != 0)
        return;
    if (reportreq_parse_date(text, config_today(), &as_of, &given, err, sizeof err) != 0) {
        s_text(r, MHD_HTTP_BAD_REQUEST, "%s", err);
        return;
    }
    const int64_t started = s_clock_us();
    int error = REPORT_OK;
    report_t *report = view_report(self->view, as_of, &r->last_seq, &error);
    const int64_t built = s_clock_us();
    strbuf_t *out = strbuf_new();
    if (!report || !out || dashboard_render(report, given, r->last_seq, out) != REPORT_OK)
        s_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "the dashboard could not be built (%s)",
               report ? "out of memory" : "the report model failed");
    else
        s_take(r, out, reportreq_content_type(REPORTREQ_HTML));
    metrics_report(self->metrics, built - started, s_clock_us() - built);
    strbuf_destroy(&out);
    report_destroy(&report);
}

/* /reports/<path>: annex.EXT, progress.EXT or status/ID.EXT. */
static void
s_report(http_t *self, struct MHD_Connection *conn, const char *url, const char *path,
         s_response_t *r)
{
    char name[HTTP_PATH_MAX], err[S_ERR_SIZE];
    const char *dot = strrchr(path, '.');
    reportreq_format_t format;
    if (!dot || (size_t) (dot - path) >= sizeof name
        || reportreq_format_from_ext(dot + 1, &format) != 0) {
        s_not_found(r, url);
        return;
    }
    memcpy(name, path, (size_t) (dot - path));
    name[dot - path] = '\0';
    reportreq_kind_t kind = REPORTREQ_KIND_COUNT;
    const char *instrument = NULL;
    if (strcmp(name, "annex") == 0) {
        kind = REPORTREQ_ANNEX;
        r->route = METRICS_ROUTE_ANNEX;
    }
    else if (strcmp(name, "progress") == 0) {
        kind = REPORTREQ_PROGRESS;
        r->route = METRICS_ROUTE_PROGRESS;
    }
    else if (strncmp(name, "status/", 7) == 0 && name[7] && !strchr(name + 7, '/')) {
        kind = REPORTREQ_STATUS;
        instrument = name + 7;
        r->route = METRICS_ROUTE_STATUS;
    }
    if (!reportreq_offers(kind, format)) {
        s_not_found(r, url);
        return;
    }
    reportreq_t req;
    const char *as_of;
    if (s_as_of(conn, r, &as_of) != 0)
        return;
    int rc = reportreq_parse(&req, reportreq_kind_name(kind), reportreq_format_name(format), as_of,
                             instrument, config_today(), err, sizeof err);
    strbuf_t *out =
        rc == REPORTREQ_OK ? strbuf_new_spill(self->spill_dir, self->spill_bytes) : NULL;
    if (rc == REPORTREQ_OK && !out) {
        rc = REPORTREQ_EINTERNAL;
        snprintf(err, sizeof err, "out of memory");
    }
    if (rc == REPORTREQ_OK) {
        view_info_t info;
        rc = view_render(self->view, &req, out, &info, err, sizeof err);
        metrics_report(self->metrics, info.build_us, info.render_us);
        r->last_seq = info.last_seq;
    }
    if (rc == REPORTREQ_OK)
        s_take(r, out, reportreq_content_type(format));
    else
        s_text(r, s_status_of(rc), "%s", err);
    strbuf_destroy(&out);
}

static void
s_healthz(http_t *self, s_response_t *r)
{
    int64_t last = 0, registry = 0;
    if (metrics_synced(self->metrics, &last, &registry))
        s_text(r, MHD_HTTP_OK, "ok");
    else if (registry > last)
        s_text(r, MHD_HTTP_SERVICE_UNAVAILABLE, "catching up with the registry: event %lld of %lld",
               (long long) last, (long long) registry);
    else
        s_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
               "waiting for the registry to answer (last event held: %lld)", (long long) last);
}

static void
s_metrics(http_t *self, s_response_t *r)
{
    strbuf_t *out = strbuf_new();
    if (!out || metrics_render(self->metrics, out) != 0)
        s_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    else
        s_take(r, out, S_PROMETHEUS);
    strbuf_destroy(&out);
}

static void
s_route(http_t *self, struct MHD_Connection *conn, const char *url, const char *method,
        s_response_t *r)
{
    char quoted[REPORTREQ_QUOTE_MAX + 8];
    r->route = METRICS_ROUTE_OTHER;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        s_text(r, MHD_HTTP_METHOD_NOT_ALLOWED,
               "method '%s' is not allowed: the reporter is read-only (GET, HEAD)",
               reportreq_quote(method, quoted, sizeof quoted));
    else if (strlen(url) >= HTTP_PATH_MAX)
        s_not_found(r, url);
    else if (strcmp(url, "/") == 0) {
        r->route = METRICS_ROUTE_DASHBOARD;
        s_dashboard(self, conn, r);
    }
    else if (strcmp(url, "/healthz") == 0) {
        r->route = METRICS_ROUTE_HEALTHZ;
        s_healthz(self, r);
    }
    else if (strcmp(url, "/metrics") == 0) {
        r->route = METRICS_ROUTE_METRICS;
        s_metrics(self, r);
    }
    else if (strncmp(url, "/reports/", 9) == 0)
        s_report(self, conn, url, url + 9, r);
    else
        s_not_found(r, url);
}

/* Queues r (taking its body). Returns libmicrohttpd's verdict. */
static enum MHD_Result
s_send(struct MHD_Connection *conn, s_response_t *r)
{
    struct MHD_Response *resp =
        r->fd >= 0 ? MHD_create_response_from_fd(r->len, r->fd)
        : r->body  ? MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE)
                   : MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        s_drop_body(r);
        return MHD_NO;
    }
    r->body = NULL; /* libmicrohttpd frees it, or closes the file, with the response */
    r->fd = -1;
    enum MHD_Result ok = MHD_YES;
    char seq[32];
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type) != MHD_YES
        || MHD_add_response_header(resp, "Content-Security-Policy", S_CSP) != MHD_YES
        || MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") != MHD_YES
        || MHD_add_response_header(resp, "X-Frame-Options", "DENY") != MHD_YES
        || MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") != MHD_YES
        || MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES)
        ok = MHD_NO;
    if (ok == MHD_YES && r->status == MHD_HTTP_METHOD_NOT_ALLOWED)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (ok == MHD_YES && r->last_seq > 0) {
        snprintf(seq, sizeof seq, "%lld", (long long) r->last_seq);
        ok = MHD_add_response_header(resp, "X-Ratify-Last-Seq", seq);
    }
    if (ok == MHD_YES)
        ok = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result
s_answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
         const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
    (void) version;
    (void) upload_data;
    http_t *self = cls;
    static int marker;
    const bool readonly =
        strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (readonly && *req_cls == NULL) {
        /* headers only so far: answer on the next call, once the request
           is complete, so the connection can be kept alive */
        *req_cls = &marker;
        return MHD_YES;
    }
    if (readonly && *upload_data_size != 0) {
        *upload_data_size = 0; /* a GET with a body: ignore the body */
        return MHD_YES;
    }
    const int64_t started = s_clock_us();
    s_response_t r = {.status = MHD_HTTP_INTERNAL_SERVER_ERROR, .content_type = S_TEXT, .fd = -1};
    s_route(self, conn, url, method, &r);
    metrics_http(self->metrics, r.route, (int) r.status);
    char quoted_method[REPORTREQ_QUOTE_MAX + 8], quoted_url[REPORTREQ_QUOTE_MAX + 8];
    log_write(r.status == MHD_HTTP_INTERNAL_SERVER_ERROR ? RLOG_WARN : RLOG_DEBUG,
              "http %s %s: %u, %zu bytes%s, %lld us",
              reportreq_quote(method, quoted_method, sizeof quoted_method),
              reportreq_quote(url, quoted_url, sizeof quoted_url), r.status, r.len,
              r.fd >= 0 ? " (spilled to a file)" : "", (long long) (s_clock_us() - started));
    return s_send(conn, &r);
}

static void
s_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void) cls;
    char text[512];
    vsnprintf(text, sizeof text, fmt, ap);
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    log_warn("http: %s", text);
}

/* ---- life cycle --------------------------------------------------------- */

int
http_spill_from_env(size_t *bytes, char *err, size_t errlen)
{
    const char *text = getenv(S_SPILL_VAR);
    if (!text || !*text) {
        *bytes = (size_t) HTTP_SPILL_KB_DEFAULT * 1024;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    const long long kb = strtoll(text, &end, 10);
    if (errno || end == text || *end || kb < 1 || kb > (long long) HTTP_SPILL_KB_MAX)
        return s_fail(err, errlen, "%s=%s is not an integer from 1 to %zu (KiB)", S_SPILL_VAR, text,
                      (size_t) HTTP_SPILL_KB_MAX);
    *bytes = (size_t) kb * 1024;
    return 0;
}

http_t *
http_new(const char *address, view_t *view, metrics_t *metrics, const char *spill_dir,
         size_t spill_bytes, char *err, size_t errlen)
{
    struct sockaddr_storage addr;
    socklen_t len = 0;
    http_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->view = view;
    self->metrics = metrics;
    self->spill_bytes = spill_bytes;
    self->spill_dir = strdup(spill_dir ? spill_dir : ".");
    if (!self->spill_dir) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (http_parse_address(address, &addr, &len, self->bound, sizeof self->bound, err, errlen) != 0)
        goto fail;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    const uint16_t port =
        ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &addr)->sin6_port
                                         : ((struct sockaddr_in *) &addr)->sin_port);
    /* The server thread inherits this thread's signal mask: with the stop
       signals blocked in it, they go to the service loop and cut its poll
       short. */
    sigset_t old;
    service_block_stop_signals(&old);
    self->daemon = MHD_start_daemon(
        flags, port, NULL, NULL, s_answer, self, MHD_OPTION_EXTERNAL_LOGGER, s_mhd_log, self,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned) 1, MHD_OPTION_CONNECTION_LIMIT, (unsigned) HTTP_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) HTTP_CONNECTION_TIMEOUT_SEC,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) HTTP_MEMORY_LIMIT_BYTES, MHD_OPTION_END);
    const int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!self->daemon) {
        snprintf(err, errlen, "cannot serve HTTP on %s (%s): %s", address, self->bound,
                 saved ? strerror(saved) : "libmicrohttpd refused to start");
        goto fail;
    }
    return self;
fail:
    http_destroy(&self);
    return NULL;
}

void
http_destroy(http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    http_t *self = *self_p;
    if (self->daemon)
        MHD_stop_daemon(self->daemon);
    free(self->spill_dir);
    free(self);
    *self_p = NULL;
}

const char *
http_bound(const http_t *self)
{
    return self->bound;
}
