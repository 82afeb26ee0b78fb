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
#include "service.h"
#include "sock.h"
#include "store.h"
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define HEARTBEAT_IVL_MSEC 1000

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

static void
s_handle_request(zsock_t *api, stream_t *events, registry_t *registry)
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
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    event_t stored;
    const rdate_t today = config_today();
    if (registry_handle(registry, in, today, &reply, &stored) == 1) {
        char date[RDATE_ISO_SIZE];
        log_info("stored event %lld: %s %s %s %s", (long long) stored.seq, stored.instrument,
                 stored.participant, action_name(stored.action), rdate_format(stored.date, date));
        msgpack_sbuffer ev;
        msgpack_sbuffer_init(&ev);
        if (msg_encode_event(&stored, &ev) == 0)
            stream_publish(events, "event", stored.seq, &ev);
        msgpack_sbuffer_destroy(&ev);
    }
    rpc_reply(api, req, &reply);
    msgpack_sbuffer_destroy(&reply);
    rpc_req_destroy(&req);
}

int
main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            s_usage(stdout);
            return 0;
        }
        fprintf(stderr, "ratify-registry: unknown argument '%s'\n", argv[i]);
        s_usage(stderr);
        return 2;
    }
    if (service_init("registry") != 0)
        return 1;

    int status = 1;
    char err[CATALOG_ERR_SIZE], path[1024];
    catalog_t *catalog = NULL;
    store_t *store = NULL;
    registry_t *registry = NULL;
    zsock_t *api = NULL;
    stream_t *events = NULL;
    zpoller_t *poller = NULL;

    catalog = catalog_load_default(err, sizeof err);
    if (!catalog) {
        log_error("cannot load the catalog: %s", err);
        goto done;
    }
    if (config_data_path("registry.db", path, sizeof path) != 0) {
        log_error("cannot use data directory %s: %s", config_get(CONFIG_DATA_DIR),
                  strerror(errno));
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
    if (!registry || !poller) {
        log_error("out of memory");
        goto done;
    }
    log_info("ready: api %s, events %s, log %s (last seq %lld), catalog %s",
             config_get(CONFIG_REGISTRY_API), config_get(CONFIG_REGISTRY_EVENTS), path,
             (long long) store_last_seq(store), catalog_source(catalog));

    stream_heartbeat(events, store_last_seq(store));
    int64_t next_beat = service_clock_ms() + HEARTBEAT_IVL_MSEC;
    while (!service_stopping()) {
        int64_t wait = next_beat - service_clock_ms();
        void *which = zpoller_wait(poller, wait > 0 ? (int) wait : 0);
        if (which == api)
            s_handle_request(api, events, registry);
        else if (zpoller_terminated(poller) && !zpoller_expired(poller))
            break;
        if (service_clock_ms() >= next_beat) {
            stream_heartbeat(events, store_last_seq(store));
            next_beat = service_clock_ms() + HEARTBEAT_IVL_MSEC;
        }
    }
    log_info("stopping");
    status = 0;
done:
    zpoller_destroy(&poller);
    stream_destroy(&events);
    zsock_destroy(&api);
    registry_destroy(&registry);
    store_destroy(&store);
    catalog_destroy(&catalog);
    return status;
}
