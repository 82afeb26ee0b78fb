/*  ratify-garbagepub: a publisher of garbage, for the tests that feed a
    service's SUB socket what no real stream sends.

    Usage: ratify-garbagepub [--for MS] [--interval MS] [--big N] --topic TOPIC ENDPOINT

    Binds a PUB socket at ENDPOINT (where a consumer's RATIFY_*_EVENTS points)
    and, every --interval ms (default 100) during --for ms (default 3000),
    sends one round of malformed messages under TOPIC (the item topic the
    consumer subscribes to: "event" for the threshold service and the
    reporter, "milestone" for the notifier) and under "heartbeat" (which
    every follower takes). Rounds repeat because a PUB socket drops what it
    sends before a subscriber has connected.

    One round: bodies that are not msgpack, truncated, declaring a million or
    4G map entries, 4 GiB strings, nested too deep, extension types; wrong
    envelopes (not a map, v = 2, v or type of the wrong msgpack type, an
    unknown type); items of the right type with fields of the wrong type,
    without seq, with absurd sequence numbers (0, -1, INT64_MAX, above
    INT64_MAX) and with the next plausible ones (1 to 3) but unreadable;
    heartbeats announcing INT64_MAX, a negative or a string last_seq;
    messages of one, three and five frames; and, with --big N, every tenth
    round from the tenth, a frame of N bytes (over ZMQ_MAXMSGSIZE libzmq
    drops the subscriber's connection and gives the endpoint up: the
    follower must notice and subscribe again). A consumer must log and drop every one, stay up, and
    deliver nothing from them.

    Prints "ratify-garbagepub: R rounds of M messages" and exits 0; 2 on a
    usage error, 4 when it cannot bind. */
#include "sock.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *s_usage =
    "usage: ratify-garbagepub [--for MS] [--interval MS] [--big N] --topic TOPIC ENDPOINT\n";

/* Raw bodies, in hex: each is wrong before any field is read. */
static const char *const s_raw[] = {
    "c1",                     /* the reserved byte */
    "",                       /* an empty body */
    "82a17601a474797065",     /* a map cut after its second key */
    "df00100000",             /* a map declaring 1 048 576 entries, none present */
    "dfffffffff",             /* a map declaring 4G entries */
    "dd00ffffff00",           /* an array declaring 16M entries */
    "dbffffffff41",           /* a string declaring 4 GiB */
    "93010203",               /* an array, not a map */
    "9191919191919191910100", /* nested 9 deep */
    "d40100",                 /* an extension type */
    "81a1760100",             /* one well-formed map, then a trailing byte */
};

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends the frames given as (data, size) pairs, ending with NULL. */
static int
s_send(zsock_t *pub, const char *topic, const void *body, size_t size, int extra_frames)
{
    zmsg_t *zm = zmsg_new();
    if (!zm)
        return -1;
    zmsg_addstr(zm, topic);
    if (body)
        zmsg_addmem(zm, body, size);
    for (int i = 0; i < extra_frames; i++)
        zmsg_addmem(zm, "\xc1", 1);
    return zmsg_send(&zm, pub);
}

static int
s_send_hex(zsock_t *pub, const char *topic, const char *hex)
{
    const size_t n = strlen(hex) / 2;
    uint8_t buf[64];
    for (size_t i = 0; i < n && i < sizeof buf; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        buf[i] = (uint8_t) v;
    }
    return s_send(pub, topic, buf, n, 0);
}

static void
s_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

/* Packs the envelope {"v":1,"type":type, ...} opening a map of n entries. */
static void
s_envelope(msgpack_packer *pk, size_t n, const char *type)
{
    msgpack_pack_map(pk, n);
    s_str(pk, "v");
    msgpack_pack_int(pk, 1);
    s_str(pk, "type");
    s_str(pk, type);
}

/* Sends the buffer as one [topic][body] message and clears it. */
static int
s_flush(zsock_t *pub, const char *topic, msgpack_sbuffer *buf)
{
    const int rc = s_send(pub, topic, buf->data, buf->size, 0);
    msgpack_sbuffer_clear(buf);
    return rc;
}

/* One round: returns the number of messages sent. */
static int
s_round(zsock_t *pub, const char *topic, size_t big, int round)
{
    int sent = 0;
    for (size_t i = 0; i < sizeof s_raw / sizeof *s_raw; i++) {
        s_send_hex(pub, topic, s_raw[i]);
        s_send_hex(pub, "heartbeat", s_raw[i]);
        sent += 2;
    }
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);

    /* envelopes: v = 2, v a string, type an integer, an unknown type */
    s_envelope(&pk, 3, topic);
    s_str(&pk, "seq");
    msgpack_pack_int(&pk, 1);
    buf.data[3] = 2; /* {"v":2,...}: the positive fixint after "v" (83 a1 76 01) */
    s_flush(pub, topic, &buf);
    msgpack_pack_map(&pk, 2);
    s_str(&pk, "v");
    s_str(&pk, "1");
    s_str(&pk, "type");
    s_str(&pk, topic);
    s_flush(pub, topic, &buf);
    msgpack_pack_map(&pk, 2);
    s_str(&pk, "v");
    msgpack_pack_int(&pk, 1);
    s_str(&pk, "type");
    msgpack_pack_int(&pk, 5);
    s_flush(pub, topic, &buf);
    s_envelope(&pk, 3, "bogus");
    s_str(&pk, "seq");
    msgpack_pack_int(&pk, 1);
    s_flush(pub, topic, &buf);
    sent += 4;

    /* items: no seq, seq a string, absurd seqs */
    s_envelope(&pk, 2, topic);
    s_flush(pub, topic, &buf);
    s_envelope(&pk, 3, topic);
    s_str(&pk, "seq");
    s_str(&pk, "1");
    s_flush(pub, topic, &buf);
    const int64_t absurd[] = {0, -1, INT64_MAX, INT64_MAX / 2};
    for (size_t i = 0; i < sizeof absurd / sizeof *absurd; i++) {
        s_envelope(&pk, 3, topic);
        s_str(&pk, "seq");
        msgpack_pack_int64(&pk, absurd[i]);
        s_flush(pub, topic, &buf);
    }
    s_envelope(&pk, 3, topic);
    s_str(&pk, "seq");
    msgpack_pack_uint64(&pk, UINT64_MAX);
    s_flush(pub, topic, &buf);
    sent += 7;

    /* the next plausible seqs, but every other field wrong */
    for (int seq = 1; seq <= 3; seq++) {
        s_envelope(&pk, 9, topic);
        s_str(&pk, "seq");
        msgpack_pack_int(&pk, seq);
        s_str(&pk, "id");
        msgpack_pack_int(&pk, 7);
        s_str(&pk, "kind");
        msgpack_pack_array(&pk, 0);
        s_str(&pk, "action");
        msgpack_pack_int(&pk, 7);
        s_str(&pk, "instrument");
        msgpack_pack_map(&pk, 0);
        s_str(&pk, "participant");
        msgpack_pack_true(&pk);
        s_str(&pk, "date");
        s_str(&pk, "2003-02-30");
        s_flush(pub, topic, &buf);
    }
    sent += 3;

    /* heartbeats announcing what no owner has */
    const int64_t announced[] = {INT64_MAX, -7, INT64_MAX / 2};
    for (size_t i = 0; i < sizeof announced / sizeof *announced; i++) {
        s_envelope(&pk, 4, "heartbeat");
        s_str(&pk, "service");
        s_str(&pk, "garbage");
        s_str(&pk, "last_seq");
        msgpack_pack_int64(&pk, announced[i]);
        s_flush(pub, "heartbeat", &buf);
    }
    s_envelope(&pk, 4, "heartbeat");
    s_str(&pk, "service");
    s_str(&pk, "garbage");
    s_str(&pk, "last_seq");
    s_str(&pk, "many");
    s_flush(pub, "heartbeat", &buf);
    sent += 4;

    /* frame counts: the topic alone, three frames, five frames */
    s_envelope(&pk, 3, topic);
    s_str(&pk, "seq");
    msgpack_pack_int(&pk, 1);
    s_send(pub, topic, NULL, 0, 0);
    s_send(pub, topic, buf.data, buf.size, 1);
    s_send(pub, topic, buf.data, buf.size, 3);
    msgpack_sbuffer_clear(&buf);
    sent += 3;
    msgpack_sbuffer_destroy(&buf);

    if (big && round % 10 == 9) { /* the connection is dropped: not every round, nor the first */
        uint8_t *bytes = calloc(1, big);
        if (bytes) {
            s_send(pub, topic, bytes, big, 0);
            sent++;
        }
        free(bytes);
    }
    return sent;
}

int
main(int argc, char **argv)
{
    int64_t for_ms = 3000, interval_ms = 100;
    size_t big = 0;
    const char *topic = NULL, *endpoint = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--for") == 0 && i + 1 < argc)
            for_ms = atoll(argv[++i]);
        else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc)
            interval_ms = atoll(argv[++i]);
        else if (strcmp(argv[i], "--big") == 0 && i + 1 < argc)
            big = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc)
            topic = argv[++i];
        else if (argv[i][0] != '-' && !endpoint)
            endpoint = argv[i];
        else {
            fputs(s_usage, stderr);
            return 2;
        }
    }
    if (!topic || !endpoint || interval_ms < 1) {
        fputs(s_usage, stderr);
        return 2;
    }
    sock_init();
    char err[256];
    zsock_t *pub = sock_new_server(ZMQ_PUB, endpoint, err, sizeof err);
    if (!pub) {
        fprintf(stderr, "ratify-garbagepub: %s\n", err);
        return 4;
    }
    zsock_set_linger(pub, 0);
    const int64_t end = s_now_ms() + for_ms;
    int rounds = 0, per_round = 0;
    do {
        per_round = s_round(pub, topic, big, rounds);
        rounds++;
        zclock_sleep((int) interval_ms);
    } while (s_now_ms() < end);
    printf("ratify-garbagepub: %d rounds of %d messages\n", rounds, per_round);
    zsock_destroy(&pub);
    return 0;
}
