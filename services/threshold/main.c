/*  ratify-threshold: follows the registry's events and announces each step
    an instrument takes towards entry into force.

    Sockets: RATIFY_THRESHOLD_API (ROUTER: status, parties,
    milestones.since, ping) and RATIFY_THRESHOLD_EVENTS (PUB: topic
    "milestone" for each new milestone, "heartbeat" every
    HEARTBEAT_IVL_MSEC with the last milestone sequence). It consumes
    RATIFY_REGISTRY_EVENTS / RATIFY_REGISTRY_API with a follower (follow.h)
    that resumes after the last registry event held in threshold.db, so the
    service may be stopped for a day and catch up on start.

    Events are processed in batches: whatever one follower call delivers
    (at most BATCH_EVENTS_MAX events) is one transaction, committed before
    its milestones are published. Today (RATIFY_TODAY or the clock) is
    checked every TICK_IVL_MSEC, before each request, and in a batch at its
    first event and at any event dated after the state's day; a new day
    recomputes every instrument, which is when entry_into_force.effective
    falls due. */
#include "catalog.h"
#include "config.h"
#include "follow.h"
#include "log.h"
#include "rpc.h"
#include "security.h"
#include "service.h"
#include "sock.h"
#include "stream.h"
#include "threshold.h"

#include <stdio.h>

#define HEARTBEAT_IVL_MSEC  1000
#define TICK_IVL_MSEC       1000 /* follow_tick and the today check */
#define REPLAY_TIMEOUT_MSEC 2000 /* per events.since request to the registry */
#define BATCH_EVENTS_MAX    1000 /* events per transaction while catching up */

typedef struct {
    threshold_t *core;
    stream_t *stream;
    follow_t *follow;
    zpoller_t *poller;
    follow_config_t follow_cfg;
    size_t batched;    /* events in the open batch */
    bool reset_follow; /* the state was reloaded: resume from its cursor */
    bool fatal;        /* the state file can no longer be read */
} s_app_t;

static void
s_usage(FILE *out)
{
    fprintf(out,
            "Usage: ratify-threshold [--help]\n"
            "\n"
            "Follows the registry's events, computes each instrument's threshold and entry\n"
            "into force, publishes milestones and answers status queries. Configured by\n"
            "environment variables:\n"
            "  RATIFY_THRESHOLD_API     request socket     (default %s)\n"
            "  RATIFY_THRESHOLD_EVENTS  milestone stream   (default %s)\n"
            "  RATIFY_REGISTRY_API      registry requests  (default %s)\n"
            "  RATIFY_REGISTRY_EVENTS   registry events    (default %s)\n"
            "  RATIFY_DATA_DIR          data directory     (default %s; state in threshold.db)\n"
            "  RATIFY_CATALOG           instruments file   (default: the shipped catalog)\n"
            "  RATIFY_TODAY             today's date, YYYY-MM-DD (default: the clock)\n",
            config_default(CONFIG_THRESHOLD_API), config_default(CONFIG_THRESHOLD_EVENTS),
            config_default(CONFIG_REGISTRY_API), config_default(CONFIG_REGISTRY_EVENTS),
            config_default(CONFIG_DATA_DIR));
}

static void
s_publish(void *ctx, int64_t seq, const void *data, size_t size, bool last)
{
    /* stream_publish only reads the buffer */
    const msgpack_sbuffer body = {.size = size, .data = (char *) data, .alloc = size};
    stream_publish(ctx, "milestone", seq, &body);
    if (last)
        stream_yield(ctx); /* the milestones leave before their log lines */
}

/* Commits the open batch and publishes it. On a reload s_settle takes the
   follower back to the state's cursor. */
static void
s_commit(s_app_t *app)
{
    const int rc = threshold_commit(app->core, s_publish, app->stream);
    app->batched = 0;
    if (rc == -1)
        app->reset_follow = true;
    else if (rc == -2)
        app->fatal = true;
}

static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    s_app_t *app = ctx;
    event_t ev;
    wire_err_t err;
    if (msg_read_event(item, &ev, &err) != 0) {
        if (!follow_replaying(app->follow)) {
            log_warn("registry event %lld on the stream is unreadable (%s)", (long long) seq,
                     err.message);
            return FOLLOW_UNREADABLE; /* the follower drops it; the registry's comes by replay */
        }
        log_error("registry event %lld is unreadable (%s): skipped", (long long) seq, err.message);
        return 0;
    }
    /* today is read at a batch's first event, and at an event dated after
       the state's day (the registry's clock has passed midnight since);
       the batch's other events take the state's day, which is the day read
       last, here or by s_check_today. config_today (a getenv and a parse)
       cost 3% of the service's instructions when read for every event
       while catching up. */
    const rdate_t held = threshold_today(app->core);
    const rdate_t today = app->batched == 0 || ev.date > held ? config_today() : held;
    if (threshold_apply(app->core, &ev, today) != 0)
        app->reset_follow = true; /* spoiled: s_commit reloads */
    else if (++app->batched >= BATCH_EVENTS_MAX)
        s_commit(app);
    return app->reset_follow || app->fatal ? -1 : 0;
}

/* Commits, and after a reload takes the follower back to the state's
   cursor. Returns 0, or -1 when the service must stop. */
static int
s_settle(s_app_t *app)
{
    s_commit(app);
    if (app->reset_follow && !app->fatal) {
        follow_rewind(app->follow, threshold_cursor(app->core));
        app->reset_follow = false;
        log_warn("resuming the registry's events after %lld",
                 (long long) threshold_cursor(app->core));
    }
    return app->fatal ? -1 : 0;
}

static void
s_check_today(s_app_t *app)
{
    const rdate_t today = config_today();
    if (today == threshold_today(app->core) || today == RDATE_NONE)
        return;
    char date[RDATE_ISO_SIZE];
    log_info("today is %s: recomputing every instrument", rdate_format(today, date));
    threshold_set_today(app->core, today); /* a failure spoils the batch: s_settle reloads */
}

static void
s_handle_request(zsock_t *api, s_app_t *app)
{
    rpc_req_t *req = rpc_recv(api);
    if (!req)
        return;
    const msg_in_t *in = rpc_req_msg(req);
    if (!in) {
        const wire_err_t *err = rpc_req_error(req);
        rpc_reply_error(api, req, err->code, "%s", err->message);
        rpc_req_destroy(&req);
        return;
    }
    s_check_today(app);
    if (s_settle(app) != 0) { /* the state is gone: the loop stops next */
        rpc_reply_error(api, req, "storage_failed",
                        "the threshold service could not reload its state and is stopping");
        rpc_req_destroy(&req);
        return;
    }
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    if (threshold_handle(app->core, in, &reply) == 0)
        rpc_reply(api, req, &reply);
    else
        rpc_reply_error(api, req, "internal", "out of memory");
    msgpack_sbuffer_destroy(&reply);
    rpc_req_destroy(&req);
}

int
main(int argc, char **argv)
{
    const int started = service_start("threshold", argc, argv, s_usage);
    if (started != SERVICE_GO)
        return started;

    int status = 1;
    char err[CATALOG_ERR_SIZE], path[1024];
    catalog_t *catalog = NULL;
    zsock_t *api = NULL;
    s_app_t app = {
        .follow_cfg = follow_config(FOLLOW_REGISTRY, "registry events", REPLAY_TIMEOUT_MSEC),
    };

    catalog = service_load_catalog();
    if (!catalog)
        goto done;
    if (service_data_path("threshold.db", path, sizeof path) != 0)
        goto done;
    app.core = threshold_new(catalog, path, config_today(), err, sizeof err);
    if (!app.core) {
        log_error("cannot open the state %s: %s", path, err);
        goto done;
    }
    api = sock_new_server(ZMQ_ROUTER, config_get(CONFIG_THRESHOLD_API), err, sizeof err);
    if (!api) {
        log_error("%s", err);
        goto done;
    }
    app.stream = stream_new("threshold", config_get(CONFIG_THRESHOLD_EVENTS), err, sizeof err);
    if (!app.stream) {
        log_error("%s", err);
        goto done;
    }
    s_commit(&app);                      /* milestones due at start (a new day) */
    app.follow_cfg.deliver_reads = true; /* s_deliver refuses an unreadable stream item */
    app.follow = follow_new(&app.follow_cfg, threshold_cursor(app.core), s_deliver, &app);
    app.poller = app.follow ? zpoller_new(api, NULL) : NULL;
    if (!app.poller || follow_attach(app.follow, app.poller) != 0 || app.fatal) {
        log_error("cannot start following the registry");
        goto done;
    }
    log_info("ready: api %s, milestones %s, state %s (registry seq %lld, last milestone %lld), "
             "catalog %s",
             config_get(CONFIG_THRESHOLD_API), config_get(CONFIG_THRESHOLD_EVENTS), path,
             (long long) threshold_cursor(app.core), (long long) threshold_last_seq(app.core),
             catalog_source(catalog));

    stream_heartbeat(app.stream, threshold_last_seq(app.core));
    int64_t next_beat = service_clock_ms() + HEARTBEAT_IVL_MSEC;
    int64_t next_tick = service_clock_ms();
    /* heap trim after a burst of events; the start-up is none */
    service_idle_t idle = {.mark = (uint64_t) threshold_cursor(app.core), .trimmed = true};
    while (!service_stopping()) {
        const int64_t next = next_beat < next_tick ? next_beat : next_tick;
        const int64_t wait = next - service_clock_ms();
        void *which = zpoller_wait(app.poller, wait > 0 ? (int) wait : 0);
        if (which == api)
            s_handle_request(api, &app);
        else if (follow_owns(app.follow, which))
            follow_handle(app.follow);
        else if (zpoller_terminated(app.poller) && !zpoller_expired(app.poller))
            break;
        if (service_clock_ms() >= next_tick) {
            s_check_today(&app);
            follow_tick(app.follow);
            next_tick = service_clock_ms() + TICK_IVL_MSEC;
        }
        if (s_settle(&app) != 0)
            goto done;
        if (service_clock_ms() >= next_beat) {
            stream_heartbeat(app.stream, threshold_last_seq(app.core));
            next_beat = service_clock_ms() + HEARTBEAT_IVL_MSEC;
            service_idle_beat(&idle, (uint64_t) threshold_cursor(app.core));
        }
    }
    log_info("stopping");
    status = s_settle(&app) == 0 ? 0 : 1;
done:
    zpoller_destroy(&app.poller);
    follow_destroy(&app.follow);
    stream_destroy(&app.stream);
    zsock_destroy(&api);
    threshold_destroy(&app.core);
    catalog_destroy(&catalog);
    security_shutdown(); /* after the last socket */
    return status;
}
