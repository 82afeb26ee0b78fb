/*  test_follow: the follower (follow.h) against a fake owner on loopback:
    a ROUTER in a thread answering events.since from a log of events, and a
    PUB the test publishes on, garbage included.

    Checked: the replay at start delivers the log in order; a stream item
    carrying the next sequence number but unreadable, published under
    another type's topic, or of another type than the stream's items
    (under a topic the subscription's prefix takes in), is dropped, not delivered, and the owner's real
    item still comes; a heartbeat announcing INT64_MAX is forgotten once the
    owner's replay shows less, instead of leaving the follower behind; after
    a frame over ZMQ_MAXMSGSIZE (libzmq then gives the endpoint up), the
    follower notices the silence and subscribes again; taken back to an
    earlier sequence, it replays from there; an item published while a
    replay is out is asked for again; an owner whose API never answers
    never makes the follower's loop wait. A consumer that reads the items
    itself (deliver_reads) gets the next stream item unchecked and refuses
    it when unreadable: the same outcome, one decode fewer. */
#include "check.h"
#include "follow.h"
#include "log.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define S_LOG_MAX 16

/* ---- the fake owner's API: a ROUTER answering events.since ------------ */

static atomic_int s_owner_last = 3; /* events 1..last exist; the test moves it */
static atomic_int s_owner_delay_ms; /* between making a reply and sending it */

static void
s_event(int64_t seq, event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->seq = seq;
    ev->action = ACTION_RATIFICATION;
    snprintf(ev->instrument, sizeof ev->instrument, "UNTOC");
    snprintf(ev->participant, sizeof ev->participant, "P%d", (int) (seq % 1000));
    ev->date = rdate_from_ymd(2003, 7, 1);
    ev->recorded_ms = 1057053600000;
}

static void
s_owner(zsock_t *pipe, void *args)
{
    zsock_t *router = args;
    zsock_signal(pipe, 0);
    zpoller_t *poller = zpoller_new(pipe, router, NULL);
    for (;;) {
        void *which = zpoller_wait(poller, -1);
        if (which == pipe)
            break; /* $TERM */
        if (which != router)
            break;
        rpc_req_t *req = rpc_recv(router);
        msg_events_since_t since;
        wire_err_t err;
        if (req && rpc_req_msg(req)
            && msg_decode_events_since(rpc_req_msg(req), &since, &err) == 0) {
            event_t evs[S_LOG_MAX];
            const int last = atomic_load(&s_owner_last);
            msg_events_t m = {.last_seq = last, .events = evs};
            for (int64_t seq = since.from < 1 ? 1 : since.from; seq <= last; seq++)
                s_event(seq, &evs[m.count++]);
            msgpack_sbuffer buf;
            msgpack_sbuffer_init(&buf);
            const int delay = atomic_load(&s_owner_delay_ms);
            if (delay > 0)
                zclock_sleep(delay); /* what it answers is as it was before */
            if (msg_encode_events(&m, &buf) == 0)
                rpc_reply(router, req, &buf);
            msgpack_sbuffer_destroy(&buf);
        }
        rpc_req_destroy(&req);
    }
    zpoller_destroy(&poller);
}

/* ---- the follower's consumer ------------------------------------------ */

typedef struct {
    int64_t seqs[S_LOG_MAX * 4];
    int n;
} s_got_t;

static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    s_got_t *got = ctx;
    event_t ev;
    wire_err_t err;
    CHECK(msg_read_event(item, &ev, &err) == 0); /* nothing unreadable reaches us */
    if (got->n < (int) (sizeof got->seqs / sizeof *got->seqs))
        got->seqs[got->n++] = seq;
    return 0;
}

/* A consumer that reads items itself (follow_config_t.deliver_reads): it
   refuses a stream item it cannot read, and notes how each came. */
typedef struct {
    s_got_t got;
    bool replayed[S_LOG_MAX * 4];
    int refused;
    follow_t *follow;
} s_reader_t;

static int
s_deliver_reading(void *ctx, int64_t seq, const msgpack_object *item)
{
    s_reader_t *r = ctx;
    event_t ev;
    wire_err_t err;
    if (msg_read_event(item, &ev, &err) != 0) {
        CHECK(!follow_replaying(r->follow)); /* the owner's replay is readable */
        r->refused++;
        return FOLLOW_UNREADABLE;
    }
    if (r->got.n < (int) (sizeof r->got.seqs / sizeof *r->got.seqs)) {
        r->replayed[r->got.n] = follow_replaying(r->follow);
        r->got.seqs[r->got.n++] = seq;
    }
    return 0;
}

/* Publishes [topic][body]. */
static void
s_publish(zsock_t *pub, const char *topic, const void *body, size_t size)
{
    zmsg_t *zm = zmsg_new();
    zmsg_addstr(zm, topic);
    zmsg_addmem(zm, body, size);
    zmsg_send(&zm, pub);
}

static void
s_publish_event(zsock_t *pub, int64_t seq)
{
    event_t ev;
    s_event(seq, &ev);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msg_encode_event(&ev, &buf);
    s_publish(pub, "event", buf.data, buf.size);
    msgpack_sbuffer_destroy(&buf);
}

static void
s_publish_heartbeat(zsock_t *pub, int64_t last)
{
    msg_heartbeat_t hb = {.service = "registry", .last_seq = last};
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msg_encode_heartbeat(&hb, &buf);
    s_publish(pub, "heartbeat", buf.data, buf.size);
    msgpack_sbuffer_destroy(&buf);
}

/* The poller the follower is attached to, as a service's loop has one. */
static zpoller_t *s_poller;

/* Lets the follower handle what arrives during ms milliseconds. */
static void
s_pump(follow_t *f, int ms)
{
    const int64_t end = zclock_mono() + ms;
    while (zclock_mono() < end) {
        if (follow_owns(f, zpoller_wait(s_poller, 50)))
            follow_handle(f);
        follow_tick(f);
    }
}

/* Publishes heartbeats announcing `last` until the follower is connected
   and has taken one (a PUB drops what it sends before that). */
static void
s_connect(zsock_t *pub, follow_t *f, int64_t last)
{
    for (int i = 0; i < 100 && follow_known_seq(f) < last; i++) {
        s_publish_heartbeat(pub, last);
        s_pump(f, 50);
    }
}

/* A follower of the fake owner's events. */
static follow_config_t
s_config(const char *name, const char *api, const char *stream, int timeout_ms)
{
    follow_config_t cfg = follow_config(FOLLOW_REGISTRY, name, timeout_ms);
    cfg.api_endpoint = api;
    cfg.stream_endpoint = stream;
    return cfg;
}

/* A follower whose consumer reads the items itself: the next stream item
   is not decoded a second time to be checked, but one the consumer
   refuses is dropped all the same, and the owner's real item still comes;
   a garbled item that is not the next is checked, and announces nothing;
   a good one beyond the next brings the missing ones by replay. The
   owner's log holds 1..6 when this starts. */
static void
test_deliver_reads(const char *api, const char *stream, zsock_t *pub)
{
    s_reader_t r = {0};
    follow_config_t cfg = s_config("reading", api, stream, 2000);
    cfg.deliver_reads = true;
    r.follow = follow_new(&cfg, 0, s_deliver_reading, &r);
    s_poller = zpoller_new(NULL);
    CHECK(r.follow && s_poller && follow_attach(r.follow, s_poller) == 0);
    if (!r.follow || !s_poller)
        return;
    follow_t *f = r.follow;
    for (int i = 0; i < 100 && r.got.n < 6; i++)
        s_pump(f, 20);
    CHECK_INT(r.got.n, 6);
    for (int i = 0; i < r.got.n; i++)
        CHECK(r.replayed[i] && r.got.seqs[i] == i + 1); /* by replay, in order */
    s_connect(pub, f, 6);

    /* the next sequence, unreadable: refused by the consumer, dropped */
    const char bad7[] = "\x83\xa1v\x01\xa4type\xa5"
                        "event\xa3seq\x07";
    s_publish(pub, "event", bad7, sizeof bad7 - 1);
    s_pump(f, 300);
    CHECK_INT(r.refused, 1);
    CHECK_INT(r.got.n, 6);
    CHECK_INT(follow_last_seq(f), 6);
    CHECK_INT(follow_known_seq(f), 6);
    CHECK(!follow_behind(f));

    /* beyond the next, unreadable: checked by the follower, not delivered,
       not taken as a sign of a gap */
    const char bad9[] = "\x83\xa1v\x01\xa4type\xa5"
                        "event\xa3seq\x09";
    s_publish(pub, "event", bad9, sizeof bad9 - 1);
    s_pump(f, 300);
    CHECK_INT(r.refused, 1);
    CHECK_INT(follow_known_seq(f), 6);

    /* the owner's items 7 and 8; 8 on the stream: a gap (checked, then
       announced), so both come by replay */
    atomic_store(&s_owner_last, 8);
    s_publish_event(pub, 8);
    for (int i = 0; i < 50 && follow_last_seq(f) < 8; i++)
        s_pump(f, 20);
    CHECK_INT(r.got.n, 8);
    CHECK(r.got.seqs[6] == 7 && r.replayed[6] && r.got.seqs[7] == 8 && r.replayed[7]);
    /* then the next, 9, on the stream: delivered as it comes */
    atomic_store(&s_owner_last, 9);
    s_publish_event(pub, 9);
    for (int i = 0; i < 50 && follow_last_seq(f) < 9; i++)
        s_pump(f, 20);
    CHECK_INT(r.got.n, 9);
    CHECK(r.got.seqs[8] == 9 && !r.replayed[8]);
    CHECK_INT(r.refused, 1);
    zpoller_destroy(&s_poller);
    follow_destroy(&r.follow);
}

/* An owner whose API takes requests and never answers (a ROUTER nobody
   reads): the follower never waits for it, gives each request up after
   its timeout and asks again; the loop it lives in keeps running. */
static void
test_owner_silent(const char *stream)
{
    char err[256], api[64];
    zsock_t *mute = sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err);
    CHECK(mute != NULL);
    if (!mute)
        return;
    char *bound = zsock_last_endpoint(mute);
    snprintf(api, sizeof api, "%s", bound ? bound : "");
    zstr_free(&bound);
    s_got_t got = {0};
    const follow_config_t cfg = s_config("silent", api, stream, 200);
    follow_t *f = follow_new(&cfg, 0, s_deliver, &got);
    zpoller_t *poller = zpoller_new(NULL);
    CHECK(f && poller && follow_attach(f, poller) == 0);
    if (f && poller) {
        const int64_t start = zclock_mono();
        CHECK_INT(follow_tick(f), 1);       /* asked, not answered: behind */
        CHECK(zclock_mono() - start < 100); /* and it did not wait */
        CHECK_INT(follow_replays(f), 1);
        /* 700 ms of a loop that never blocks longer than 50 ms: each
           request is given up after 200 ms and asked again at a tick */
        int waits = 0;
        for (const int64_t end = zclock_mono() + 700; zclock_mono() < end; waits++) {
            const int64_t before = zclock_mono();
            if (follow_owns(f, zpoller_wait(poller, 50)))
                follow_handle(f);
            follow_tick(f);
            CHECK(zclock_mono() - before < 150);
        }
        CHECK(waits >= 10);
        CHECK(follow_replays(f) >= 3);
        CHECK(follow_replays(f) <= 5);
        CHECK_INT(got.n, 0);
        CHECK(follow_behind(f));
    }
    zpoller_destroy(&poller);
    follow_destroy(&f);
    zsock_destroy(&mute);
}

int
main(void)
{
    sock_init();
    log_init("test_follow");
    char err[256], api[64], stream[64];
    zsock_t *router = sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err);
    zsock_t *pub = sock_new_server(ZMQ_PUB, "tcp://127.0.0.1:*", err, sizeof err);
    CHECK(router && pub);
    if (!router || !pub)
        return check_report("test_follow");
    char *bound = zsock_last_endpoint(router); /* a copy the caller frees */
    snprintf(api, sizeof api, "%s", bound ? bound : "");
    zstr_free(&bound);
    bound = zsock_last_endpoint(pub);
    snprintf(stream, sizeof stream, "%s", bound ? bound : "");
    zstr_free(&bound);
    zactor_t *owner = zactor_new(s_owner, router);

    s_got_t got = {0};
    const follow_config_t cfg = s_config("test", api, stream, 2000);
    follow_t *f = follow_new(&cfg, 0, s_deliver, &got);
    s_poller = zpoller_new(NULL);
    CHECK(f && s_poller && follow_attach(f, s_poller) == 0);
    if (!f || !s_poller)
        return check_report("test_follow");

    /* the replay at start: asked by the first tick, delivered when its
       reply comes */
    CHECK(follow_behind(f));
    CHECK_INT(follow_tick(f), 1);
    for (int i = 0; i < 100 && got.n < 3; i++)
        s_pump(f, 20);
    CHECK_INT(got.n, 3);
    CHECK_INT(follow_last_seq(f), 3);
    CHECK(!follow_behind(f));
    CHECK_INT(follow_tick(f), 0);
    s_connect(pub, f, 3);

    /* the next seq, unreadable (action 7); then under another type's topic */
    const char bad[] = "\x83\xa1v\x01\xa4type\xa5"
                       "event\xa3seq\x04";
    s_publish(pub, "event", bad, sizeof bad - 1); /* no action, no date... */
    msgpack_sbuffer hb;
    msgpack_sbuffer_init(&hb);
    msg_encode_heartbeat(&(msg_heartbeat_t){.service = "registry", .last_seq = 3}, &hb);
    s_publish(pub, "event", hb.data, hb.size); /* a heartbeat under "event" */
    msgpack_sbuffer_destroy(&hb);
    /* a readable message of another type whose topic starts with the
       stream's ("events" under "event"), carrying the next seq */
    const char other[] = "\x86\xa1v\x01\xa4type\xa6"
                         "events\xa3seq\x04\xa8last_seq\x04\xa4more\xc2\xa6"
                         "events\x90";
    s_publish(pub, "events", other, sizeof other - 1);
    s_pump(f, 300);
    CHECK_INT(got.n, 3);
    CHECK_INT(follow_last_seq(f), 3);
    CHECK_INT(follow_known_seq(f), 3); /* neither was taken as a sign of a gap */

    /* the owner's real item 4 still comes */
    atomic_store(&s_owner_last, 4);
    s_publish_event(pub, 4);
    s_pump(f, 300);
    CHECK_INT(got.n, 4);
    CHECK_INT(follow_last_seq(f), 4);

    /* an absurd announcement is forgotten after one replay */
    const int64_t replays = follow_replays(f);
    s_publish_heartbeat(pub, INT64_MAX);
    s_pump(f, 300);
    CHECK_INT(follow_known_seq(f), 4);
    CHECK_INT(follow_tick(f), 0); /* not behind */
    CHECK_INT(follow_replays(f), replays + 1);

    /* a frame over the limit: libzmq drops the connection and gives the
       endpoint up; the follower hears nothing, subscribes again after
       FOLLOW_SILENCE_MSEC, and then takes item 5 */
    void *big = calloc(1, SOCK_MAX_MSG_BYTES + 1);
    s_publish(pub, "event", big, SOCK_MAX_MSG_BYTES + 1);
    free(big);
    atomic_store(&s_owner_last, 5);
    for (int i = 0; i < 120 && follow_last_seq(f) < 5; i++) {
        s_publish_event(pub, 5);
        s_publish_heartbeat(pub, 5);
        s_pump(f, 100);
    }
    CHECK_INT(follow_last_seq(f), 5);
    for (int i = 0; i < got.n; i++)
        CHECK_INT(got.seqs[i], i + 1); /* each once, in order */
    CHECK_INT(got.n, 5);

    /* taken back (its owner lost what it was given after 2): items 3 to 5
       come again, by replay */
    follow_rewind(f, 2);
    CHECK(follow_behind(f));
    for (int i = 0; i < 100 && follow_last_seq(f) < 5; i++)
        s_pump(f, 20);
    CHECK_INT(follow_last_seq(f), 5);
    CHECK_INT(got.n, 8);
    CHECK_INT(got.seqs[5], 3);
    CHECK_INT(got.seqs[7], 5);

    /* an item published while a replay is out, after the owner made its
       answer: the stream announced it while the follower was behind (so
       did not deliver it), and it is beyond the answer's last: asked for
       again, not forgotten as an announcement the owner's log denies */
    atomic_store(&s_owner_delay_ms, 300);
    follow_rewind(f, 4);
    CHECK_INT(follow_tick(f), 1); /* from 5: the owner answers "up to 5" in 300 ms */
    zclock_sleep(100);
    atomic_store(&s_owner_last, 6);
    atomic_store(&s_owner_delay_ms, 0);
    s_publish_event(pub, 6);
    for (int i = 0; i < 50 && follow_last_seq(f) < 6; i++)
        s_pump(f, 20);
    CHECK_INT(follow_last_seq(f), 6);
    CHECK_INT(got.seqs[got.n - 1], 6);

    zpoller_destroy(&s_poller);
    follow_destroy(&f);
    test_deliver_reads(api, stream, pub);
    test_owner_silent(stream);
    zactor_destroy(&owner);
    zsock_destroy(&pub);
    zsock_destroy(&router);
    return check_report("test_follow");
}
