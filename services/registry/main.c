/*  ratify-registry: records every signature and deposit durably.

    Sockets: RATIFY_REGISTRY_API (ROUTER: deposit, retract, events.since,
    ping) and RATIFY_REGISTRY_EVENTS (PUB: topic "event" for each stored
    event, "heartbeat" every HEARTBEAT_IVL_MSEC with the last sequence). A
    reply "accepted" leaves only after the event is committed; the event is
    published after the commit too, and a subscriber that misses one sees
    the gap in the sequence (or in a heartbeat) and replays with
    events.since. */
#include "catalog.h"
#include "config.h"
#include "log.h"
#include "registry.h"
#include "rpc.h"
#include "security.h"
#include "service.h"
#include "sock.h"
#include "store.h"
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEARTBEAT_IVL_MSEC 1000
#define BATCH_MAX          256  /* requests sharing one commit */
#define REPLY_ROOM         512  /* bytes a reply buffer starts with */
#define REPLY_KEEP         4096 /* a reply buffer larger is freed after use */

static void
s_usage(FILE *out)
{
    fprintf(out,
            "Usage: ratify-registry [--help]\n"
            "\n"
            "Records every signature and deposit in an append-only SQLite log and\n"
            "publishes each stored event. Configured by environment variables:\n"
            "  RATIFY_REGISTRY_API     request socket   (default %s)\n"
            "  RATIFY_REGISTRY_EVENTS  event stream     (default %s)\n"
            "  RATIFY_DATA_DIR         data directory   (default %s; the log is registry.db)\n"
            "  RATIFY_CATALOG          instruments file (default: the shipped catalog)\n"
            "  RATIFY_TODAY            today's date, YYYY-MM-DD (default: the clock)\n",
            config_default(CONFIG_REGISTRY_API), config_default(CONFIG_REGISTRY_EVENTS),
            config_default(CONFIG_DATA_DIR));
}

/*  Group commit: every request already queued on the socket (up to
    BATCH_MAX) is handled inside one transaction, so many deposits share one
    fsync; the replies leave only after the commit. If the commit fails,
    nothing of the batch was stored, and every write request in it is told
    so (storage_failed) instead of "accepted". Reads (ping, events.since)
    are answered after the commit, so they never show an event that a
    failed commit then took back. */
typedef struct {
    rpc_req_t *req[BATCH_MAX];
    msgpack_sbuffer reply[BATCH_MAX];
    bool write[BATCH_MAX]; /* a deposit or retract: its reply depends on the commit */
    bool read[BATCH_MAX];  /* answered after the commit */
    event_t stored[BATCH_MAX];
    int nstored;
} s_batch_t;

/* Answers a deposit or retract from a key that may not write. */
static void
s_refuse_unauthorized(const rpc_req_t *req, msg_type_t type, msgpack_sbuffer *reply)
{
    const char *key = rpc_req_user_id(req);
    const char *what = type == MSG_DEPOSIT ? "deposit" : "retract";
    log_warn("refused a %s from key %s: not in the writers directory", what, key ? key : "-");
    msg_error_t m = {.code = "unauthorized"};
    snprintf(m.message, sizeof m.message,
             "this client's key may read but not write: a %s needs a key in the registry's "
             "writers directory",
             what);
    msg_encode_error(&m, reply);
}

/* Makes buf an empty reply buffer. The batch keeps its reply buffers from
   one batch to the next, each with room for a usual reply (an "accepted"
   is about 150 bytes): a fresh msgpack_sbuffer takes 8 KiB at its first
   write (MSGPACK_SBUFFER_INIT_SIZE), and a batch's hundreds of requests
   allocated and freed together miss glibc's per-thread cache anyway. One
   that grew past REPLY_KEEP (a replay of events) is freed after use. */
static void
s_reply_ready(msgpack_sbuffer *buf)
{
    if (!buf->data) {
        buf->data = malloc(REPLY_ROOM);
        buf->alloc = buf->data ? REPLY_ROOM : 0; /* else it grows as usual */
    }
    buf->size = 0;
}

static void
s_reply_done(msgpack_sbuffer *buf)
{
    if (buf->alloc > REPLY_KEEP) {
        msgpack_sbuffer_destroy(buf);
        msgpack_sbuffer_init(buf);
    }
}

static void
s_handle_batch(zsock_t *api, stream_t *events, registry_t *registry, store_t *store, s_batch_t *b)
{
    char err[256];
    const int64_t started_ms = service_clock_ms();
    const bool grouped = store_begin(store, err, sizeof err) == 0;
    if (!grouped)
        log_warn("cannot open a write transaction (%s): committing one by one", err);
    const rdate_t today = config_today();
    int n = 0;
    b->nstored = 0;
    do {
        /* the first is there (the poller said so); the others are taken
           while any wait, without a poll(2) each */
        rpc_req_t *req = n == 0 ? rpc_recv(api) : rpc_try_recv(api);
        if (!req)
            break;
        s_reply_ready(&b->reply[n]);
        b->req[n] = req;
        const msg_in_t *in = rpc_req_msg(req);
        const msg_type_t type = in ? msg_in_type(in) : MSG_UNKNOWN;
        const bool wants_write = type == MSG_DEPOSIT || type == MSG_RETRACT;
        /* with CURVE, only a key in the writers directory may write (security.h) */
        const bool denied = wants_write && !security_may_write(rpc_req_user_id(req));
        b->write[n] = wants_write && !denied;
        b->read[n] = in && !wants_write;
        if (!in) {
            const wire_err_t *e = rpc_req_error(req);
            msg_error_t m;
            snprintf(m.code, sizeof m.code, "%s", e->code);
            snprintf(m.message, sizeof m.message, "%s", e->message);
            msg_encode_error(&m, &b->reply[n]);
        }
        else if (denied)
            s_refuse_unauthorized(req, type, &b->reply[n]);
        else if (b->write[n]
                 && registry_handle(registry, in, today, &b->reply[n], &b->stored[b->nstored]) == 1)
            b->nstored++;
        n++;
    } while (n < BATCH_MAX);
    const int64_t handled_ms = service_clock_ms();
    bool committed = true;
    if (grouped && store_commit(store, err, sizeof err) != 0) {
        log_error("commit failed, %d events not stored: %s", b->nstored, err);
        store_rollback(store);
        committed = false;
        for (int i = 0; i < n; i++)
            if (b->write[i]) {
                msg_error_t m = {.code = "storage_failed"};
                snprintf(m.message, sizeof m.message,
                         "the registry could not store the event, nothing was recorded: %s", err);
                msgpack_sbuffer_clear(&b->reply[i]);
                msg_encode_error(&m, &b->reply[i]);
            }
    }
    const long long handle_ms = handled_ms - started_ms;
    const long long commit_ms = service_clock_ms() - handled_ms;
    msgpack_sbuffer body; /* one buffer for the batch's events */
    msgpack_sbuffer_init(&body);
    for (int i = 0; committed && i < b->nstored; i++) {
        const event_t *ev = &b->stored[i];
        char date[RDATE_ISO_SIZE];
        log_debug("stored event %lld: %s %s %s %s", (long long) ev->seq, ev->instrument,
                  ev->participant, action_name(ev->action), rdate_format(ev->date, date));
        msgpack_sbuffer_clear(&body);
        if (msg_encode_event(ev, &body) == 0)
            stream_publish(events, "event", ev->seq, &body);
    }
    msgpack_sbuffer_destroy(&body);
    for (int i = 0; i < n; i++) {
        event_t unused;
        if (b->read[i])
            registry_handle(registry, rpc_req_msg(b->req[i]), today, &b->reply[i], &unused);
        rpc_reply(api, b->req[i], &b->reply[i]);
        s_reply_done(&b->reply[i]);
        rpc_req_destroy(&b->req[i]);
    }
    /* the events and the replies leave before the log line (a client
       waits for its reply: no yield between the two) */
    if (n > 0)
        stream_yield(events);
    /* one info line per commit, not per event (at thousands of deposits a
       second a line per event cost a tenth of the registry's time), and
       after the replies: it is not on a deposit's path */
    if (committed && b->nstored > 0)
        log_info("stored events %lld..%lld: %d in one commit, of %d requests (handled in %lld ms, "
                 "committed in %lld ms)",
                 (long long) b->stored[0].seq, (long long) b->stored[b->nstored - 1].seq,
                 b->nstored, n, handle_ms, commit_ms);
    else
        log_debug("batch of %d requests, %d stored: handled in %lld ms, committed in %lld ms", n,
                  b->nstored, handle_ms, commit_ms);
}

int
main(int argc, char **argv)
{
    const int started = service_start("registry", argc, argv, s_usage);
    if (started != SERVICE_GO)
        return started;

    int status = 1;
    char err[CATALOG_ERR_SIZE], path[1024];
    catalog_t *catalog = NULL;
    store_t *store = NULL;
    registry_t *registry = NULL;
    zsock_t *api = NULL;
    stream_t *events = NULL;
    zpoller_t *poller = NULL;
    s_batch_t *batch = calloc(1, sizeof *batch);

    catalog = service_load_catalog();
    if (!catalog)
        goto done;
    if (service_data_path("registry.db", path, sizeof path) != 0)
        goto done;
    if (access(config_get(CONFIG_DATA_DIR), W_OK) != 0) {
        log_error("data directory %s is not writable (%s): the registry refuses to start rather "
                  "than acknowledge what it cannot store",
                  config_get(CONFIG_DATA_DIR), strerror(errno));
        goto done;
    }
    store = store_open(path, err, sizeof err);
    if (!store) {
        log_error("cannot open the log: %s", err);
        goto done;
    }
    registry = registry_new(catalog, store);
    api = sock_new_server(ZMQ_ROUTER, config_get(CONFIG_REGISTRY_API), err, sizeof err);
    if (!api) {
        log_error("%s", err);
        goto done;
    }
    events = stream_new("registry", config_get(CONFIG_REGISTRY_EVENTS), err, sizeof err);
    if (!events) {
        log_error("%s", err);
        goto done;
    }
    poller = zpoller_new(api, NULL);
    if (!registry || !poller || !batch) {
        log_error("out of memory");
        goto done;
    }
    log_info("ready: api %s, events %s, log %s (last seq %lld), catalog %s",
             config_get(CONFIG_REGISTRY_API), config_get(CONFIG_REGISTRY_EVENTS), path,
             (long long) store_last_seq(store), catalog_source(catalog));

    stream_heartbeat(events, store_last_seq(store));
    int64_t next_beat = service_clock_ms() + HEARTBEAT_IVL_MSEC;
    /* heap trim after a burst of deposits; the start-up is none */
    service_idle_t idle = {.mark = (uint64_t) store_last_seq(store), .trimmed = true};
    while (!service_stopping()) {
        int64_t wait = next_beat - service_clock_ms();
        void *which = zpoller_wait(poller, wait > 0 ? (int) wait : 0);
        if (which == api)
            s_handle_batch(api, events, registry, store, batch);
        else if (zpoller_terminated(poller) && !zpoller_expired(poller))
            break;
        if (service_clock_ms() >= next_beat) {
            stream_heartbeat(events, store_last_seq(store));
            next_beat = service_clock_ms() + HEARTBEAT_IVL_MSEC;
            service_idle_beat(&idle, (uint64_t) store_last_seq(store));
        }
    }
    log_info("stopping");
    status = 0;
done:
    for (int i = 0; batch && i < BATCH_MAX; i++)
        msgpack_sbuffer_destroy(&batch->reply[i]);
    free(batch);
    zpoller_destroy(&poller);
    stream_destroy(&events);
    zsock_destroy(&api);
    registry_destroy(&registry);
    store_destroy(&store);
    catalog_destroy(&catalog);
    security_shutdown(); /* after the last socket */
    return status;
}
