/*  deliverer: one thread, one curl multi handle, many transfers.

    The loop waits in curl_multi_poll on the transfers' sockets and the
    actor pipe together, so a WAKE or $TERM is seen at once; the wait is
    also cut at the next due delivery and at DELIVERER_POLL_MAX_MSEC. Each
    pass: read the pipe, let curl progress, record finished transfers, and
    start due deliveries when told to, when a transfer finished (a slot
    opened) or when the earliest retry came due.

    libcurl is loaded (curllib.h) and the multi handle created only when a
    delivery first falls due; until then the loop waits on the actor pipe
    alone, and a notifier without webhooks never maps libcurl. If libcurl
    cannot be loaded, that is logged once and the deliveries stay pending,
    their attempts not counted. */
#include "deliverer.h"

#include "alert.h"
#include "curllib.h"
#include "db.h"
#include "hookstore.h"
#include "log.h"
#include "notifydb.h"
#include "service.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELIVERER_POLL_MAX_MSEC 1000   /* longest wait without looking at the table */
#define DELIVERER_LEASE_MARGIN_MSEC 5000 /* lease = timeout + this */
#define DELIVERER_HOOKS_MAX 1024       /* subscriptions scanned per pass */
#define DELIVERER_CONTENT_TYPE "application/cloudevents+json"

struct _deliverer_t {
    zactor_t *actor;
    char *db_path;
    webhook_policy_t policy;
    bool failed;   /* set by the actor before it signals ready */
    char err[256];
};

typedef struct {
    CURL *easy;
    struct curl_slist *headers;
    char *body; /* the JSON document, owned */
    hookstore_job_t job;
    char errbuf[CURL_ERROR_SIZE];
} s_transfer_t;

typedef struct {
    zsock_t *pipe;
    const webhook_policy_t *policy;
    sqlite3 *db;
    hookstore_t *hooks;
    const curllib_t *curl; /* NULL until a delivery first falls due */
    bool curl_failed;      /* libcurl cannot be loaded (logged) */
    CURLM *multi;
    s_transfer_t *inflight[DELIVERER_INFLIGHT_MAX];
    size_t ninflight;
    bool scan;        /* look for due deliveries on the next pass */
    int64_t next_due; /* wall ms of the earliest known due delivery */
    bool stop;
} s_worker_t;

/* Sends one log record to the main thread (dropped if it is not reading). */
static void
s_log(s_worker_t *w, log_level_t level, const char *fmt, ...)
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

static size_t
s_discard(char *data, size_t size, size_t nmemb, void *ctx)
{
    (void) data;
    (void) ctx;
    return size * nmemb;
}

static void
s_transfer_destroy(s_worker_t *w, s_transfer_t **t_p)
{
    s_transfer_t *t = *t_p;
    if (!t)
        return;
    if (t->easy) {
        w->curl->multi_remove_handle(w->multi, t->easy);
        w->curl->easy_cleanup(t->easy);
    }
    if (t->headers)
        w->curl->slist_free_all(t->headers);
    free(t->body);
    hookstore_job_clear(&t->job);
    free(t);
    *t_p = NULL;
}

/* Builds the JSON body from the stored alert. Returns 0, or -1 with why. */
static int
s_body(s_transfer_t *t, char *why, size_t whylen)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(t->job.body, t->job.body_size, &err);
    alert_t alert;
    memset(&alert, 0, sizeof alert);
    int rc = -1;
    if (!in || alert_read(msg_in_root(in), &alert, &err) != 0)
        snprintf(why, whylen, "the stored alert does not decode: %.200s", err.message);
    else if (!(t->body = alert_to_json_text(&alert)))
        snprintf(why, whylen, "the alert has no JSON form (out of memory or not UTF-8)");
    else
        rc = 0;
    alert_clear(&alert);
    msg_in_destroy(&in);
    return rc;
}

/* Appends one formatted header. Returns 0 or -1. */
static int
s_header(const curllib_t *lib, s_transfer_t *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_header(const curllib_t *lib, s_transfer_t *t, const char *fmt, ...)
{
    char line[ALERT_ID_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t) n >= sizeof line)
        return -1;
    struct curl_slist *more = lib->slist_append(t->headers, line);
    if (!more)
        return -1;
    t->headers = more;
    return 0;
}

/* Prepares the signed POST. Returns 0, or -1 with why. */
static int
s_prepare(s_worker_t *w, s_transfer_t *t, int64_t now_ms, char *why, size_t whylen)
{
    if (s_body(t, why, whylen) != 0)
        return -1;
    const size_t size = strlen(t->body);
    const int64_t ts = now_ms / 1000;
    char sig[WEBHOOK_SIGNATURE_MAX];
    if (strpbrk(t->job.alert_id, "\r\n")) {
        snprintf(why, whylen, "the alert id cannot be sent as a header");
        return -1;
    }
    if (webhook_sign(t->job.secret, t->job.alert_id, ts, t->body, size, sig) != 0) {
        snprintf(why, whylen, "the subscription's secret is malformed");
        return -1;
    }
    const curllib_t *lib = w->curl;
    if (s_header(lib, t, "Content-Type: %s", DELIVERER_CONTENT_TYPE) != 0
        || s_header(lib, t, "webhook-id: %s", t->job.alert_id) != 0
        || s_header(lib, t, "webhook-timestamp: %lld", (long long) ts) != 0
        || s_header(lib, t, "webhook-signature: %s", sig) != 0
        || s_header(lib, t, "Expect:") != 0) {
        snprintf(why, whylen, "out of memory building headers");
        return -1;
    }
    t->easy = lib->easy_init();
    if (!t->easy) {
        snprintf(why, whylen, "out of memory creating a transfer");
        return -1;
    }
    CURL *e = t->easy;
    CURLcode rc = CURLE_OK;
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_URL, t->job.url);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_TIMEOUT_MS, (long) w->policy->timeout_ms);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long) size);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_POSTFIELDS, t->body);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_USERAGENT, "ratify-notifier/" RATIFY_VERSION);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_WRITEFUNCTION, s_discard);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    rc = rc ? rc : lib->easy_setopt(e, CURLOPT_PRIVATE, (void *) t);
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "cannot set up the transfer: %s", lib->easy_strerror(rc));
        return -1;
    }
    return 0;
}

/* Starts one attempt; takes the job. */
static void
s_start(s_worker_t *w, hookstore_job_t *job, int64_t now_ms)
{
    const int64_t lease = now_ms + w->policy->timeout_ms + DELIVERER_LEASE_MARGIN_MSEC;
    const int begun = hookstore_begin(w->hooks, job->delivery_id, lease, now_ms);
    if (begun != 1) {
        if (begun < 0)
            s_log(w, RLOG_ERROR, "delivery %lld: cannot record the attempt: %s",
                  (long long) job->delivery_id, sqlite3_errmsg(w->db));
        hookstore_job_clear(job);
        return;
    }
    s_transfer_t *t = calloc(1, sizeof *t);
    if (!t) {
        hookstore_release(w->hooks, job->delivery_id, now_ms);
        hookstore_job_clear(job);
        return;
    }
    t->job = *job;
    memset(job, 0, sizeof *job);
    char why[256];
    if (s_prepare(w, t, now_ms, why, sizeof why) != 0) {
        s_log(w, RLOG_ERROR, "webhook %lld: %s: %s; dead-lettered", (long long) t->job.webhook_id,
              t->job.alert_id, why);
        hookstore_finish(w->hooks, t->job.delivery_id, "dead", 0, why, now_ms, now_ms);
        if (t->easy)
            w->curl->easy_cleanup(t->easy);
        t->easy = NULL;
        s_transfer_destroy(w, &t);
        return;
    }
    if (w->curl->multi_add_handle(w->multi, t->easy) != CURLM_OK) {
        hookstore_release(w->hooks, t->job.delivery_id, now_ms);
        if (t->easy)
            w->curl->easy_cleanup(t->easy);
        t->easy = NULL;
        s_transfer_destroy(w, &t);
        return;
    }
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

/* Loads libcurl and creates the multi handle, the first time a delivery
   is due. Returns 0, or -1 (logged once: deliveries stay pending). */
static int
s_curl_start(s_worker_t *w)
{
    if (w->multi)
        return 0;
    if (w->curl_failed)
        return -1;
    char err[256];
    w->curl = curllib_get(err, sizeof err);
    if (w->curl && !(w->multi = w->curl->multi_init()))
        snprintf(err, sizeof err, "cannot create a curl multi handle");
    if (!w->multi) {
        w->curl_failed = true;
        s_log(w, RLOG_ERROR,
              "webhook deliveries are due but %s: they stay pending (restart the notifier "
              "once libcurl is installed)",
              err);
        return -1;
    }
    s_log(w, RLOG_INFO, "a webhook delivery is due: loaded %s", w->curl->version());
    return 0;
}

/* Starts what is due, within the per-subscription and total limits. */
static void
s_start_due(s_worker_t *w)
{
    const int64_t now = service_wall_ms();
    if (!w->multi) {
        /* libcurl only once something is due (a retry later: the loop's
           next_due brings us back) */
        const int64_t due = hookstore_next_due(w->hooks);
        if (due < 0 || due > now || s_curl_start(w) != 0) {
            w->scan = false;
            w->next_due = due > now ? due : now + DELIVERER_POLL_MAX_MSEC;
            return;
        }
    }
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
    /* due but held back by a limit: a finished transfer sets scan again */
    if (w->next_due < 0 || w->next_due <= now)
        w->next_due = now + DELIVERER_POLL_MAX_MSEC;
}

/* Records the outcome of one finished transfer. */
static void
s_finish(s_worker_t *w, s_transfer_t *t, CURLcode result)
{
    const int64_t now = service_wall_ms();
    long code = 0;
    curl_off_t retry_after = 0;
    if (result == CURLE_OK) {
        w->curl->easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
        w->curl->easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &retry_after);
    }
    const int64_t attempts = t->job.attempts + 1;
    const webhook_outcome_t o = webhook_classify(w->policy, result == CURLE_OK, code, attempts);
    char why[CURL_ERROR_SIZE + 64];
    if (result != CURLE_OK)
        snprintf(why, sizeof why, "%s",
                 t->errbuf[0] ? t->errbuf : w->curl->easy_strerror(result));
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
        const int64_t delay = webhook_backoff_ms(w->policy, attempts,
                                                 retry_after > 0 ? (int64_t) retry_after * 1000
                                                                 : -1,
                                                 randombytes_random());
        rc = hookstore_finish(w->hooks, t->job.delivery_id, "pending", code, why, now + delay,
                              now);
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
s_collect(s_worker_t *w)
{
    CURLMsg *m;
    int left = 0;
    while ((m = w->curl->multi_info_read(w->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        char *priv = NULL;
        w->curl->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
        s_transfer_t *t = (s_transfer_t *) priv;
        const CURLcode result = m->data.result;
        if (!t)
            continue;
        s_finish(w, t, result);
        for (size_t i = 0; i < w->ninflight; i++)
            if (w->inflight[i] == t) {
                w->inflight[i] = w->inflight[--w->ninflight];
                break;
            }
        s_transfer_destroy(w, &t);
        w->scan = true;
    }
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

static void
s_run(s_worker_t *w)
{
    struct curl_waitfd extra = {.fd = zsock_fd(w->pipe), .events = CURL_WAIT_POLLIN};
    while (!w->stop) {
        if (w->scan || service_wall_ms() >= w->next_due)
            s_start_due(w);
        int64_t wait = w->next_due - service_wall_ms();
        if (wait > DELIVERER_POLL_MAX_MSEC)
            wait = DELIVERER_POLL_MAX_MSEC;
        if (wait < 0 || (zsock_events(w->pipe) & ZMQ_POLLIN))
            wait = 0;
        if (!w->multi) {
            /* nothing in flight (libcurl not loaded yet): the pipe alone */
            zmq_pollitem_t item = {.socket = zsock_resolve(w->pipe), .events = ZMQ_POLLIN};
            zmq_poll(&item, 1, (long) wait);
            s_handle_pipe(w);
            continue;
        }
        w->curl->multi_poll(w->multi, &extra, 1, (int) wait, NULL);
        s_handle_pipe(w);
        int running = 0;
        w->curl->multi_perform(w->multi, &running);
        s_collect(w);
    }
}

static void
s_actor(zsock_t *pipe, void *args)
{
    deliverer_t *self = args;
    s_worker_t w = {.pipe = pipe, .policy = &self->policy, .scan = true};
    /* SIGINT/SIGTERM belong to the main thread's loop */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    zsock_set_sndtimeo(pipe, 0); /* never block on a log record */

    w.db = notifydb_open(self->db_path, self->err, sizeof self->err);
    if (w.db)
        w.hooks = hookstore_new(w.db, self->err, sizeof self->err);
    if (w.hooks && sodium_init() < 0) {
        snprintf(self->err, sizeof self->err, "libsodium failed to initialise");
        hookstore_destroy(&w.hooks);
    }
    self->failed = !w.hooks;
    zsock_signal(pipe, 0);
    if (!self->failed)
        s_run(&w);

    /* abandon what is in flight: it stays pending and the attempt does not count */
    const int64_t now = service_wall_ms();
    while (w.ninflight > 0) {
        s_transfer_t *t = w.inflight[--w.ninflight];
        hookstore_release(w.hooks, t->job.delivery_id, now);
        s_transfer_destroy(&w, &t);
    }
    if (w.multi)
        w.curl->multi_cleanup(w.multi);
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
