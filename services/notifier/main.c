/*  ratify-notifier: turns threshold milestones into alerts, stores each
    before publishing it, and delivers it to webhooks.

    Sockets: RATIFY_NOTIFIER_API (ROUTER: ping, alerts.since, webhook.*),
    RATIFY_NOTIFIER_ALERTS (PUB: topic = the alert's type for each alert,
    "heartbeat" every HEARTBEAT_IVL_MSEC with the last sequence), and a
    follower (follow.h) of RATIFY_THRESHOLD_EVENTS that resumes from the
    stored cursor, replaying through RATIFY_THRESHOLD_API. An alert is
    committed (with the cursor and its webhook deliveries) before it is
    published; a subscriber that misses it sees the gap in the sequence or a
    heartbeat and replays with alerts.since. Webhooks are posted by the
    delivery thread (deliverer.h), which the loop only wakes; OpenSSL is
    loaded only when an https webhook needs it (tlslib.h).

    Group commit: the milestones of one follower call (everything already
    received on the socket, or one replay) are stored in one transaction,
    committed as soon as the call returns, then published; a lone milestone
    is thus committed and published at once, with no timer. A failed commit
    stores nothing of the group: the follower is taken back to the stored
    cursor, which replays it.

    A replay from the threshold service is a request the loop does not wait
    for (follow.h): its reply is handled when it comes, and one unanswered
    within REPLAY_TIMEOUT_MSEC is asked again FOLLOW_RETRY_MSEC later, so
    the API answers while that service is down. */
#include "alertlog.h"
#include "config.h"
#include "db.h"
#include "deliverer.h"
#include "follow.h"
#include "hookstore.h"
#include "log.h"
#include "notifier.h"
#include "notifydb.h"
#include "rpc.h"
#include "security.h"
#include "service.h"
#include "sock.h"
#include "stream.h"

#include <sodium.h>
#include <stdio.h>

#define HEARTBEAT_IVL_MSEC  1000
#define FOLLOW_TICK_MSEC    1000 /* replay check while caught up */
#define FOLLOW_RETRY_MSEC   2000 /* and after the threshold service did not answer */
#define REPLAY_TIMEOUT_MSEC 1000

typedef struct {
    zsock_t *api;
    stream_t *alerts;
    alertlog_t *log;
    notifier_t *notifier;
    follow_t *follow;
    follow_config_t follow_cfg;
    zpoller_t *poller;
    deliverer_t *deliverer;
    int64_t next_beat, next_tick; /* monotonic ms */
    service_idle_t idle;          /* heap trim after a burst of milestones */
    bool reset_follow;            /* a group was lost: resume from the stored cursor */
    int queued;                   /* webhook deliveries of the group being published */
} s_ctx_t;

static void
s_usage(FILE *out)
{
    fprintf(out,
            "Usage: ratify-notifier [--help]\n"
            "\n"
            "Turns the threshold service's milestones into CloudEvents alerts, stores each\n"
            "(SQLite) before publishing it, and POSTs it to subscribed webhooks over\n"
            "HTTP/1.1 (OpenSSL's libssl.so.3 is loaded when the first https delivery\n"
            "is due), through the HTTP proxy that https_proxy/HTTPS_PROXY (https) or\n"
            "http_proxy (http; HTTP_PROXY is ignored), else all_proxy/ALL_PROXY, names;\n"
            "no_proxy/NO_PROXY exempts names, addresses and CIDR blocks.\n"
            "Configured by environment variables:\n"
            "  RATIFY_NOTIFIER_API       request socket      (default %s)\n"
            "  RATIFY_NOTIFIER_ALERTS    alert stream        (default %s)\n"
            "  RATIFY_THRESHOLD_API      milestone replays   (default %s)\n"
            "  RATIFY_THRESHOLD_EVENTS   milestone stream    (default %s)\n"
            "  RATIFY_DATA_DIR           data directory      (default %s; notifier.db)\n"
            "  RATIFY_WEBHOOK_TIMEOUT_MS    per attempt             (default 5000)\n"
            "  RATIFY_WEBHOOK_ATTEMPTS      before the dead letters (default 8)\n"
            "  RATIFY_WEBHOOK_BACKOFF_MS    first retry delay       (default 10000)\n"
            "  RATIFY_WEBHOOK_BACKOFF_MAX_MS  longest retry delay   (default 3600000)\n"
            "  SSL_CERT_DIR   CAs trusted for https webhooks, looked up as needed\n"
            "                 (default OpenSSL's, /etc/ssl/certs)\n"
            "  SSL_CERT_FILE  a PEM file of more trusted CAs, read at the first https\n"
            "                 delivery (default none)\n",
            config_default(CONFIG_NOTIFIER_API), config_default(CONFIG_NOTIFIER_ALERTS),
            config_default(CONFIG_THRESHOLD_API), config_default(CONFIG_THRESHOLD_EVENTS),
            config_default(CONFIG_DATA_DIR));
}

/* notifier_commit's publisher: one committed alert on the stream. After
   the group's last, wakes the webhooks if the group queued deliveries,
   then lets the alerts leave before the group's log lines. */
static void
s_publish(void *arg, const notifier_alert_t *alert)
{
    s_ctx_t *ctx = arg;
    /* stream_publish only reads the buffer */
    const msgpack_sbuffer body = {
        .size = alert->size, .data = (char *) alert->body, .alloc = alert->size};
    stream_publish(ctx->alerts, alert->type, alert->sequence, &body);
    ctx->queued += alert->queued;
    if (!alert->last)
        return;
    if (ctx->queued > 0)
        deliverer_wake(ctx->deliverer);
    ctx->queued = 0;
    stream_yield(ctx->alerts);
}

/* Commits the open group and publishes its alerts (s_publish wakes the
   webhooks). Returns 0, or -1 when the group was lost (the follower is
   then taken back by s_settle). */
static int
s_commit(s_ctx_t *ctx)
{
    const int queued = notifier_commit(ctx->notifier, s_publish, ctx);
    if (queued < 0)
        ctx->reset_follow = true;
    return queued < 0 ? -1 : 0;
}

/* follow.h delivery: into the open group, committed by s_settle when the
   follower call returns (or here, when the group is full). */
static int
s_on_milestone(void *arg, int64_t seq, const msgpack_object *item)
{
    s_ctx_t *ctx = arg;
    if (ctx->reset_follow)
        return -1; /* the group was lost: nothing more before s_settle */
    const int rc = notifier_ingest(ctx->notifier, seq, item, service_wall_ms(),
                                   !follow_replaying(ctx->follow));
    if (rc == NOTIFIER_UNREADABLE)
        return FOLLOW_UNREADABLE; /* a garbled stream item: the follower drops it */
    if (rc < 0) {
        ctx->reset_follow = true;
        return -1;
    }
    if (notifier_group_full(ctx->notifier) && s_commit(ctx) != 0)
        return -1;
    return 0;
}

/* After each follower call: commits and publishes what it delivered, and
   when a group was lost, takes the follower back to the stored cursor so
   the lost milestones are offered again. */
static void
s_settle(s_ctx_t *ctx)
{
    s_commit(ctx);
    if (!ctx->reset_follow)
        return;
    follow_rewind(ctx->follow, alertlog_cursor(ctx->log));
    ctx->reset_follow = false;
    ctx->next_tick = service_clock_ms() + FOLLOW_RETRY_MSEC;
    log_warn("resuming the threshold milestones after %lld in %d ms",
             (long long) alertlog_cursor(ctx->log), FOLLOW_RETRY_MSEC);
}

static void
s_handle_request(s_ctx_t *ctx)
{
    rpc_req_t *req = rpc_recv(ctx->api);
    if (!req)
        return;
    const msg_in_t *in = rpc_req_msg(req);
    if (!in) {
        const wire_err_t *err = rpc_req_error(req);
        rpc_reply_error(ctx->api, req, err->code, "%s", err->message);
        rpc_req_destroy(&req);
        return;
    }
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    if (notifier_handle(ctx->notifier, in, service_wall_ms(), &reply) == 1)
        deliverer_wake(ctx->deliverer);
    rpc_reply(ctx->api, req, &reply);
    msgpack_sbuffer_destroy(&reply);
    rpc_req_destroy(&req);
}

static void
s_handle_milestones(s_ctx_t *ctx)
{
    if (follow_handle(ctx->follow) != 0)
        ctx->next_tick = service_clock_ms() + FOLLOW_RETRY_MSEC;
    s_settle(ctx);
}

static void
s_handle_timers(s_ctx_t *ctx)
{
    const int64_t now = service_clock_ms();
    if (now >= ctx->next_tick) {
        const int rc = follow_tick(ctx->follow);
        ctx->next_tick = service_clock_ms() + (rc == 0 ? FOLLOW_TICK_MSEC : FOLLOW_RETRY_MSEC);
        s_settle(ctx);
    }
    if (now >= ctx->next_beat) {
        stream_heartbeat(ctx->alerts, alertlog_last_seq(ctx->log));
        ctx->next_beat = now + HEARTBEAT_IVL_MSEC;
        service_idle_beat(&ctx->idle, (uint64_t) alertlog_cursor(ctx->log));
    }
}

/* The database holds the webhooks' secrets, with which anyone can sign a
   forged alert: one that the group or others may read (a database from
   before db_open created them 0600, or copied in) is narrowed to its
   owner. Returns 0, or -1 when it cannot be (logged: the notifier does
   not start rather than keep secrets open to others). */
static int
s_make_private(const char *path)
{
    char err[512];
    const int changed = db_make_private(path, err, sizeof err);
    if (changed < 0) {
        log_error("%s: it holds the webhooks' secrets", err);
        return -1;
    }
    if (changed > 0)
        log_warn("%s holds the webhooks' secrets and could be read by others than its owner: "
                 "made it and its -wal and -shm files readable by their owner only",
                 path);
    return 0;
}

/* Opens everything the loop needs. Returns 0, or -1 (logged). */
static int
s_open(s_ctx_t *ctx, sqlite3 **db, hookstore_t **hooks, const char *path)
{
    char err[512];
    webhook_policy_t policy;
    if (webhook_policy_from_env(&policy, err, sizeof err) != 0
        || !(*db = notifydb_open(path, err, sizeof err))
        || !(ctx->log = alertlog_new(*db, err, sizeof err))
        || !(*hooks = hookstore_new(*db, err, sizeof err))
        || !(ctx->api =
                 sock_new_server(ZMQ_ROUTER, config_get(CONFIG_NOTIFIER_API), err, sizeof err))
        || !(ctx->alerts =
                 stream_new("notifier", config_get(CONFIG_NOTIFIER_ALERTS), err, sizeof err))
        || !(ctx->deliverer = deliverer_new(path, &policy, err, sizeof err))) {
        log_error("%s", err);
        return -1;
    }
    ctx->notifier = notifier_new(ctx->log, *hooks);
    ctx->follow_cfg = follow_config(FOLLOW_THRESHOLD, "threshold milestones", REPLAY_TIMEOUT_MSEC);
    ctx->follow_cfg.deliver_reads = true; /* s_on_milestone refuses an unreadable stream item */
    ctx->follow = follow_new(&ctx->follow_cfg, alertlog_cursor(ctx->log), s_on_milestone, ctx);
    if (!ctx->notifier || !ctx->follow) {
        log_error("out of memory");
        return -1;
    }
    log_info("ready: api %s, alerts %s, database %s (last alert %lld, milestone cursor %lld); "
             "webhooks: timeout %lld ms, %lld attempts, back-off %lld..%lld ms",
             config_get(CONFIG_NOTIFIER_API), config_get(CONFIG_NOTIFIER_ALERTS), path,
             (long long) alertlog_last_seq(ctx->log), (long long) alertlog_cursor(ctx->log),
             (long long) policy.timeout_ms, (long long) policy.attempts,
             (long long) policy.backoff_ms, (long long) policy.backoff_max_ms);
    return 0;
}

int
main(int argc, char **argv)
{
    const int started = service_start("notifier", argc, argv, s_usage);
    if (started != SERVICE_GO)
        return started;
    if (sodium_init() < 0) {
        log_error("cannot initialise libsodium");
        security_shutdown();
        return 1;
    }
    int status = 1;
    char path[1024];
    s_ctx_t ctx = {0};
    sqlite3 *db = NULL;
    hookstore_t *hooks = NULL;
    if (service_data_path("notifier.db", path, sizeof path) != 0)
        goto done;
    if (s_make_private(path) != 0)
        goto done;
    if (s_open(&ctx, &db, &hooks, path) != 0)
        goto done;
    ctx.poller = zpoller_new(ctx.api, deliverer_socket(ctx.deliverer), NULL);
    if (!ctx.poller || follow_attach(ctx.follow, ctx.poller) != 0)
        goto done;

    while (!service_stopping()) {
        const int64_t next = ctx.next_beat < ctx.next_tick ? ctx.next_beat : ctx.next_tick;
        const int64_t wait = next - service_clock_ms();
        void *which = zpoller_wait(ctx.poller, wait > 0 ? (int) wait : 0);
        if (which == ctx.api)
            s_handle_request(&ctx);
        else if (follow_owns(ctx.follow, which))
            s_handle_milestones(&ctx);
        else if (which == deliverer_socket(ctx.deliverer))
            deliverer_handle(ctx.deliverer);
        else if (zpoller_terminated(ctx.poller) && !zpoller_expired(ctx.poller))
            break;
        s_handle_timers(&ctx);
    }
    log_info("stopping");
    status = 0;
done:
    zpoller_destroy(&ctx.poller);
    deliverer_destroy(&ctx.deliverer);
    follow_destroy(&ctx.follow);
    notifier_destroy(&ctx.notifier);
    stream_destroy(&ctx.alerts);
    zsock_destroy(&ctx.api);
    hookstore_destroy(&hooks);
    alertlog_destroy(&ctx.log);
    db_close(&db);
    security_shutdown(); /* after the last socket */
    return status;
}
