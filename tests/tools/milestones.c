/*  ratify-milestones: reads the threshold service's milestones three ways,
    for the integration tests.

    Usage: ratify-milestones replay [--from SEQ] [--timeout MS]
           ratify-milestones listen --for MS [--ready FILE]
           ratify-milestones follow --for MS [--from SEQ]

      replay  asks RATIFY_THRESHOLD_API with milestones.since until the
              batch says nothing more follows;
      listen  subscribes to RATIFY_THRESHOLD_EVENTS (topic "milestone") and
              prints what is published during MS milliseconds, nothing else:
              this is the test that milestones are published at all. With
              --ready FILE, FILE is created on the first heartbeat received:
              from then on the subscription is in place (a PUB socket drops
              what it publishes before a subscriber is connected);
      follow  consumes the stream with follow.h as the notifier does
              (subscribe, replay, deduplicate by seq) during MS ms.

    Every milestone goes through milestone_read (the typed decoder) and is
    printed as one line of compact JSON with the protocol's field names.
    Exit 0; 3 when the service did not answer a replay; 4 when a milestone
    did not decode. */
#include "config.h"
#include "follow.h"
#include "milestone.h"
#include "rpc.h"
#include "sock.h"
#include "wirejson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Validates one milestone map and prints it. Returns 0 or -1. */
static int
s_print(const msgpack_object *map)
{
    milestone_t m;
    wire_err_t err;
    if (milestone_read(map, &m, &err) != 0) {
        fprintf(stderr, "ratify-milestones: bad milestone: %s\n", err.message);
        return -1;
    }
    milestone_clear(&m);
    json_t *j = wirejson_from_msgpack(map);
    if (!j)
        return -1;
    json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(j);
    return 0;
}

static int
s_replay(int64_t from, int timeout_ms)
{
    rpc_client_t *client = rpc_client_new(config_get(CONFIG_THRESHOLD_API));
    if (!client)
        return 4;
    int rc = 0;
    for (bool more = true; more && rc == 0;) {
        milestone_since_t req = {.from = from, .limit = 0};
        msgpack_sbuffer buf;
        msgpack_sbuffer_init(&buf);
        msg_in_t *reply = NULL;
        wire_err_t err;
        milestone_batch_t batch;
        memset(&batch, 0, sizeof batch);
        if (milestone_encode_since(&req, &buf) != 0)
            rc = 4;
        else if (rpc_client_call(client, buf.data, buf.size, timeout_ms, &reply, &err) != RPC_OK) {
            fprintf(stderr, "ratify-milestones: %s\n", err.message);
            rc = 3;
        }
        else if (milestone_decode_batch(reply, &batch, &err) != 0) {
            fprintf(stderr, "ratify-milestones: bad reply: %s\n", err.message);
            rc = 4;
        }
        else {
            const msgpack_object *arr = wire_map_get(msg_in_root(reply), "milestones");
            for (size_t i = 0; rc == 0 && i < batch.count; i++)
                if (s_print(&arr->via.array.ptr[i]) != 0)
                    rc = 4;
            more = batch.more && batch.count > 0;
            if (batch.count > 0)
                from = batch.milestones[batch.count - 1].seq + 1;
        }
        milestone_batch_clear(&batch);
        msg_in_destroy(&reply);
        msgpack_sbuffer_destroy(&buf);
    }
    rpc_client_destroy(&client);
    return rc;
}

static int
s_listen(int for_ms, const char *ready)
{
    zsock_t *sub = sock_new_client(ZMQ_SUB, config_get(CONFIG_THRESHOLD_EVENTS), "milestone");
    if (sub)
        zsock_set_subscribe(sub, "heartbeat");
    zpoller_t *poller = sub ? zpoller_new(sub, NULL) : NULL;
    int rc = poller ? 0 : 4;
    const int64_t end = s_now_ms() + for_ms;
    while (rc == 0) {
        const int64_t left = end - s_now_ms();
        if (left <= 0 || !zpoller_wait(poller, (int) left))
            break;
        zmsg_t *zm = zmsg_recv(sub);
        zframe_t *topic = zm ? zmsg_first(zm) : NULL;
        zframe_t *body = zm ? zmsg_next(zm) : NULL;
        wire_err_t err;
        msg_in_t *in =
            topic && body ? msg_in_parse(zframe_data(body), zframe_size(body), &err) : NULL;
        if (in && msg_in_type(in) == MSG_HEARTBEAT) {
            FILE *f = ready ? fopen(ready, "a") : NULL;
            if (f)
                fclose(f);
            ready = NULL; /* once */
        }
        else if (!in || msg_in_type(in) != MSG_MILESTONE || s_print(msg_in_root(in)) != 0)
            rc = 4;
        msg_in_destroy(&in);
        zmsg_destroy(&zm);
    }
    zpoller_destroy(&poller);
    if (sub)
        zsock_set_linger(sub, 0);
    zsock_destroy(&sub);
    return rc;
}

static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    (void) seq;
    int *bad = ctx;
    if (s_print(item) != 0)
        *bad = 1;
    return 0;
}

static int
s_follow(int for_ms, int64_t from)
{
    const follow_config_t cfg = follow_config(FOLLOW_THRESHOLD, "threshold milestones", 2000);
    int bad = 0;
    follow_t *f = follow_new(&cfg, from - 1, s_deliver, &bad);
    zpoller_t *poller = f ? zpoller_new(NULL) : NULL;
    if (!poller || follow_attach(f, poller) != 0) {
        zpoller_destroy(&poller);
        follow_destroy(&f);
        return 4;
    }
    const int64_t end = s_now_ms() + for_ms;
    follow_tick(f);
    for (int64_t left; !bad && (left = end - s_now_ms()) > 0;) {
        zpoller_wait(poller, left < 200 ? (int) left : 200);
        follow_tick(f); /* reads what came */
    }
    zpoller_destroy(&poller);
    follow_destroy(&f);
    return bad ? 4 : 0;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ratify-milestones replay|listen|follow [--for MS] [--from SEQ]"
                        " [--timeout MS] [--ready FILE]\n");
        return 2;
    }
    int for_ms = 0, timeout_ms = 3000;
    int64_t from = 1;
    const char *ready = NULL;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--for") == 0)
            for_ms = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--from") == 0)
            from = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--timeout") == 0)
            timeout_ms = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--ready") == 0)
            ready = argv[i + 1];
        else {
            fprintf(stderr, "ratify-milestones: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    sock_init();
    if (strcmp(argv[1], "replay") == 0)
        return s_replay(from, timeout_ms);
    if (strcmp(argv[1], "listen") == 0)
        return s_listen(for_ms, ready);
    if (strcmp(argv[1], "follow") == 0)
        return s_follow(for_ms, from);
    fprintf(stderr, "ratify-milestones: unknown mode %s\n", argv[1]);
    return 2;
}
