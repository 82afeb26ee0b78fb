/*  notifier: milestones in, alerts and webhook management out.

    Every request is answered, with an "error" whose code is stable
    (bad_field, unknown_webhook, unknown_delivery, not_dead, webhook_gone,
    storage_failed, unknown_type) when it cannot be served. A request that
    lists allocates its reply rows for the call only (at most
    ALERT_LIST_MAX). */
#include "notifier.h"

#include "hookurl.h"
#include "log.h"
#include "webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A group's body buffer larger than this is freed after the commit. */
#define NOTIFIER_GROUP_KEEP_BYTES (64 * 1024)

/* An alert of the open group, waiting for the commit; its body is
   bodies[body_start, body_end). */
typedef struct {
    int64_t sequence, milestone_seq;
    char type[ALERT_TYPE_MAX];
    char id[ALERT_ID_MAX];
    size_t body_start, body_end;
    int queued;
} s_pending_t;

struct _notifier_t {
    alertlog_t *log;
    hookstore_t *hooks;
    s_pending_t pending[NOTIFIER_GROUP_MAX]; /* the open group's new alerts */
    int npending;
    msgpack_sbuffer bodies; /* their published bytes, one after the other */
};

notifier_t *
notifier_new(alertlog_t *log, hookstore_t *hooks)
{
    notifier_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->log = log;
    self->hooks = hooks;
    msgpack_sbuffer_init(&self->bodies);
    return self;
}

void
notifier_destroy(notifier_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    notifier_t *self = *self_p;
    alertlog_rollback(self->log); /* an uncommitted group is not stored */
    msgpack_sbuffer_destroy(&self->bodies);
    free(self);
    *self_p = NULL;
}

/* ---- milestones --------------------------------------------------------- */

/* Forgets the group's pending alerts (after its commit or rollback). The
   body buffer is given back when a catch-up made it large. */
static void
s_forget_group(notifier_t *self)
{
    self->npending = 0;
    if (self->bodies.alloc > NOTIFIER_GROUP_KEEP_BYTES) {
        msgpack_sbuffer_destroy(&self->bodies);
        msgpack_sbuffer_init(&self->bodies);
    }
    else
        msgpack_sbuffer_clear(&self->bodies);
}

int
notifier_ingest(notifier_t *self, int64_t seq, const msgpack_object *item, int64_t now_ms,
                bool refuse_unreadable)
{
    milestone_t m;
    wire_err_t err;
    char why[256];
    alert_t alert;
    memset(&alert, 0, sizeof alert);
    if (self->npending >= NOTIFIER_GROUP_MAX) {
        /* the caller did not commit when notifier_group_full said so */
        log_error("milestone %lld: the group is full; rolled back", (long long) seq);
        alertlog_rollback(self->log);
        s_forget_group(self);
        return -1;
    }
    const bool readable = milestone_read(item, &m, &err) == 0;
    if (!readable && refuse_unreadable) {
        milestone_clear(&m);
        log_warn("milestone %lld on the stream is unreadable (%s: %s)", (long long) seq, err.code,
                 err.message);
        return NOTIFIER_UNREADABLE;
    }
    if (!readable || alert_from_milestone(&m, &alert, &err) != 0) {
        milestone_clear(&m);
        alert_clear(&alert);
        log_error("milestone %lld cannot become an alert (%s: %s); skipped", (long long) seq,
                  err.code, err.message);
        if (alertlog_skip(self->log, seq, why, sizeof why) != 0) {
            log_error("cannot move past milestone %lld: %s", (long long) seq, why);
            s_forget_group(self);
            return -1;
        }
        return 0;
    }
    milestone_clear(&m);
    const size_t start = self->bodies.size;
    int queued = 0;
    const int rc =
        alertlog_append(self->log, &alert, seq, now_ms, &self->bodies, &queued, why, sizeof why);
    if (rc < 0) {
        log_error("cannot store the alert of milestone %lld (%s): %s", (long long) seq, alert.id,
                  why);
        s_forget_group(self);
    }
    else if (rc == 0)
        log_info("milestone %lld (%s) was already alerted", (long long) seq, alert.id);
    else {
        s_pending_t *p = &self->pending[self->npending++];
        p->sequence = alert.sequence;
        p->milestone_seq = seq;
        snprintf(p->type, sizeof p->type, "%s", alert.type);
        snprintf(p->id, sizeof p->id, "%s", alert.id);
        p->body_start = start;
        p->body_end = self->bodies.size;
        p->queued = queued;
    }
    alert_clear(&alert);
    return rc;
}

/* Logs a committed group once it is published (off the alerts' path): a
   lone alert as one line, a larger group as one line, its alerts at
   debug level. */
static void
s_log_group(const notifier_t *self, int milestones, int queued)
{
    for (int i = 0; i < self->npending; i++) {
        const s_pending_t *p = &self->pending[i];
        log_write(self->npending == 1 ? RLOG_INFO : RLOG_DEBUG,
                  "alert %lld: %s %s (milestone %lld, %d webhook deliveries)",
                  (long long) p->sequence, p->type, p->id, (long long) p->milestone_seq, p->queued);
    }
    if (self->npending > 1)
        log_info("stored alerts %lld..%lld: %d in one commit (%d milestones, %d webhook "
                 "deliveries)",
                 (long long) self->pending[0].sequence,
                 (long long) self->pending[self->npending - 1].sequence, self->npending, milestones,
                 queued);
}

bool
notifier_group_full(const notifier_t *self)
{
    return alertlog_pending(self->log) >= NOTIFIER_GROUP_MAX
           || self->bodies.size >= NOTIFIER_GROUP_MAX_BYTES;
}

int
notifier_commit(notifier_t *self, notifier_publish_fn *publish, void *ctx)
{
    if (alertlog_pending(self->log) == 0) {
        s_forget_group(self);
        return 0;
    }
    char why[256];
    const int milestones = alertlog_pending(self->log);
    if (alertlog_commit(self->log, why, sizeof why) != 0) {
        log_error("commit failed, %d alerts not stored: %s", self->npending, why);
        s_forget_group(self);
        return -1;
    }
    int queued = 0;
    for (int i = 0; i < self->npending; i++) {
        const s_pending_t *p = &self->pending[i];
        const notifier_alert_t out = {.sequence = p->sequence,
                                      .milestone_seq = p->milestone_seq,
                                      .type = p->type,
                                      .id = p->id,
                                      .body = self->bodies.data + p->body_start,
                                      .size = p->body_end - p->body_start,
                                      .queued = p->queued,
                                      .last = i + 1 == self->npending};
        publish(ctx, &out);
        queued += p->queued;
    }
    s_log_group(self, milestones, queued);
    s_forget_group(self);
    return queued;
}

/* ---- requests ----------------------------------------------------------- */

static int
s_storage_error(msgpack_sbuffer *reply, const char *what)
{
    log_error("storage failure: %s", what);
    return msg_reply_error(reply, "storage_failed",
                           "the notifier could not read or write its database: %s", what);
}

static int
s_handle_ping(notifier_t *self, msgpack_sbuffer *reply)
{
    msg_pong_t m = {.service = "notifier", .status = "ready", .version = RATIFY_VERSION};
    m.last_seq = alertlog_last_seq(self->log);
    msg_encode_pong(&m, reply);
    return 0;
}

static int
s_handle_since(notifier_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    alert_since_t req;
    wire_err_t err;
    if (alert_decode_since(in, &req, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    if (alertlog_since(self->log, req.from, req.limit, reply) != 0)
        return s_storage_error(reply, "replay failed");
    return 0;
}

/* A type prefix must select alert types: "" (all), a prefix of
   "org.ratify." or a string starting with it. */
static bool
s_prefix_ok(const char *p)
{
    const size_t n = strlen(p), base = strlen(ALERT_TYPE_PREFIX);
    return strncmp(p, ALERT_TYPE_PREFIX, n < base ? n : base) == 0;
}

/* Hides the password of a webhook URL (hookurl_redact) in place: the
   stored URL keeps it for the deliveries; logs and replies, which readers
   see, do not show it. */
static void
s_hide_password(char *url, size_t cap)
{
    char shown[ALERT_URL_MAX];
    hookurl_redact(url, shown, sizeof shown);
    snprintf(url, cap, "%s", shown);
}

static int
s_handle_add(notifier_t *self, const msg_in_t *in, int64_t now_ms, msgpack_sbuffer *reply)
{
    alert_hook_add_t req;
    wire_err_t err;
    char why[256];
    if (alert_decode_hook_add(in, &req, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    if (webhook_url_check(req.url, why, sizeof why) != 0)
        return msg_reply_error(reply, "bad_url", "%s", why);
    if (!s_prefix_ok(req.type_prefix))
        return msg_reply_error(reply, "bad_field",
                               "type prefix '%s' selects no alert: alert types start with \"%s\" "
                               "(e.g. %sthreshold.)",
                               req.type_prefix, ALERT_TYPE_PREFIX, ALERT_TYPE_PREFIX);
    if (req.secret[0] == '\0') {
        if (webhook_secret_generate(req.secret, sizeof req.secret) != 0)
            return msg_reply_error(reply, "internal", "cannot generate a secret");
    }
    else if (webhook_secret_check(req.secret, why, sizeof why) != 0)
        return msg_reply_error(reply, "bad_secret", "%s", why);
    alert_hook_t hook;
    if (hookstore_add(self->hooks, req.url, req.type_prefix, req.secret, now_ms, &hook) != 0)
        return s_storage_error(reply, "cannot add the webhook");
    s_hide_password(hook.url, sizeof hook.url);
    log_info("webhook %lld added: %s (types %s*)", (long long) hook.id, hook.url,
             hook.type_prefix[0] ? hook.type_prefix : ALERT_TYPE_PREFIX);
    alert_encode_hook(&hook, reply);
    return 0;
}

static int
s_handle_list(notifier_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    int64_t limit;
    wire_err_t err;
    if (alert_decode_hook_query(in, MSG_WEBHOOK_LIST, &limit, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    const size_t cap = limit > 0 && limit < ALERT_LIST_MAX ? (size_t) limit : ALERT_LIST_MAX;
    alert_hook_t *rows = calloc(cap, sizeof *rows);
    if (!rows)
        return msg_reply_error(reply, "internal", "out of memory");
    const int n = hookstore_list(self->hooks, rows, cap);
    for (int i = 0; i < n; i++)
        s_hide_password(rows[i].url, sizeof rows[i].url);
    if (n < 0)
        s_storage_error(reply, "cannot list the webhooks");
    else
        alert_encode_hooks(rows, (size_t) n, reply);
    free(rows);
    return 0;
}

static int
s_handle_remove(notifier_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    int64_t id;
    wire_err_t err;
    if (alert_decode_hook_id(in, MSG_WEBHOOK_REMOVE, &id, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    alert_hook_t hook;
    const int rc = hookstore_remove(self->hooks, id, &hook);
    if (rc < 0)
        return s_storage_error(reply, "cannot remove the webhook");
    if (rc == 0)
        return msg_reply_error(reply, "unknown_webhook", "there is no webhook %lld",
                               (long long) id);
    s_hide_password(hook.url, sizeof hook.url);
    log_info("webhook %lld removed: %s", (long long) hook.id, hook.url);
    alert_encode_hook(&hook, reply);
    return 0;
}

static int
s_handle_dead(notifier_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    int64_t limit;
    wire_err_t err;
    if (alert_decode_hook_query(in, MSG_WEBHOOK_DEAD, &limit, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    const size_t cap = limit > 0 && limit < ALERT_LIST_MAX ? (size_t) limit : ALERT_LIST_MAX;
    alert_delivery_t *rows = calloc(cap, sizeof *rows);
    if (!rows)
        return msg_reply_error(reply, "internal", "out of memory");
    const int n = hookstore_dead(self->hooks, rows, cap);
    for (int i = 0; i < n; i++)
        s_hide_password(rows[i].url, sizeof rows[i].url);
    if (n < 0)
        s_storage_error(reply, "cannot list the dead deliveries");
    else
        alert_encode_deliveries(rows, (size_t) n, reply);
    free(rows);
    return 0;
}

static int
s_handle_redeliver(notifier_t *self, const msg_in_t *in, int64_t now_ms, msgpack_sbuffer *reply)
{
    int64_t id;
    wire_err_t err;
    if (alert_decode_hook_id(in, MSG_WEBHOOK_REDELIVER, &id, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    alert_delivery_t d;
    char why[32] = "";
    const int rc = hookstore_redeliver(self->hooks, id, now_ms, &d, why, sizeof why);
    if (rc < 0)
        return s_storage_error(reply, "cannot redeliver");
    if (rc == 0) {
        if (strcmp(why, "unknown_delivery") == 0)
            return msg_reply_error(reply, why, "there is no delivery %lld", (long long) id);
        if (strcmp(why, "webhook_gone") == 0)
            return msg_reply_error(reply, why, "delivery %lld is for webhook %lld, which is gone",
                                   (long long) id, (long long) d.webhook);
        return msg_reply_error(reply, why, "delivery %lld is %s, not dead", (long long) id,
                               d.status);
    }
    log_info("delivery %lld of %s to webhook %lld: redelivering", (long long) d.id, d.alert,
             (long long) d.webhook);
    s_hide_password(d.url, sizeof d.url);
    alert_encode_delivery(&d, reply);
    return 1;
}

int
notifier_handle(notifier_t *self, const msg_in_t *in, int64_t now_ms, msgpack_sbuffer *reply)
{
    int rc;
    switch (msg_in_type(in)) {
    case MSG_PING:
        rc = s_handle_ping(self, reply);
        break;
    case MSG_ALERTS_SINCE:
        rc = s_handle_since(self, in, reply);
        break;
    case MSG_WEBHOOK_ADD:
        rc = s_handle_add(self, in, now_ms, reply);
        break;
    case MSG_WEBHOOK_LIST:
        rc = s_handle_list(self, in, reply);
        break;
    case MSG_WEBHOOK_REMOVE:
        rc = s_handle_remove(self, in, reply);
        break;
    case MSG_WEBHOOK_DEAD:
        rc = s_handle_dead(self, in, reply);
        break;
    case MSG_WEBHOOK_REDELIVER:
        rc = s_handle_redeliver(self, in, now_ms, reply);
        break;
    default:
        rc = msg_reply_error(reply, "unknown_type", "the notifier does not handle '%s' requests",
                             msg_in_type_name(in));
    }
    return rc == 1; /* -1, an error reply that ran out of memory, wakes nothing */
}
