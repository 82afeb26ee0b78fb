/*  deliverer: one thread, many transfers (httpc.h), one poll.

    The loop waits in zmq_poll on the actor pipe and every transfer's
    descriptor together, so a WAKE or $TERM is seen at once; the wait is
    also cut at the next due delivery, at the earliest transfer deadline
    and at DELIVERER_POLL_MAX_MSEC. Each pass: read the pipe, step the
    transfers that are ready or due, record finished ones, and start due
    deliveries when told to, when a transfer finished (a slot opened) or
    when the earliest retry came due.

    OpenSSL is loaded (tlslib.h) only when an https delivery first falls
    due. If it cannot be loaded, that is logged once and https deliveries
    stay pending, their attempts not counted; http ones go on. */
#include "deliverer.h"

#include "alert.h"
#include "db.h"
#include "hookstore.h"
#include "hookurl.h"
#include "http1.h"
#include "httpc.h"
#include "log.h"
#include "notifydb.h"
#include "service.h"
#include "tlslib.h"

#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELIVERER_POLL_MAX_MSEC     1000 /* longest wait without looking at the table */
#define DELIVERER_LEASE_MARGIN_MSEC 5000 /* lease = timeout + this */
#define DELIVERER_HOOKS_MAX         1024 /* subscriptions scanned per pass */
#define DELIVERER_CONTENT_TYPE      "application/cloudevents+json"
#define DELIVERER_USER_AGENT        "ratify-notifier/" RATIFY_VERSION

struct _deliverer_t {
    zactor_t *actor;
    char *db_path;
    webhook_policy_t policy;
    bool failed; /* set by the actor before it signals ready */
    char err[256];
};

/* The proxy for one scheme, as the environment names it. */
typedef struct {
    hookurl_t *url; /* NULL: connect directly */
    char bad[300];  /* set: the variable names no usable proxy (why, credentials hidden) */
    bool told;      /* bad was logged at a delivery */
} s_proxy_t;

typedef struct {
    httpc_t *http;
    hookstore_job_t job;
} s_transfer_t;

typedef struct {
    zsock_t *pipe;
    const webhook_policy_t *policy;
    sqlite3 *db;
    hookstore_t *hooks;
    enum { S_TLS_UNTRIED, S_TLS_LOADED, S_TLS_FAILED } tls; /* OpenSSL, logged once */
    s_transfer_t *inflight[DELIVERER_INFLIGHT_MAX];
    size_t ninflight;
    bool scan;        /* look for due deliveries on the next pass */
    int64_t next_due; /* wall ms of the earliest known due delivery */
    bool stop;
    s_proxy_t proxy_http, proxy_https; /* from the environment */
    const char *no_proxy;
} s_worker_t;

/* Sends one log record to the main thread (dropped if it is not reading). */
static void s_log(s_worker_t *w, log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
s_log(s_worker_t *w, log_level_t level, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    zmsg_t *zm = zmsg_new();
    if (!zm)
        return;
    const char lvl = (char) ('0' + (int) level);
    zmsg_addmem(zm, &lvl, 1);
    zmsg_addstr(zm, text);
    if (zmsg_send(&zm, w->pipe) != 0)
        zmsg_destroy(&zm);
}

static void
s_transfer_destroy(s_transfer_t **t_p)
{
    s_transfer_t *t = *t_p;
    if (!t)
        return;
    httpc_destroy(&t->http);
    hookstore_job_clear(&t->job);
    free(t);
    *t_p = NULL;
}

/* Returns whether the authority of url (after "://") gives a port. */
static bool
s_has_port(const char *url)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    size_t alen = strcspn(auth, "/?#");
    for (size_t i = alen; i > 0; i--)
        if (auth[i - 1] == '@') {
            alen -= i;
            auth += i;
            break;
        }
    const char *host_end = auth[0] == '[' ? memchr(auth, ']', alen) : auth;
    return host_end && memchr(host_end, ':', alen - (size_t) (host_end - auth)) != NULL;
}

/* Reads the proxy named by the first of names that is set, as curl does:
   http_proxy in lower case only (HTTP_PROXY can come from a request
   header in CGI), https_proxy or HTTPS_PROXY, then all_proxy or
   ALL_PROXY; a variable set but empty means no proxy; "host:port" means
   http://host:port; no port means 1080. A value that names no usable
   proxy (malformed, or not http://) fills out->bad, its credentials
   hidden: the deliveries that would use it wait. */
static void
s_proxy_from_env(const char *const names[], s_proxy_t *out)
{
    const char *name = NULL, *text = NULL;
    for (size_t i = 0; names[i] && !name; i++)
        if ((text = getenv(names[i])))
            name = names[i];
    if (!name || !*text)
        return;
    char url[ALERT_URL_MAX], shown[ALERT_URL_MAX], err[256];
    snprintf(url, sizeof url, "%s%s", strstr(text, "://") ? "" : "http://", text);
    hookurl_redact(url, shown, sizeof shown); /* the password hidden */
    hookurl_t *p = malloc(sizeof *p);
    const char *reason = "out of memory";
    if (p && hookurl_parse(url, p, err, sizeof err) != 0)
        reason = err; /* it names the URL with the password hidden too */
    else if (p && p->tls)
        reason = "only http:// proxies are supported";
    else if (p) {
        if (!s_has_port(url))
            p->port = 1080;
        out->url = p;
        return;
    }
    snprintf(out->bad, sizeof out->bad, "%s=%.120s: %.120s", name, shown, reason);
    if (p)
        sodium_memzero(p, sizeof *p);
    free(p);
}

static void
s_proxy_clear(s_proxy_t *proxy)
{
    if (proxy->url)
        sodium_memzero(proxy->url, sizeof *proxy->url); /* credentials */
    free(proxy->url);
    proxy->url = NULL;
}

/* Returns the JSON body built from the stored alert (caller frees), or
   NULL with why. */
static char *
s_body(const hookstore_job_t *job, char *why, size_t whylen)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(job->body, job->body_size, &err);
    alert_t alert;
    memset(&alert, 0, sizeof alert);
    char *json = NULL;
    if (!in || alert_read(msg_in_root(in), &alert, &err) != 0)
        snprintf(why, whylen, "the stored alert does not decode: %.200s", err.message);
    else if (!(json = alert_to_json_text(&alert)))
        snprintf(why, whylen, "the alert has no JSON form (out of memory or not UTF-8)");
    alert_clear(&alert);
    msg_in_destroy(&in);
    return json;
}

/* Returns the signed POST of the job's alert to url as bytes (*len;
   caller frees), or NULL with why; through proxy (not NULL) an http
   URL's request names the whole URL and carries the proxy's credentials. */
static char *
s_request(const hookstore_job_t *job, const hookurl_t *url, const hookurl_t *proxy, int64_t now_ms,
          size_t *len, char *why, size_t whylen)
{
    if (strpbrk(job->alert_id, "\r\n")) {
        snprintf(why, whylen, "the alert id cannot be sent as a header");
        return NULL;
    }
    char *body = s_body(job, why, whylen);
    if (!body)
        return NULL;
    const size_t size = strlen(body);
    const int64_t ts = now_ms / 1000;
    char sig[WEBHOOK_SIGNATURE_MAX];
    char *request = NULL;
    char extra[ALERT_ID_MAX + WEBHOOK_SIGNATURE_MAX + HOOKURL_AUTH_MAX + 128];
    const bool absolute = proxy && !url->tls;
    hookurl_t *target = absolute ? malloc(sizeof *target) : NULL;
    if (absolute && target) {
        *target = *url;
        if (snprintf(target->target, sizeof target->target, "http://%s%s", url->authority,
                     url->target)
            >= (int) sizeof target->target) {
            free(target);
            target = NULL;
        }
    }
    if (absolute && !target)
        snprintf(why, whylen, "the URL is too long to be sent through the proxy");
    else if (webhook_sign(job->secret, job->alert_id, ts, body, size, sig) != 0)
        snprintf(why, whylen, "the subscription's secret is malformed");
    else if (snprintf(extra, sizeof extra,
                      "webhook-id: %s\r\nwebhook-timestamp: %lld\r\nwebhook-signature: %s\r\n"
                      "%s%s%s",
                      job->alert_id, (long long) ts, sig,
                      absolute && proxy->basic_auth[0] ? "Proxy-Authorization: Basic " : "",
                      absolute ? proxy->basic_auth : "",
                      absolute && proxy->basic_auth[0] ? "\r\n" : "")
             >= (int) sizeof extra)
        snprintf(why, whylen, "the alert id is too long for a header");
    else if (!(request = http1_request(target ? target : url, DELIVERER_USER_AGENT,
                                       DELIVERER_CONTENT_TYPE, extra, body, size, len)))
        snprintf(why, whylen, "out of memory building the request");
    if (target)
        sodium_memzero(target, sizeof *target); /* the endpoint's credentials */
    free(target);
    free(body);
    return request;
}

/* Loads OpenSSL the first time an https delivery is due, and logs the
   outcome once. Returns true when https deliveries can be made. */
static bool
s_tls_ready(s_worker_t *w)
{
    if (w->tls == S_TLS_UNTRIED) {
        char err[256];
        const tlslib_t *tls = tlslib_get(err, sizeof err);
        w->tls = tls ? S_TLS_LOADED : S_TLS_FAILED;
        if (tls)
            s_log(w, RLOG_INFO, "an https webhook delivery is due: loaded %s",
                  tls->version(OPENSSL_VERSION));
        else
            s_log(w, RLOG_ERROR,
                  "https webhook deliveries are due but %s: they stay pending (restart the "
                  "notifier once that is mended)",
                  err);
    }
    return w->tls == S_TLS_LOADED;
}

/* Starts one attempt; takes the job. */
static void
s_start(s_worker_t *w, hookstore_job_t *job, int64_t now_ms)
{
    hookurl_t url;
    char why[256];
    const bool parsed = hookurl_parse(job->url, &url, why, sizeof why) == 0;
    s_proxy_t *px = !parsed ? NULL : url.tls ? &w->proxy_https : &w->proxy_http;
    if (px && (!(px->url || px->bad[0]) || hookurl_no_proxy(w->no_proxy, url.host)))
        px = NULL;
    if (px && px->bad[0]) {
        if (!px->told)
            s_log(w, RLOG_ERROR,
                  "%s webhook deliveries are due but %s: they stay pending "
                  "(restart the notifier once that is mended)",
                  url.tls ? "https" : "http", px->bad);
        px->told = true;
        hookstore_job_clear(job); /* pending, the attempt not counted */
        return;
    }
    const hookurl_t *proxy = px ? px->url : NULL;
    if (parsed && url.tls && !s_tls_ready(w)) {
        hookstore_job_clear(job); /* pending, the attempt not counted */
        return;
    }
    const int64_t lease = now_ms + w->policy->timeout_ms + DELIVERER_LEASE_MARGIN_MSEC;
    const int begun = hookstore_begin(w->hooks, job->delivery_id, lease, now_ms);
    s_transfer_t *t = begun == 1 ? calloc(1, sizeof *t) : NULL;
    if (!t) {
        if (begun < 0)
            s_log(w, RLOG_ERROR, "delivery %lld: cannot record the attempt: %s",
                  (long long) job->delivery_id, sqlite3_errmsg(w->db));
        else if (begun == 1)
            hookstore_release(w->hooks, job->delivery_id, now_ms);
        hookstore_job_clear(job);
        return;
    }
    t->job = *job;
    memset(job, 0, sizeof *job);
    size_t len = 0;
    char *request = parsed ? s_request(&t->job, &url, proxy, now_ms, &len, why, sizeof why) : NULL;
    if (request)
        t->http = httpc_new(&url, proxy, request, len, service_clock_ms() + w->policy->timeout_ms);
    if (!request) {
        s_log(w, RLOG_ERROR, "webhook %lld: %s: %s; dead-lettered", (long long) t->job.webhook_id,
              t->job.alert_id, why);
        hookstore_finish(w->hooks, t->job.delivery_id, "dead", 0, why, now_ms, now_ms);
        s_transfer_destroy(&t);
    }
    else if (!t->http) {
        hookstore_release(w->hooks, t->job.delivery_id, now_ms);
        s_transfer_destroy(&t);
    }
    else
        w->inflight[w->ninflight++] = t;
}

static size_t
s_inflight_for(const s_worker_t *w, int64_t webhook_id)
{
    size_t n = 0;
    for (size_t i = 0; i < w->ninflight; i++)
        n += w->inflight[i]->job.webhook_id == webhook_id;
    return n;
}

/* Starts what is due, within the per-subscription and total limits. */
static void
s_start_due(s_worker_t *w)
{
    const int64_t now = service_wall_ms();
    int64_t ids[DELIVERER_HOOKS_MAX];
    hookstore_job_t jobs[DELIVERER_INFLIGHT_PER_HOOK];
    const int nhooks = hookstore_active(w->hooks, ids, DELIVERER_HOOKS_MAX);
    if (nhooks < 0)
        s_log(w, RLOG_ERROR, "cannot read the subscriptions: %s", sqlite3_errmsg(w->db));
    for (int h = 0; h < nhooks && w->ninflight < DELIVERER_INFLIGHT_MAX; h++) {
        size_t slots = DELIVERER_INFLIGHT_PER_HOOK - s_inflight_for(w, ids[h]);
        if (slots > DELIVERER_INFLIGHT_MAX - w->ninflight)
            slots = DELIVERER_INFLIGHT_MAX - w->ninflight;
        if (slots == 0)
            continue;
        const int n = hookstore_due(w->hooks, ids[h], now, jobs, slots);
        if (n < 0)
            s_log(w, RLOG_ERROR, "cannot read the deliveries: %s", sqlite3_errmsg(w->db));
        for (int i = 0; i < n; i++)
            s_start(w, &jobs[i], now);
    }
    w->scan = false;
    w->next_due = hookstore_next_due(w->hooks);
    /* due but held back by a limit (or by TLS): a finished transfer sets
       scan again */
    if (w->next_due < 0 || w->next_due <= now)
        w->next_due = now + DELIVERER_POLL_MAX_MSEC;
}

/* Records the outcome of one finished transfer. */
static void
s_finish(s_worker_t *w, s_transfer_t *t)
{
    const int64_t now = service_wall_ms();
    const bool answered = httpc_state(t->http) == HTTPC_DONE;
    const long code = httpc_status(t->http);
    const int64_t attempts = t->job.attempts + 1;
    const webhook_outcome_t o = webhook_classify(w->policy, answered, code, attempts);
    char why[300];
    if (!answered)
        snprintf(why, sizeof why, "%s", httpc_error(t->http));
    else
        snprintf(why, sizeof why, "HTTP %ld", code);
    const long long hook = (long long) t->job.webhook_id;
    int rc = 0;
    switch (o) {
    case WEBHOOK_DELIVERED:
        rc = hookstore_finish(w->hooks, t->job.delivery_id, "delivered", code, NULL, now, now);
        s_log(w, RLOG_INFO, "webhook %lld: delivered %s (HTTP %ld, attempt %lld)", hook,
              t->job.alert_id, code, (long long) attempts);
        break;
    case WEBHOOK_RETRY: {
        const int64_t delay = webhook_backoff_ms(w->policy, attempts, httpc_retry_after_ms(t->http),
                                                 randombytes_random());
        rc = hookstore_finish(w->hooks, t->job.delivery_id, "pending", code, why, now + delay, now);
        s_log(w, RLOG_WARN, "webhook %lld: %s: %s (attempt %lld of %lld); retry in %.1f s", hook,
              t->job.alert_id, why, (long long) attempts, (long long) w->policy->attempts,
              delay / 1000.0);
        break;
    }
    case WEBHOOK_DEAD:
        rc = hookstore_finish(w->hooks, t->job.delivery_id, "dead", code, why, now, now);
        s_log(w, RLOG_WARN, "webhook %lld: %s: %s (attempt %lld); dead-lettered as delivery %lld",
              hook, t->job.alert_id, why, (long long) attempts, (long long) t->job.delivery_id);
        break;
    case WEBHOOK_GONE:
        rc = hookstore_gone(w->hooks, t->job.webhook_id, t->job.delivery_id, code, why, now);
        s_log(w, RLOG_WARN, "webhook %lld answered 410 Gone: the subscription ends", hook);
        break;
    }
    if (rc != 0)
        s_log(w, RLOG_ERROR, "delivery %lld: cannot record the outcome: %s",
              (long long) t->job.delivery_id, sqlite3_errmsg(w->db));
}

static void
s_handle_pipe(s_worker_t *w)
{
    while (!w->stop && (zsock_events(w->pipe) & ZMQ_POLLIN)) {
        char *cmd = zstr_recv(w->pipe);
        if (!cmd || strcmp(cmd, "$TERM") == 0)
            w->stop = true;
        else if (strcmp(cmd, "WAKE") == 0)
            w->scan = true;
        zstr_free(&cmd);
    }
}

/* Returns how long the loop may wait, in ms: until the next due
   delivery or the earliest transfer deadline, at most
   DELIVERER_POLL_MAX_MSEC; 0 when something is ready now. */
static long
s_wait_ms(s_worker_t *w)
{
    int64_t wait = w->next_due - service_wall_ms();
    if (wait > DELIVERER_POLL_MAX_MSEC)
        wait = DELIVERER_POLL_MAX_MSEC;
    const int64_t mono = service_clock_ms();
    for (size_t i = 0; i < w->ninflight; i++) {
        const httpc_t *h = w->inflight[i]->http;
        const int64_t left = httpc_state(h) == HTTPC_RUNNING ? httpc_deadline(h) - mono : 0;
        if (left < wait)
            wait = left;
    }
    if (wait < 0 || (zsock_events(w->pipe) & ZMQ_POLLIN))
        wait = 0;
    return (long) wait;
}

static void
s_run(s_worker_t *w)
{
    zmq_pollitem_t items[1 + DELIVERER_INFLIGHT_MAX];
    while (!w->stop) {
        if (w->scan || service_wall_ms() >= w->next_due)
            s_start_due(w);
        const long wait = s_wait_ms(w);
        items[0] = (zmq_pollitem_t){.socket = zsock_resolve(w->pipe), .events = ZMQ_POLLIN};
        for (size_t i = 0; i < w->ninflight; i++) {
            const httpc_t *h = w->inflight[i]->http;
            const short ev = httpc_events(h);
            items[1 + i] =
                (zmq_pollitem_t){.fd = httpc_fd(h),
                                 .events = (short) (((ev & POLLIN) ? ZMQ_POLLIN : 0)
                                                    | ((ev & POLLOUT) ? ZMQ_POLLOUT : 0))};
        }
        zmq_poll(items, (int) (1 + w->ninflight), wait);
        s_handle_pipe(w);
        /* backwards: a finished transfer's slot takes the last one's */
        const int64_t mono = service_clock_ms();
        for (size_t i = w->ninflight; i-- > 0;) {
            s_transfer_t *t = w->inflight[i];
            if (httpc_state(t->http) == HTTPC_RUNNING && !items[1 + i].revents
                && mono < httpc_deadline(t->http))
                continue;
            if (httpc_step(t->http, mono) == HTTPC_RUNNING)
                continue;
            s_finish(w, t);
            w->inflight[i] = w->inflight[--w->ninflight];
            s_transfer_destroy(&t);
            w->scan = true;
        }
    }
}

static void
s_actor(zsock_t *pipe, void *args)
{
    deliverer_t *self = args;
    s_worker_t w = {.pipe = pipe, .policy = &self->policy, .scan = true};
    service_block_stop_signals(NULL);
    zsock_set_sndtimeo(pipe, 0); /* never block on a log record */

    static const char *const http_names[] = {"http_proxy", "all_proxy", "ALL_PROXY", NULL};
    static const char *const https_names[] = {"https_proxy", "HTTPS_PROXY", "all_proxy",
                                              "ALL_PROXY", NULL};
    w.no_proxy = getenv("no_proxy") ? getenv("no_proxy") : getenv("NO_PROXY");
    s_proxy_from_env(http_names, &w.proxy_http);
    s_proxy_from_env(https_names, &w.proxy_https);
    w.db = notifydb_open(self->db_path, self->err, sizeof self->err);
    if (w.db)
        w.hooks = hookstore_new(w.db, self->err, sizeof self->err);
    if (w.hooks && sodium_init() < 0) {
        snprintf(self->err, sizeof self->err, "libsodium failed to initialise");
        hookstore_destroy(&w.hooks);
    }
    self->failed = !w.hooks;
    zsock_signal(pipe, 0);
    for (int i = 0; !self->failed && i < 2; i++) {
        const s_proxy_t *px = i == 0 ? &w.proxy_http : &w.proxy_https;
        const char *scheme = i == 0 ? "http" : "https";
        if (px->bad[0])
            s_log(&w, RLOG_ERROR, "%s webhooks will wait: %s", scheme, px->bad);
        else if (px->url)
            s_log(&w, RLOG_INFO, "%s webhooks go through the proxy %s:%u (no_proxy: %s)", scheme,
                  px->url->host, (unsigned) px->url->port,
                  w.no_proxy && *w.no_proxy ? w.no_proxy : "none");
    }
    if (!self->failed)
        s_run(&w);

    /* abandon what is in flight: it stays pending and the attempt does not count */
    const int64_t now = service_wall_ms();
    while (w.ninflight > 0) {
        s_transfer_t *t = w.inflight[--w.ninflight];
        hookstore_release(w.hooks, t->job.delivery_id, now);
        s_transfer_destroy(&t);
    }
    s_proxy_clear(&w.proxy_http);
    s_proxy_clear(&w.proxy_https);
    tlslib_shutdown();
    hookstore_destroy(&w.hooks);
    db_close(&w.db);
}

deliverer_t *
deliverer_new(const char *db_path, const webhook_policy_t *policy, char *err, size_t errlen)
{
    deliverer_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->policy = *policy;
    self->db_path = strdup(db_path);
    if (self->db_path)
        self->actor = zactor_new(s_actor, self);
    if (!self->actor || self->failed) {
        snprintf(err, errlen, "cannot start the delivery thread: %s",
                 self->err[0] ? self->err : "out of memory");
        deliverer_destroy(&self);
    }
    return self;
}

void
deliverer_destroy(deliverer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    deliverer_t *self = *self_p;
    zactor_destroy(&self->actor);
    free(self->db_path);
    free(self);
    *self_p = NULL;
}

void
deliverer_wake(deliverer_t *self)
{
    zsock_t *sock = zactor_sock(self->actor);
    zsock_set_sndtimeo(sock, 0);
    zstr_send(self->actor, "WAKE");
}

zsock_t *
deliverer_socket(deliverer_t *self)
{
    return zactor_sock(self->actor);
}

void
deliverer_handle(deliverer_t *self)
{
    zmsg_t *zm = zmsg_recv(self->actor);
    zframe_t *level = zm ? zmsg_first(zm) : NULL;
    zframe_t *text = zm ? zmsg_next(zm) : NULL;
    if (level && text && zframe_size(level) == 1) {
        const int l = zframe_data(level)[0] - '0';
        char *msg = zframe_strdup(text);
        if (msg && l >= RLOG_DEBUG && l <= RLOG_ERROR)
            log_write((log_level_t) l, "%s", msg);
        free(msg);
    }
    zmsg_destroy(&zm);
}
