/*  ratify-slowsub: a subscriber that stops reading, for the slow-subscriber
    test.

    Usage: ratify-slowsub --stream registry|alerts [--sleep MS] [--rcvhwm N]
                          [--ready FILE] [--idle MS] [--out FILE]

    1. Subscribes to the stream (RATIFY_REGISTRY_EVENTS, topic "event", or
       RATIFY_NOTIFIER_ALERTS, topic "org.ratify."; heartbeats too) with a
       receive queue of N messages (default 16), waits for a heartbeat
       (then creates FILE, so the test knows the subscription is in place),
       and reads nothing for --sleep MS (default 10000). What the owner
       publishes meanwhile piles up in the owner's PUB queue for us, up to
       SOCK_PUB_SNDHWM_MSGS; the owner drops the rest: that bounds the
       owner's memory, and we lose messages.
    2. Wakes up and reads what was queued, delivering items in sequence
       order after the last sequence the first heartbeat announced, until
       it sees the gap: an item beyond the next expected (the first after
       the drops), or a heartbeat announcing more than it has (a stream
       keeps its order: the items announced were dropped); or until no
       item came for a while, without a gap.
    3. Hands over to a follower (follow.h, as the services and `ratifyctl
       subscribe` consume streams) that resumes after the last item
       delivered: it replays the gap through the owner's API and goes on
       live, until nothing new came for --idle MS (default 3000) and the
       follower has everything the owner announced.

    Streams have no ZMTP heartbeats (sock.h: libzmq 4.3.4 would abort a
    subscriber stalled like this one, zeromq/libzmq#3937). The follower of
    step 3 uses the project's options.

    Every delivered sequence number goes to --out FILE, one per line. Prints
    one JSON object: {"stream", "from" (the first heartbeat's last_seq),
    "buffered" (items read from the queue after waking), "duplicates"
    (queued items at or below one already delivered), "gap_after" (the
    last sequence delivered before the gap, -1 when none was seen),
    "gap_seen_at" (the sequence or heartbeat that showed it), "replays"
    (requests the follower made), "delivered", "last_seq", "in_order"
    (every item after "from" delivered once, in order)}. Exit 0 when in
    order without duplicates, 1 when not, 3 when the owner did not answer,
    2 on a usage error. */
#include "follow.h"
#include "log.h"
#include "msg.h"
#include "sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DRAIN_QUIET_MSEC 3000 /* the queue is drained when nothing came for this long */

typedef struct {
    FILE *out;
    int64_t delivered;
    int64_t last; /* last delivered */
    bool in_order;
    int64_t last_item_ms;
} s_sink_t;

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
s_record(s_sink_t *sink, int64_t seq)
{
    if (seq != sink->last + 1) {
        fprintf(stderr, "ratify-slowsub: delivered %lld after %lld\n", (long long) seq,
                (long long) sink->last);
        sink->in_order = false;
    }
    sink->last = seq;
    sink->delivered++;
    sink->last_item_ms = s_now_ms();
    if (sink->out)
        fprintf(sink->out, "%lld\n", (long long) seq);
}

static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    (void) item;
    s_record(ctx, seq);
    return 0;
}

/* Reads one message from the slow socket without waiting. Returns 1 with
   *seq (an item) or *announced (a heartbeat) set, 0 when nothing is
   queued, -1 for a message that is neither (ignored by the caller). */
static int
s_read_one(zsock_t *sub, const char *seq_key, int64_t *seq, int64_t *announced)
{
    if (!(zsock_events(sub) & ZMQ_POLLIN))
        return 0;
    zmsg_t *zm = zmsg_recv(sub);
    if (!zm)
        return 0;
    zframe_t *body = zmsg_size(zm) == 2 ? zmsg_last(zm) : NULL;
    wire_err_t err;
    msg_in_t *in = body ? msg_in_parse(zframe_data(body), zframe_size(body), &err) : NULL;
    int rc = -1;
    *seq = *announced = -1;
    if (in && msg_in_type(in) == MSG_HEARTBEAT)
        rc = wire_get_int(msg_in_root(in), "last_seq", announced, true, &err) == 0 ? 1 : -1;
    else if (in)
        rc = wire_get_int(msg_in_root(in), seq_key, seq, true, &err) == 0 ? 1 : -1;
    msg_in_destroy(&in);
    zmsg_destroy(&zm);
    return rc;
}

int
main(int argc, char **argv)
{
    const char *stream = NULL, *ready = NULL, *out_path = NULL;
    int64_t sleep_ms = 10000, idle_ms = 3000;
    int rcvhwm = 16;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stream") == 0 && i + 1 < argc)
            stream = argv[++i];
        else if (strcmp(argv[i], "--sleep") == 0 && i + 1 < argc)
            sleep_ms = atoll(argv[++i]);
        else if (strcmp(argv[i], "--rcvhwm") == 0 && i + 1 < argc)
            rcvhwm = atoi(argv[++i]);
        else if (strcmp(argv[i], "--ready") == 0 && i + 1 < argc)
            ready = argv[++i];
        else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc)
            idle_ms = atoll(argv[++i]);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out_path = argv[++i];
        else
            stream = NULL, i = argc;
    }
    const bool alerts = stream && strcmp(stream, "alerts") == 0;
    if (!stream || (!alerts && strcmp(stream, "registry") != 0) || rcvhwm < 1) {
        fprintf(stderr, "usage: ratify-slowsub --stream registry|alerts [--sleep MS] [--rcvhwm N] "
                        "[--ready FILE] [--idle MS] [--out FILE]\n");
        return 2;
    }
    const follow_config_t cfg =
        follow_config(alerts ? FOLLOW_ALERTS : FOLLOW_REGISTRY,
                      alerts ? "slow alerts subscriber" : "slow events subscriber", 5000);
    sock_init();
    log_init("slowsub"); /* follow.h logs its replays */
    s_sink_t sink = {.in_order = true};
    if (out_path && !(sink.out = fopen(out_path, "w"))) {
        fprintf(stderr, "ratify-slowsub: cannot write %s\n", out_path);
        return 2;
    }

    /* 1. the slow subscription: options set before connecting */
    zsock_t *sub = zsock_new(ZMQ_SUB);
    if (!sub) {
        if (sink.out)
            fclose(sink.out);
        return 3;
    }
    zsock_set_rcvhwm(sub, rcvhwm);
    /* and a small kernel receive buffer: the bytes the kernels on both
       sides would otherwise hold for us, megabytes of small items, are
       not what the test is about */
    zsock_set_rcvbuf(sub, 4096);
    zsock_set_maxmsgsize(sub, SOCK_MAX_MSG_BYTES);
    zsock_set_linger(sub, 0);
    zsock_set_subscribe(sub, cfg.topic);
    zsock_set_subscribe(sub, "heartbeat");
    int64_t seq, announced;
    int got = 0;
    const int64_t give_up = s_now_ms() + 20000;
    if (zsock_connect(sub, "%s", cfg.stream_endpoint) != 0)
        got = -2;
    while (got != -2 && (got != 1 || announced < 0)) {
        zpoller_t *p = zpoller_new(sub, NULL);
        zpoller_wait(p, 200);
        zpoller_destroy(&p);
        got = s_read_one(sub, cfg.seq_key, &seq, &announced);
        if (s_now_ms() > give_up)
            got = -2;
    }
    if (got == -2) {
        fprintf(stderr, "ratify-slowsub: no heartbeat on %s\n", cfg.stream_endpoint);
        zsock_destroy(&sub);
        if (sink.out)
            fclose(sink.out);
        return 3;
    }
    /* The heartbeat says what was published before the subscription was in
       place: we take it as our starting point and want everything after. */
    const int64_t from = announced;
    sink.last = from;
    if (ready) {
        FILE *f = fopen(ready, "w");
        if (f)
            fclose(f);
    }
    zclock_sleep((int) sleep_ms);

    /* 2. read what was queued, up to the gap */
    int64_t buffered = 0, duplicates = 0, gap_after = -1, gap_seen_at = -1;
    /* The owner may have dropped us: libzmq reconnects once the queue is
       drained, and what comes next shows the gap. A stream keeps its order,
       so a heartbeat announcing more than we have means the items it
       announces were dropped. Without a gap, the queue is drained when no
       item came for DRAIN_QUIET_MSEC (heartbeats go on meanwhile). */
    int64_t quiet_since = s_now_ms();
    while (gap_after < 0 && s_now_ms() - quiet_since < DRAIN_QUIET_MSEC) {
        got = s_read_one(sub, cfg.seq_key, &seq, &announced);
        if (got == 0) {
            zpoller_t *p = zpoller_new(sub, NULL);
            zpoller_wait(p, 100);
            zpoller_destroy(&p);
            continue;
        }
        if (got < 0)
            continue;
        if (announced > sink.last) {
            gap_after = sink.last;
            gap_seen_at = announced;
        }
        if (seq < 0)
            continue;
        quiet_since = s_now_ms();
        buffered++;
        if (seq == sink.last + 1)
            s_record(&sink, seq);
        else if (seq > sink.last + 1) {
            gap_after = sink.last;
            gap_seen_at = seq;
        }
        else
            duplicates++; /* a PUB never sends an item twice */
    }
    zsock_destroy(&sub);

    /* 3. replay the gap, then live, with the project's follower */
    follow_t *follow = follow_new(&cfg, sink.last, s_deliver, &sink);
    zpoller_t *poller = follow ? zpoller_new(NULL) : NULL;
    int rc = poller && follow_attach(follow, poller) == 0 ? 0 : 3;
    sink.last_item_ms = s_now_ms();
    if (rc == 0)
        follow_tick(follow);
    while (rc == 0) {
        zpoller_wait(poller, 200);
        const int behind = follow_tick(follow); /* reads what came */
        if (behind < 0) {
            rc = 1;
            break;
        }
        if (behind == 0 && s_now_ms() - sink.last_item_ms >= idle_ms)
            break;
        if (s_now_ms() - sink.last_item_ms >= idle_ms + 30000) {
            fprintf(stderr, "ratify-slowsub: the owner announced %lld, replayed up to %lld\n",
                    (long long) follow_known_seq(follow), (long long) follow_last_seq(follow));
            rc = 3;
        }
    }
    if (rc == 0 && (!sink.in_order || duplicates > 0))
        rc = 1;
    printf("{\"stream\":\"%s\",\"from\":%lld,\"buffered\":%lld,\"duplicates\":%lld,"
           "\"gap_after\":%lld,\"gap_seen_at\":%lld,"
           "\"replays\":%lld,\"delivered\":%lld,\"last_seq\":%lld,\"in_order\":%s}\n",
           stream, (long long) from, (long long) buffered, (long long) duplicates,
           (long long) gap_after, (long long) gap_seen_at,
           (long long) (follow ? follow_replays(follow) : 0), (long long) sink.delivered,
           (long long) sink.last, sink.in_order ? "true" : "false");
    zpoller_destroy(&poller);
    follow_destroy(&follow);
    if (sink.out)
        fclose(sink.out);
    return rc;
}
