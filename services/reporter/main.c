/*  ratify-reporter: keeps a copy of the registry's events and serves the
    status reports built from them, over ZeroMQ and HTTP.

    Sockets: RATIFY_REPORTER_API (ROUTER: ping, report) and the HTTP server
    on RATIFY_REPORTER_HTTP (http.h). It consumes RATIFY_REGISTRY_EVENTS /
    RATIFY_REGISTRY_API with a follower (follow.h) that resumes after the
    last event held in reporter.db (view.h).

    Threads: this loop owns the follower, the ZeroMQ socket and every write
    to the view; libmicrohttpd's thread serves HTTP and only reads the view,
    through its mutex (view.h). Events are staged as the follower delivers
    them and committed in batches: after each poll, before each request,
    and every BATCH_EVENTS_MAX events while catching up; a report sees
    only committed events.

    Nothing is cached between two reports: each request builds its report
    model from the events (report.h; a few milliseconds for the seed), so a
    retraction or a report for a past date needs nothing special. The
    entry-into-force dates come from the rule engine inside report_new,
    the same engine and catalog rules the threshold service runs. */
#include "catalog.h"
#include "config.h"
#include "follow.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "report_msg.h"
#include "reportreq.h"
#include "rpc.h"
#include "security.h"
#include "service.h"
#include "sock.h"
#include "view.h"

#include <stdio.h>

#define TICK_IVL_MSEC        1000 /* follow_tick */
#define REPLAY_TIMEOUT_MSEC  2000 /* per events.since request to the registry */
#define BATCH_EVENTS_MAX     1000 /* events per transaction while catching up */
#define REPLY_OVERHEAD_BYTES 512  /* a report.reply's fields besides the body */

typedef struct {
    view_t *view;
    metrics_t *metrics;
    follow_t *follow;
    zpoller_t *poller;
    follow_config_t follow_cfg;
    bool replayed;       /* a replay round has completed since start */
    bool reset_follow;   /* the view dropped staged events: resume from its cursor */
    service_idle_t idle; /* heap trim after commits or reports */
} s_app_t;

static void
s_usage(FILE *out)
{
    fprintf(out,
            "Usage: ratify-reporter [--help]\n"
            "\n"
            "Follows the registry's events and serves the status reports (annex, UNTC\n"
            "status tables, progress) over ZeroMQ and HTTP. Configured by environment\n"
            "variables:\n"
            "  RATIFY_REPORTER_API     request socket     (default %s)\n"
            "  RATIFY_REPORTER_HTTP    HTTP host:port     (default %s)\n"
            "  RATIFY_REGISTRY_API     registry requests  (default %s)\n"
            "  RATIFY_REGISTRY_EVENTS  registry events    (default %s)\n"
            "  RATIFY_DATA_DIR         data directory     (default %s; events in reporter.db)\n"
            "  RATIFY_REPORTER_SPILL_KB  an HTTP report past this many KiB is rendered\n"
            "                          into an unnamed file in the data directory, not\n"
            "                          in memory (default %d, from 1 to %zu)\n"
            "  RATIFY_CATALOG          instruments file   (default: the shipped catalog)\n"
            "  RATIFY_TODAY            today's date, YYYY-MM-DD (default: the clock)\n",
            config_default(CONFIG_REPORTER_API), config_default(CONFIG_REPORTER_HTTP),
            config_default(CONFIG_REGISTRY_API), config_default(CONFIG_REGISTRY_EVENTS),
            config_default(CONFIG_DATA_DIR), HTTP_SPILL_KB_DEFAULT, (size_t) HTTP_SPILL_KB_MAX);
}

/* Commits what the follower delivered. */
static void
s_commit(s_app_t *app)
{
    char err[256];
    const size_t staged = view_pending(app->view);
    if (view_commit(app->view, err, sizeof err) != 0) {
        log_error("cannot store %zu registry events (%s): will ask for them again", staged, err);
        app->reset_follow = true;
    }
    else if (staged > 0) {
        metrics_events(app->metrics, staged);
        log_debug("stored registry events up to %lld", (long long) view_last_seq(app->view));
    }
}

static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    s_app_t *app = ctx;
    event_t ev;
    wire_err_t werr;
    char err[256];
    int rc;
    if (msg_read_event(item, &ev, &werr) != 0) {
        if (!follow_replaying(app->follow)) {
            log_warn("registry event %lld on the stream is unreadable (%s)", (long long) seq,
                     werr.message);
            return FOLLOW_UNREADABLE; /* the follower drops it; the registry's comes by replay */
        }
        log_error("registry event %lld is unreadable (%s): skipped", (long long) seq, werr.message);
        rc = view_skip(app->view, seq, err, sizeof err);
    }
    else {
        ev.seq = seq;
        rc = view_append(app->view, &ev, err, sizeof err);
    }
    if (rc != 0) {
        log_error("cannot stage registry event %lld: %s", (long long) seq, err);
        app->reset_follow = true;
        return -1;
    }
    if (view_pending(app->view) >= BATCH_EVENTS_MAX)
        s_commit(app);
    return app->reset_follow ? -1 : 0;
}

/* Commits; after a failed write takes the follower back to the view's
   cursor; publishes the state to the metrics. */
static void
s_settle(s_app_t *app)
{
    s_commit(app);
    if (app->reset_follow) {
        follow_rewind(app->follow, view_last_seq(app->view));
        app->reset_follow = false;
        log_warn("resuming the registry's events after %lld", (long long) view_last_seq(app->view));
    }
    const int64_t last = view_last_seq(app->view), known = follow_known_seq(app->follow);
    metrics_follow(app->metrics, view_count(app->view), last, known,
                   app->replayed && last >= known);
}

/* Notes the end of the first replay (the metrics' "synced" waits for it). */
static void
s_note_caught_up(s_app_t *app)
{
    if (app->replayed || follow_behind(app->follow))
        return;
    app->replayed = true;
    log_info("caught up with the registry at event %lld", (long long) follow_last_seq(app->follow));
}

static void
s_handle_tick(s_app_t *app)
{
    service_idle_beat(&app->idle, view_activity(app->view));
    follow_tick(app->follow);
    s_note_caught_up(app);
}

static void
s_handle_ping(zsock_t *api, const rpc_req_t *req, s_app_t *app)
{
    int64_t last = 0, known = 0;
    const bool synced = metrics_synced(app->metrics, &last, &known);
    msg_pong_t m = {.service = "reporter", .version = RATIFY_VERSION, .last_seq = last};
    snprintf(m.status, sizeof m.status, "%s", synced ? "ready" : "catching_up");
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    if (msg_encode_pong(&m, &reply) == 0)
        rpc_reply(api, req, &reply);
    else
        rpc_reply_error(api, req, "internal", "out of memory");
    msgpack_sbuffer_destroy(&reply);
    metrics_api(app->metrics, METRICS_API_PING, true);
}

/* Maps a reportreq code to the "error" reply's code. */
static const char *
s_error_code(int rc)
{
    return rc == REPORTREQ_EBAD        ? "bad_request"
           : rc == REPORTREQ_ENOTFOUND ? "unknown_instrument"
                                       : "internal";
}

static void
s_handle_report(zsock_t *api, const rpc_req_t *req, const msg_in_t *in, s_app_t *app)
{
    report_msg_request_t m;
    report_msg_reply_t out = {0};
    reportreq_t q;
    view_info_t info = {0};
    wire_err_t werr;
    char err[512];
    strbuf_t *body = NULL;
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    int rc = REPORTREQ_EBAD;
    if (report_msg_decode_request(in, &m, &werr) != 0) {
        rpc_reply_error(api, req, werr.code, "%s", werr.message);
        goto done;
    }
    rc = reportreq_parse(&q, m.kind, m.format, m.as_of, m.instrument, config_today(), err,
                         sizeof err);
    if (rc == REPORTREQ_OK && !(body = strbuf_new())) {
        rc = REPORTREQ_EINTERNAL;
        snprintf(err, sizeof err, "out of memory");
    }
    if (rc == REPORTREQ_OK) {
        rc = view_render(app->view, &q, body, &info, err, sizeof err);
        metrics_report(app->metrics, info.build_us, info.render_us);
    }
    if (rc == REPORTREQ_OK && strbuf_len(body) + REPLY_OVERHEAD_BYTES > SOCK_MAX_MSG_BYTES) {
        rc = REPORTREQ_EINTERNAL;
        rpc_reply_error(api, req, "too_large",
                        "the %s report is %zu bytes, more than one message carries (%d): fetch "
                        "it over HTTP from %s",
                        m.kind, strbuf_len(body), SOCK_MAX_MSG_BYTES,
                        config_get(CONFIG_REPORTER_HTTP));
        goto done;
    }
    if (rc != REPORTREQ_OK) {
        rpc_reply_error(api, req, s_error_code(rc), "%s", err);
        goto done;
    }
    snprintf(out.kind, sizeof out.kind, "%s", reportreq_kind_name(q.kind));
    snprintf(out.format, sizeof out.format, "%s", reportreq_format_name(q.format));
    rdate_format(q.as_of, out.as_of);
    out.last_seq = info.last_seq;
    snprintf(out.content_type, sizeof out.content_type, "%s", reportreq_content_type(q.format));
    out.body = (char *) strbuf_data(body); /* read by the encoder only */
    out.body_len = strbuf_len(body);
    if (report_msg_encode_reply(&out, &reply) == 0)
        rpc_reply(api, req, &reply);
    else {
        rc = REPORTREQ_EINTERNAL;
        rpc_reply_error(api, req, "internal", "out of memory");
    }
done:
    metrics_api(app->metrics, METRICS_API_REPORT, rc == REPORTREQ_OK);
    msgpack_sbuffer_destroy(&reply);
    strbuf_destroy(&body);
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
        metrics_api(app->metrics, METRICS_API_OTHER, false);
    }
    else if (msg_in_type(in) == MSG_PING)
        s_handle_ping(api, req, app);
    else if (msg_in_type(in) == MSG_REPORT)
        s_handle_report(api, req, in, app);
    else {
        rpc_reply_error(api, req, "unknown_type",
                        "the reporter answers 'ping' and 'report', not '%s'", msg_in_type_name(in));
        metrics_api(app->metrics, METRICS_API_OTHER, false);
    }
    rpc_req_destroy(&req);
}

int
main(int argc, char **argv)
{
    const int started = service_start("reporter", argc, argv, s_usage);
    if (started != SERVICE_GO)
        return started;

    int status = 1;
    char err[CATALOG_ERR_SIZE], path[1024];
    size_t spill_bytes = 0;
    catalog_t *catalog = NULL;
    zsock_t *api = NULL;
    http_t *http = NULL;
    s_app_t app = {
        .follow_cfg = follow_config(FOLLOW_REGISTRY, "registry events", REPLAY_TIMEOUT_MSEC),
    };

    if (http_spill_from_env(&spill_bytes, err, sizeof err) != 0) {
        log_error("%s", err);
        goto done;
    }
    catalog = service_load_catalog();
    if (!catalog)
        goto done;
    if (service_data_path("reporter.db", path, sizeof path) != 0)
        goto done;
    app.metrics = metrics_new();
    app.view = app.metrics ? view_open(path, catalog, err, sizeof err) : NULL;
    if (!app.view) {
        log_error("cannot open the event mirror %s: %s", path, app.metrics ? err : "out of memory");
        goto done;
    }
    api = sock_new_server(ZMQ_ROUTER, config_get(CONFIG_REPORTER_API), err, sizeof err);
    if (!api) {
        log_error("%s", err);
        goto done;
    }
    app.follow_cfg.deliver_reads = true; /* s_deliver refuses an unreadable stream item */
    app.follow = follow_new(&app.follow_cfg, view_last_seq(app.view), s_deliver, &app);
    app.poller = app.follow ? zpoller_new(api, NULL) : NULL;
    if (!app.poller || follow_attach(app.follow, app.poller) != 0) {
        log_error("cannot start following the registry");
        goto done;
    }
    s_settle(&app);
    /* the data directory exists: service_data_path made it for reporter.db */
    http = http_new(config_get(CONFIG_REPORTER_HTTP), app.view, app.metrics,
                    config_get(CONFIG_DATA_DIR), spill_bytes, err, sizeof err);
    if (!http) {
        log_error("%s", err);
        goto done;
    }
    log_info("ready: api %s, http %s, mirror %s (%zu events, registry seq %lld), catalog %s",
             config_get(CONFIG_REPORTER_API), http_bound(http), path, view_count(app.view),
             (long long) view_last_seq(app.view), catalog_source(catalog));

    int64_t next_tick = service_clock_ms();
    while (!service_stopping()) {
        const int64_t wait = next_tick - service_clock_ms();
        void *which = zpoller_wait(app.poller, wait > 0 ? (int) wait : 0);
        if (which == api) {
            s_settle(&app); /* a report sees every event delivered so far */
            s_handle_request(api, &app);
        }
        else if (follow_owns(app.follow, which)) {
            follow_handle(app.follow);
            s_note_caught_up(&app);
        }
        else if (zpoller_terminated(app.poller) && !zpoller_expired(app.poller))
            break;
        if (service_clock_ms() >= next_tick) {
            s_handle_tick(&app);
            next_tick = service_clock_ms() + TICK_IVL_MSEC;
        }
        s_settle(&app);
    }
    log_info("stopping");
    status = 0;
done:
    http_destroy(&http); /* first: its thread reads the view */
    zpoller_destroy(&app.poller);
    follow_destroy(&app.follow);
    zsock_destroy(&api);
    if (app.view && status == 0)
        s_commit(&app);
    view_destroy(&app.view);
    metrics_destroy(&app.metrics);
    catalog_destroy(&catalog);
    security_shutdown(); /* after the last socket */
    return status;
}
