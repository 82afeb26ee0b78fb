/*  test_msg: the envelope, every typed codec, and the protocol's vectors.

    Three parts:
    - every message type of msg.h round-trips through its encoder,
      msg_in_parse and its decoder with every field compared, at the edges
      of its string caps (the other families' typed round trips are in
      test_threshold_codec, test_alert and test_reporter_service);
    - msg_in_parse refuses what is not an envelope of this version
      (bad_frame, bad_envelope, bad_version, too_large), an unknown type
      parses but does not re-encode (unknown_type), and each decoder of
      every family names the field that is missing or of the wrong type;
    - the vectors in $RATIFY_SOURCE_DIR/proto/vectors, every family's:
      every <name>.hex parses, re-encodes (codec_reencode) to exactly its
      own bytes, survives msgpack -> JSON text -> msgpack unchanged, and is
      byte-for-byte what tests/tools/vectors.h builds with today's
      encoders; every message type has one; every file in bad/ fails with
      the code its "# expect:" line names. */
#include "../tools/vectors.h"
#include "alert.h"
#include "check.h"
#include "codec.h"
#include "milestone.h"
#include "msg.h"
#include "sock.h"
#include "wirejson.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define PATH_SIZE 4096

/* ---- helpers ------------------------------------------------------------ */

/* Parses an encoder's output; NULL (and a failed CHECK) when it does not. */
static msg_in_t *
s_parse(const msgpack_sbuffer *buf)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(buf->data, buf->size, &err);
    if (!in)
        fprintf(stderr, "msg_in_parse: %s: %s\n", err.code, err.message);
    CHECK(in != NULL);
    return in;
}

/* Returns true when codec_reencode (every family's typed codec) gives back
   exactly the frame's bytes. */
static bool
s_reencodes_to_itself(const msg_in_t *in, const void *data, size_t size)
{
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    wire_err_t err;
    const int rc = codec_reencode(in, &out, &err);
    if (rc != 0)
        fprintf(stderr, "codec_reencode: %s: %s\n", err.code, err.message);
    const bool same = rc == 0 && out.size == size && memcmp(out.data, data, size) == 0;
    msgpack_sbuffer_destroy(&out);
    return same;
}

/* Expects msg_in_parse to fail with code (and message containing text). */
static void
s_expect_parse_error(const void *data, size_t size, const char *code, const char *text)
{
    wire_err_t err;
    memset(&err, 0, sizeof err);
    msg_in_t *in = msg_in_parse(data, size, &err);
    CHECK(in == NULL);
    msg_in_destroy(&in);
    CHECK_STR(err.code, code);
    if (text && !strstr(err.message, text)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, text);
        CHECK(false);
    }
}

/* Expects the frame to parse and codec_reencode (msg_reencode for the
   registry's types) to fail with code/text. */
static void
s_expect_reencode_error(const msgpack_sbuffer *buf, const char *code, const char *text)
{
    msg_in_t *in = s_parse(buf);
    if (!in)
        return;
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    wire_err_t err;
    memset(&err, 0, sizeof err);
    CHECK_INT(codec_reencode(in, &out, &err), -1);
    CHECK_STR(err.code, code);
    if (text && !strstr(err.message, text)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, text);
        CHECK(false);
    }
    msgpack_sbuffer_destroy(&out);
    msg_in_destroy(&in);
}

static void
s_fill(char *buf, size_t cap, char c)
{
    memset(buf, c, cap - 1);
    buf[cap - 1] = '\0';
}

static bool
s_same_event(const event_t *a, const event_t *b)
{
    return a->seq == b->seq && a->action == b->action && strcmp(a->instrument, b->instrument) == 0
           && strcmp(a->participant, b->participant) == 0 && a->date == b->date
           && a->retracts == b->retracts && strcmp(a->reason, b->reason) == 0
           && a->recorded_ms == b->recorded_ms;
}

/* ---- type names --------------------------------------------------------- */

static void
test_type_names(void)
{
    for (int t = MSG_UNKNOWN + 1; t < MSG_TYPE_COUNT; t++) {
        const char *name = msg_type_name((msg_type_t) t);
        CHECK(name[0] != '\0');
        CHECK_INT(msg_type_parse(name), t);
    }
    CHECK_STR(msg_type_name(MSG_EVENTS_SINCE), "events.since");
    CHECK_STR(msg_type_name(MSG_UNKNOWN), "");
    CHECK_STR(msg_type_name(MSG_TYPE_COUNT), "");
    CHECK_STR(msg_type_name((msg_type_t) -1), "");
    CHECK_INT(msg_type_parse(""), MSG_UNKNOWN);
    CHECK_INT(msg_type_parse("PING"), MSG_UNKNOWN); /* names are case-sensitive */
    CHECK_INT(msg_type_parse("events_since"), MSG_UNKNOWN);
    CHECK_INT(msg_type_parse("ping "), MSG_UNKNOWN);
}

/* ---- typed round trips -------------------------------------------------- */

static void
test_ping_pong_error_heartbeat(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    wire_err_t err;

    CHECK_INT(msg_encode_ping(&buf), 0);
    msg_in_t *in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_PING);
    CHECK_STR(msg_in_type_name(in), "ping");
    CHECK_INT(msg_in_root(in)->type, MSGPACK_OBJECT_MAP);
    CHECK_INT(msg_in_root(in)->via.map.size, 2);
    CHECK_INT(msg_decode_ping(in, &err), 0);
    msg_pong_t pong;
    CHECK_INT(msg_decode_pong(in, &pong, &err), -1); /* a ping is not a pong */
    CHECK_STR(err.code, "wrong_type");
    CHECK(strstr(err.message, "'pong'") && strstr(err.message, "'ping'"));
    msg_in_destroy(&in);
    CHECK(in == NULL);
    msg_in_destroy(&in); /* harmless twice */
    msg_in_destroy(NULL);

    msg_pong_t p = {.last_seq = INT64_MAX};
    s_fill(p.service, sizeof p.service, 's');
    s_fill(p.status, sizeof p.status, 't');
    s_fill(p.version, sizeof p.version, 'v');
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_pong(&p, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_PONG);
    memset(&pong, 0x55, sizeof pong);
    CHECK_INT(msg_decode_pong(in, &pong, &err), 0);
    CHECK_STR(pong.service, p.service);
    CHECK_STR(pong.status, p.status);
    CHECK_STR(pong.version, p.version);
    CHECK(pong.last_seq == INT64_MAX);
    CHECK_INT(msg_decode_ping(in, &err), -1);
    CHECK_STR(err.code, "wrong_type");
    msg_in_destroy(&in);

    msg_error_t e = {.code = "unknown_participant"};
    s_fill(e.message, sizeof e.message, 'm');
    e.message[0] = '\xc3'; /* UTF-8 text passes through as bytes */
    e.message[1] = '\xbc';
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_error(&e, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_ERROR);
    msg_error_t e2;
    CHECK_INT(msg_decode_error(in, &e2, &err), 0);
    CHECK_STR(e2.code, e.code);
    CHECK_STR(e2.message, e.message);
    msg_in_destroy(&in);

    msg_heartbeat_t hb = {.service = "registry", .last_seq = 0};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_heartbeat(&hb, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_HEARTBEAT);
    msg_heartbeat_t hb2 = {.last_seq = 5};
    CHECK_INT(msg_decode_heartbeat(in, &hb2, &err), 0);
    CHECK_STR(hb2.service, "registry");
    CHECK_INT(hb2.last_seq, 0);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

/* msg_reply_error: what a service's request handler answers when it
   cannot serve: the reply's earlier content replaced, the message formatted
   and cut to msg_error_t's sizes, the bytes msg_encode_error writes. */
static void
test_reply_error(void)
{
    msgpack_sbuffer reply, want;
    msgpack_sbuffer_init(&reply);
    msgpack_sbuffer_init(&want);
    CHECK_INT(msg_encode_ping(&reply), 0); /* a reply half built, then a failure */
    CHECK_INT(msg_reply_error(&reply, "unknown_event", "there is no event %lld in the %s",
                              (long long) 42, "log"),
              0);
    const msg_error_t m = {.code = "unknown_event", .message = "there is no event 42 in the log"};
    CHECK_INT(msg_encode_error(&m, &want), 0);
    CHECK(reply.size == want.size && memcmp(reply.data, want.data, want.size) == 0);

    /* a code and a message longer than the fields are cut, not refused */
    char code[64], text[1024];
    s_fill(code, sizeof code, 'c');
    s_fill(text, sizeof text, 't');
    CHECK_INT(msg_reply_error(&reply, code, "%s", text), 0);
    msg_in_t *in = s_parse(&reply);
    msg_error_t got;
    wire_err_t err;
    CHECK_INT(msg_decode_error(in, &got, &err), 0);
    CHECK_INT(strlen(got.code), sizeof got.code - 1);
    CHECK_INT(strlen(got.message), sizeof got.message - 1);
    CHECK(strncmp(got.message, text, sizeof got.message - 1) == 0);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&want);
    msgpack_sbuffer_destroy(&reply);
}

static void
test_deposit_retract(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    wire_err_t err;

    msg_deposit_t d = {.instrument = "XVIII-12-a",
                       .participant = "C\xc3\xb4te d'Ivoire",
                       .action = "ratification",
                       .date = "2003-07-01"};
    CHECK_INT(msg_encode_deposit(&d, &buf), 0);
    msg_in_t *in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_DEPOSIT);
    msg_deposit_t d2;
    CHECK_INT(msg_decode_deposit(in, &d2, &err), 0);
    CHECK_STR(d2.instrument, d.instrument);
    CHECK_STR(d2.participant, d.participant);
    CHECK_STR(d2.action, d.action);
    CHECK_STR(d2.date, d.date);
    CHECK(s_reencodes_to_itself(in, buf.data, buf.size));
    msg_in_destroy(&in);

    /* the date travels as text: the registry, not the codec, checks it */
    msg_deposit_t full;
    s_fill(full.instrument, sizeof full.instrument, 'i');
    s_fill(full.participant, sizeof full.participant, 'p');
    s_fill(full.action, sizeof full.action, 'a');
    s_fill(full.date, sizeof full.date, 'd');
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_deposit(&full, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_decode_deposit(in, &d2, &err), 0);
    CHECK_STR(d2.instrument, full.instrument);
    CHECK_STR(d2.participant, full.participant);
    CHECK_STR(d2.action, full.action);
    CHECK_STR(d2.date, full.date);
    msg_in_destroy(&in);

    /* one byte over a cap: refused, naming the field */
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    char big[sizeof full.participant + 1];
    s_fill(big, sizeof big, 'p');
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "deposit", 4);
    wire_pack_kv_str(&pk, "instrument", "UNTOC");
    wire_pack_kv_str(&pk, "participant", big);
    wire_pack_kv_str(&pk, "action", "ratification");
    wire_pack_kv_str(&pk, "date", "2003-07-01");
    in = s_parse(&buf);
    CHECK_INT(msg_decode_deposit(in, &d2, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(strstr(err.message, "'participant'") && strstr(err.message, "127"));
    msg_in_destroy(&in);

    msg_retract_t r = {.seq = 12};
    s_fill(r.reason, sizeof r.reason, 'r');
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_retract(&r, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_RETRACT);
    msg_retract_t r2;
    CHECK_INT(msg_decode_retract(in, &r2, &err), 0);
    CHECK_INT(r2.seq, 12);
    CHECK_STR(r2.reason, r.reason);
    msg_in_destroy(&in);

    /* an empty reason decodes (the registry refuses it, not the codec) */
    msg_retract_t empty = {.seq = -3, .reason = ""};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_retract(&empty, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_decode_retract(in, &r2, &err), 0);
    CHECK_INT(r2.seq, -3);
    CHECK_STR(r2.reason, "");
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

static void
test_accepted_event(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    wire_err_t err;
    const event_t samples[4] = {vec_event_armenia(), vec_event_signature(), vec_event_retraction(),
                                vec_event_denunciation()};
    for (int i = 0; i < 4; i++) {
        for (int dup = 0; dup < 2; dup++) {
            msg_accepted_t a = {.seq = samples[i].seq, .duplicate = dup, .event = samples[i]};
            msgpack_sbuffer_clear(&buf);
            CHECK_INT(msg_encode_accepted(&a, &buf), 0);
            msg_in_t *in = s_parse(&buf);
            CHECK_INT(msg_in_type(in), MSG_ACCEPTED);
            msg_accepted_t a2;
            CHECK_INT(msg_decode_accepted(in, &a2, &err), 0);
            CHECK_INT(a2.seq, a.seq);
            CHECK_INT(a2.duplicate, dup);
            CHECK(s_same_event(&a2.event, &samples[i]));
            msg_in_destroy(&in);
        }
        msgpack_sbuffer_clear(&buf);
        CHECK_INT(msg_encode_event(&samples[i], &buf), 0);
        msg_in_t *in = s_parse(&buf);
        CHECK_INT(msg_in_type(in), MSG_EVENT);
        event_t e;
        CHECK_INT(msg_decode_event(in, &e, &err), 0);
        CHECK(s_same_event(&e, &samples[i]));
        CHECK_INT(msg_read_event(msg_in_root(in), &e, &err), 0);
        CHECK(s_same_event(&e, &samples[i]));
        msg_in_destroy(&in);
    }

    /* every action name, at the caps */
    for (int a = ACTION_SIGNATURE; a <= ACTION_RETRACTION; a++) {
        event_t ev = {
            .seq = a, .action = (action_t) a, .date = rdate_from_ymd(1, 1, 1), .recorded_ms = -1};
        s_fill(ev.instrument, sizeof ev.instrument, 'I');
        s_fill(ev.participant, sizeof ev.participant, 'P');
        if (a == ACTION_RETRACTION) {
            ev.retracts = INT64_MAX;
            s_fill(ev.reason, sizeof ev.reason, 'R');
        }
        msgpack_sbuffer_clear(&buf);
        CHECK_INT(msg_encode_event(&ev, &buf), 0);
        msg_in_t *in = s_parse(&buf);
        event_t e;
        memset(&e, 0x77, sizeof e);
        CHECK_INT(msg_decode_event(in, &e, &err), 0);
        CHECK(s_same_event(&e, &ev));
        CHECK_INT(msg_in_root(in)->via.map.size, a == ACTION_RETRACTION ? 10 : 8);
        CHECK(s_reencodes_to_itself(in, buf.data, buf.size));
        msg_in_destroy(&in);
    }

    /* an event without a date encodes "date" as nil, which the decoder
       reads as missing: events always carry a date */
    event_t undated = vec_event_armenia();
    undated.date = RDATE_NONE;
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_event(&undated, &buf), 0);
    s_expect_reencode_error(&buf, "missing_field", "'date'");

    /* wrong types between the two event carriers */
    msgpack_sbuffer_clear(&buf);
    const event_t armenia = vec_event_armenia();
    msg_encode_event(&armenia, &buf);
    msg_in_t *in = s_parse(&buf);
    msg_accepted_t a2;
    CHECK_INT(msg_decode_accepted(in, &a2, &err), -1);
    CHECK_STR(err.code, "wrong_type");
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

static void
test_events(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    wire_err_t err;

    msg_events_since_t s = {.from = 41, .limit = 7};
    CHECK_INT(msg_encode_events_since(&s, &buf), 0);
    msg_in_t *in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_EVENTS_SINCE);
    msg_events_since_t s2;
    CHECK_INT(msg_decode_events_since(in, &s2, &err), 0);
    CHECK_INT(s2.from, 41);
    CHECK_INT(s2.limit, 7);
    msg_in_destroy(&in);

    /* "limit" is optional: absent or nil reads 0 */
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "events.since", 1);
    wire_pack_kv_int(&pk, "from", 3);
    in = s_parse(&buf);
    s2.limit = 99;
    CHECK_INT(msg_decode_events_since(in, &s2, &err), 0);
    CHECK_INT(s2.from, 3);
    CHECK_INT(s2.limit, 0);
    msg_in_destroy(&in);
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "events.since", 2);
    wire_pack_kv_int(&pk, "from", 3);
    wire_pack_kv_nil(&pk, "limit");
    in = s_parse(&buf);
    CHECK_INT(msg_decode_events_since(in, &s2, &err), 0);
    CHECK_INT(s2.limit, 0);
    msg_in_destroy(&in);

    /* an empty batch */
    msg_events_t m = {.last_seq = 0, .more = false};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_events(&m, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_EVENTS);
    msg_events_t m2;
    CHECK_INT(msg_decode_events(in, &m2, &err), 0);
    CHECK_INT(m2.count, 0);
    CHECK(m2.events == NULL);
    CHECK(!m2.more);
    msg_events_clear(&m2);
    msg_in_destroy(&in);

    /* the largest batch of the largest events still fits in a frame */
    event_t *evs = calloc(MSG_EVENTS_MAX_BATCH, sizeof *evs);
    for (int i = 0; i < MSG_EVENTS_MAX_BATCH; i++) {
        evs[i].seq = INT64_MAX - MSG_EVENTS_MAX_BATCH + i;
        evs[i].action = i % 2 ? ACTION_RETRACTION : ACTION_SUCCESSION;
        s_fill(evs[i].instrument, sizeof evs[i].instrument, 'I');
        s_fill(evs[i].participant, sizeof evs[i].participant, 'P');
        evs[i].date = rdate_from_ymd(9999, 12, 31);
        evs[i].recorded_ms = INT64_MIN + i;
        if (evs[i].action == ACTION_RETRACTION) {
            evs[i].retracts = INT64_MAX - i;
            s_fill(evs[i].reason, sizeof evs[i].reason, 'R');
        }
    }
    m = (msg_events_t){
        .last_seq = INT64_MAX, .more = true, .count = MSG_EVENTS_MAX_BATCH, .events = evs};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_events(&m, &buf), 0);
    CHECK(buf.size <= SOCK_MAX_MSG_BYTES);
    in = s_parse(&buf);
    CHECK_INT(msg_decode_events(in, &m2, &err), 0);
    CHECK_INT(m2.count, MSG_EVENTS_MAX_BATCH);
    CHECK(m2.more);
    CHECK(m2.last_seq == INT64_MAX);
    int same = 0;
    for (size_t i = 0; i < m2.count; i++)
        same += s_same_event(&m2.events[i], &evs[i]);
    CHECK_INT(same, MSG_EVENTS_MAX_BATCH);
    msg_events_clear(&m2);
    CHECK(m2.events == NULL && m2.count == 0);
    CHECK(s_reencodes_to_itself(in, buf.data, buf.size));
    msg_in_destroy(&in);

    /* a bad event in the middle of a batch: the whole decode fails, and
       nothing leaks */
    evs[500].action = ACTION_NONE; /* encodes as "" */
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(msg_encode_events(&m, &buf), 0);
    in = s_parse(&buf);
    CHECK_INT(msg_decode_events(in, &m2, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(strstr(err.message, "action") != NULL);
    CHECK(m2.events == NULL && m2.count == 0);
    msg_in_destroy(&in);
    free(evs);
    msgpack_sbuffer_destroy(&buf);
}

/* ---- the envelope -------------------------------------------------------- */

static void
test_envelope(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);

    vec_envelope(&pk, 2, "ping", 0);
    s_expect_parse_error(buf.data, buf.size, "bad_version", "version 2");
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 0, "ping", 0);
    s_expect_parse_error(buf.data, buf.size, "bad_version", NULL);
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, -1, "ping", 0);
    s_expect_parse_error(buf.data, buf.size, "bad_version", NULL);

    msgpack_sbuffer_clear(&buf);
    msgpack_pack_map(&pk, 1);
    wire_pack_kv_int(&pk, "v", 1);
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "'type'");
    msgpack_sbuffer_clear(&buf);
    msgpack_pack_map(&pk, 2);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_nil(&pk, "type");
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "'type'");
    msgpack_sbuffer_clear(&buf);
    msgpack_pack_map(&pk, 0);
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "'v'");
    msgpack_sbuffer_clear(&buf);
    msgpack_pack_array(&pk, 2);
    wire_pack_kv_int(&pk, "v", 1); /* ["v", 1] */
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "map");
    msgpack_sbuffer_clear(&buf);
    msgpack_pack_nil(&pk);
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "map");
    msgpack_sbuffer_clear(&buf);
    wire_pack_str(&pk, "ping");
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "map");

    /* a type name longer than the frame keeps (63 bytes) */
    char longtype[65];
    s_fill(longtype, sizeof longtype, 't');
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, longtype, 0);
    s_expect_parse_error(buf.data, buf.size, "bad_envelope", "'type'");
    longtype[63] = '\0';
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, longtype, 0);
    msg_in_t *in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_UNKNOWN);
    CHECK_STR(msg_in_type_name(in), longtype);
    msg_in_destroy(&in);

    /* an unknown type parses; re-encoding it fails */
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "x-from-the-future", 1);
    wire_pack_kv_int(&pk, "seq", 1);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_UNKNOWN);
    CHECK_STR(msg_in_type_name(in), "x-from-the-future");
    msg_in_destroy(&in);
    s_expect_reencode_error(&buf, "unknown_type", "'x-from-the-future'");
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "", 0);
    s_expect_reencode_error(&buf, "unknown_type", NULL);

    /* "v" first is the encoders' habit, not a requirement */
    msgpack_sbuffer_clear(&buf);
    msgpack_pack_map(&pk, 2);
    wire_pack_kv_str(&pk, "type", "ping");
    wire_pack_kv_int(&pk, "v", 1);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_PING);
    msg_in_destroy(&in);

    /* malformed bytes are bad_frame, with the offset */
    wire_err_t err;
    const uint8_t huge[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00};
    CHECK(msg_in_parse(huge, sizeof huge, &err) == NULL);
    CHECK_STR(err.code, "bad_frame");
    CHECK_INT(err.offset, 0);
    CHECK(msg_in_parse("", 0, &err) == NULL);
    CHECK_STR(err.code, "bad_frame");

    /* size: SOCK_MAX_MSG_BYTES is accepted, one byte more is too_large */
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "ping", 1);
    wire_pack_str(&pk, "padding");
    const size_t head = buf.size + 5; /* bin32 header */
    const size_t pad = SOCK_MAX_MSG_BYTES - head;
    msgpack_pack_bin(&pk, pad);
    char *zeros = calloc(1, SOCK_MAX_MSG_BYTES + 1);
    msgpack_pack_bin_body(&pk, zeros, pad);
    CHECK_INT(buf.size, SOCK_MAX_MSG_BYTES);
    in = s_parse(&buf);
    CHECK_INT(msg_in_type(in), MSG_PING);
    msgpack_sbuffer ping;
    msgpack_sbuffer_init(&ping);
    msg_encode_ping(&ping);
    CHECK(s_reencodes_to_itself(in, ping.data, ping.size)); /* the padding is dropped */
    msgpack_sbuffer_destroy(&ping);
    msg_in_destroy(&in);
    msgpack_sbuffer_clear(&buf);
    vec_envelope(&pk, 1, "ping", 1);
    wire_pack_str(&pk, "padding");
    msgpack_pack_bin(&pk, pad + 1);
    msgpack_pack_bin_body(&pk, zeros, pad + 1);
    CHECK_INT(buf.size, SOCK_MAX_MSG_BYTES + 1);
    s_expect_parse_error(buf.data, buf.size, "too_large", "1048576");
    /* the size is checked before the bytes are looked at */
    s_expect_parse_error(zeros, SOCK_MAX_MSG_BYTES + 1, "too_large", NULL);
    free(zeros);

    /* msg_in_parse copies the frame: the caller's buffer may go */
    msgpack_sbuffer_clear(&buf);
    vec_deposit(&buf);
    char *copy = malloc(buf.size);
    memcpy(copy, buf.data, buf.size);
    in = msg_in_parse(copy, buf.size, &err);
    memset(copy, 0, buf.size);
    free(copy);
    msg_deposit_t d;
    CHECK_INT(msg_decode_deposit(in, &d, &err), 0);
    CHECK_STR(d.participant, "Armenia");
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

/* ---- fields: missing, mistyped, extra, reordered ----------------------- */

typedef enum { EDIT_NONE, EDIT_DROP, EDIT_RETYPE, EDIT_REVERSE, EDIT_EXTRA } s_edit_t;

/* Re-packs a root map with one edit applied to `key` (or to all fields). */
static void
s_repack(const msgpack_object *root, s_edit_t edit, const char *key, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    const uint32_t n = root->via.map.size;
    msgpack_pack_map(&pk, n - (edit == EDIT_DROP) + (edit == EDIT_EXTRA));
    for (uint32_t j = 0; j < n; j++) {
        /* reversing keeps the envelope first, so the frame still parses */
        const uint32_t i = edit == EDIT_REVERSE && j >= 2 ? n - 1 - (j - 2) : j;
        const msgpack_object_kv *kv = &root->via.map.ptr[i];
        const bool hit = kv->key.via.str.size == strlen(key)
                         && memcmp(kv->key.via.str.ptr, key, strlen(key)) == 0;
        if (hit && edit == EDIT_DROP)
            continue;
        msgpack_pack_object(&pk, kv->key);
        if (hit && edit == EDIT_RETYPE) {
            if (kv->val.type == MSGPACK_OBJECT_BOOLEAN)
                msgpack_pack_int64(&pk, 1);
            else
                msgpack_pack_true(&pk);
        }
        else
            msgpack_pack_object(&pk, kv->val);
    }
    if (edit == EDIT_EXTRA) {
        wire_pack_str(&pk, key);
        msgpack_pack_array(&pk, 2);
        msgpack_pack_nil(&pk);
        wire_pack_str(&pk, "from a newer peer");
    }
}

/* How a decoder treats one top-level field when it is left out or given
   another type, where that is not the rule (required; mistyped is
   "bad_field"). type "*" is any type, "org.ratify." any published alert. */
typedef struct {
    const char *type;
    const char *key;
    bool optional;       /* left out, the frame still decodes */
    const char *retyped; /* the code for another type; NULL: still decodes */
} s_field_rule_t;

static const s_field_rule_t s_field_rules[] = {
    /* a container of the wrong type reads as missing */
    {"*", "event", false, "missing_field"},
    {"*", "events", false, "missing_field"},
    {"*", "limit", true, "bad_field"},
    {"milestone", "level", true, "bad_field"},
    {"milestone", "date", true, "bad_field"},
    {"milestone", "threshold_date", true, "bad_field"},
    {"milestone", "entry_into_force", true, "bad_field"},
    {"milestone", "waiting_for", true, "bad_field"},
    {"milestone", "participants", false, "missing_field"},
    {"milestones", "milestones", false, "missing_field"},
    {"status", "instrument", true, "bad_field"},
    {"status", "as_of", true, "bad_field"},
    {"status.reply", "instruments", false, "missing_field"},
    {"parties", "as_of", true, "bad_field"},
    {"parties.reply", "parties", false, "missing_field"},
    {"org.ratify.", "data", false, "missing_field"},
    /* alert_read does not read it: alert_encode writes the constant */
    {"org.ratify.", "datacontenttype", true, NULL},
    {"alerts", "alerts", false, "missing_field"},
    {"webhook.add", "type_prefix", true, "bad_field"},
    {"webhook.add", "secret", true, "bad_field"},
    {"webhook", "type_prefix", true, "bad_field"},
    {"webhook", "secret", true, "bad_field"},
    {"webhooks", "webhooks", false, "missing_field"},
    {"delivery", "last_error", true, "bad_field"},
    {"delivery", "next_attempt", true, "bad_field"},
    {"deliveries", "deliveries", false, "missing_field"},
    {"report", "format", true, "bad_field"},
    {"report", "as_of", true, "bad_field"},
    {"report", "instrument", true, "bad_field"},
    {"report.reply", "body", false, "missing_field"},
};

static s_field_rule_t
s_field_rule(const char *type, const char *key)
{
    for (size_t i = 0; i < sizeof s_field_rules / sizeof s_field_rules[0]; i++) {
        const s_field_rule_t *r = &s_field_rules[i];
        const bool type_hit =
            strcmp(r->type, "*") == 0 || strcmp(r->type, type) == 0
            || (strcmp(r->type, "org.ratify.") == 0 && strncmp(type, "org.ratify.", 11) == 0);
        if (type_hit && strcmp(r->key, key) == 0)
            return *r;
    }
    return (s_field_rule_t){type, key, false, "bad_field"};
}

/* Expects the frame to parse and codec_reencode to succeed. */
static void
s_expect_reencode_ok(const msgpack_sbuffer *buf)
{
    msg_in_t *in = s_parse(buf);
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    wire_err_t err;
    const int rc = in ? codec_reencode(in, &out, &err) : -1;
    if (in && rc != 0)
        fprintf(stderr, "codec_reencode: %s: %s\n", err.code, err.message);
    CHECK_INT(rc, 0);
    msgpack_sbuffer_destroy(&out);
    msg_in_destroy(&in);
}

/* For one valid frame: each field dropped or mistyped is named in the
   error (or decodes, where s_field_rules says so); extra and reordered
   fields re-encode to the canonical bytes. */
static void
s_check_fields(const char *name, const msgpack_sbuffer *frame)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(frame->data, frame->size, &err);
    if (!in)
        return;
    const msgpack_object *root = msg_in_root(in);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    for (uint32_t i = 2; i < root->via.map.size; i++) {
        char key[64], quoted[70];
        const msgpack_object *k = &root->via.map.ptr[i].key;
        snprintf(key, sizeof key, "%.*s", (int) k->via.str.size, k->via.str.ptr);
        snprintf(quoted, sizeof quoted, "'%s'", key);
        const s_field_rule_t rule = s_field_rule(msg_in_type_name(in), key);
        msgpack_sbuffer_clear(&buf);
        s_repack(root, EDIT_DROP, key, &buf);
        int before = check_failed_;
        if (rule.optional)
            s_expect_reencode_ok(&buf);
        else
            s_expect_reencode_error(&buf, "missing_field", quoted);
        if (check_failed_ != before)
            fprintf(stderr, "  (%s without %s)\n", name, key);
        msgpack_sbuffer_clear(&buf);
        s_repack(root, EDIT_RETYPE, key, &buf);
        before = check_failed_;
        if (rule.retyped)
            s_expect_reencode_error(&buf, rule.retyped, quoted);
        else
            s_expect_reencode_ok(&buf);
        if (check_failed_ != before)
            fprintf(stderr, "  (%s with a mistyped %s)\n", name, key);
    }
    msgpack_sbuffer_clear(&buf);
    s_repack(root, EDIT_EXTRA, "x-extension", &buf);
    msg_in_t *extra = s_parse(&buf);
    CHECK(extra && s_reencodes_to_itself(extra, frame->data, frame->size));
    msg_in_destroy(&extra);
    msgpack_sbuffer_clear(&buf);
    s_repack(root, EDIT_REVERSE, "", &buf);
    msg_in_t *reversed = s_parse(&buf);
    CHECK(reversed && s_reencodes_to_itself(reversed, frame->data, frame->size));
    msg_in_destroy(&reversed);
    msgpack_sbuffer_destroy(&buf);
    msg_in_destroy(&in);
}

static void
test_fields(void)
{
    for (size_t i = 0; i < VECTOR_COUNT; i++) {
        if (s_vectors[i].expect)
            continue;
        msgpack_sbuffer frame;
        msgpack_sbuffer_init(&frame);
        CHECK_INT(s_vectors[i].build(&frame), 0);
        s_check_fields(s_vectors[i].name, &frame);
        msgpack_sbuffer_destroy(&frame);
    }
}

/* ---- the vector files --------------------------------------------------- */

typedef struct {
    uint8_t *data;
    size_t size;
    char expect[64];    /* "# expect: <code>" */
    char contains[128]; /* "# message-contains: <text>" */
} s_vector_file_t;

static void
s_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static int
s_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* upper case is refused: the files are lower-case hex */
}

/* Reads a .hex file: `#` comment lines, then lower-case hex digits wrapped
   anywhere. Returns 0, or -1 with a reason on stderr. */
static int
s_read_hex(const char *path, s_vector_file_t *v)
{
    memset(v, 0, sizeof *v);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    size_t cap = 256;
    v->data = malloc(cap);
    char line[8192];
    int lineno = 0, rc = 0, high = -1;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#') {
            char text[sizeof line];
            snprintf(text, sizeof text, "%s", p);
            s_trim(text);
            if (strncmp(text, "# expect: ", 10) == 0)
                snprintf(v->expect, sizeof v->expect, "%.*s", (int) sizeof v->expect - 1,
                         text + 10);
            else if (strncmp(text, "# message-contains: ", 20) == 0)
                snprintf(v->contains, sizeof v->contains, "%.*s", (int) sizeof v->contains - 1,
                         text + 20);
            continue;
        }
        for (; *p && rc == 0; p++) {
            if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                continue;
            const int h = s_hex_value((unsigned char) *p);
            if (h < 0) {
                fprintf(stderr, "%s:%d: '%c' is not lower-case hex\n", path, lineno, *p);
                rc = -1;
            }
            else if (high < 0)
                high = h;
            else {
                if (v->size == cap)
                    v->data = realloc(v->data, cap *= 2);
                v->data[v->size++] = (uint8_t) (high << 4 | h);
                high = -1;
            }
        }
    }
    if (rc == 0 && high >= 0) {
        fprintf(stderr, "%s: an odd number of hex digits\n", path);
        rc = -1;
    }
    fclose(f);
    return rc;
}

/* msgpack -> JSON text -> msgpack gives the same bytes. */
static bool
s_json_round_trip(const msg_in_t *in, const s_vector_file_t *v, const char *path)
{
    json_t *j = wirejson_from_msgpack(msg_in_root(in));
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_error_t jerr;
    json_t *back = text ? json_loads(text, 0, &jerr) : NULL;
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
    const bool same = back && wirejson_to_msgpack(back, &pk) == 0 && out.size == v->size
                      && memcmp(out.data, v->data, v->size) == 0;
    if (!same)
        fprintf(stderr, "%s: msgpack -> JSON -> msgpack differs (%s)\n", path,
                text ? text : "no JSON");
    msgpack_sbuffer_destroy(&out);
    json_decref(back);
    free(text);
    json_decref(j);
    return same;
}

/* Returns the vector of that name in vectors.h, or NULL. */
static const vector_t *
s_vector_named(const char *name)
{
    for (size_t i = 0; i < VECTOR_COUNT; i++)
        if (strcmp(s_vectors[i].name, name) == 0)
            return &s_vectors[i];
    return NULL;
}

/* The bytes in the file are exactly what the encoders build today. */
static void
s_check_fresh(const char *name, const s_vector_file_t *v)
{
    const vector_t *want = s_vector_named(name);
    if (!want) {
        fprintf(stderr,
                "proto/vectors/%s.hex is not in tests/tools/vectors.h "
                "(run proto/make-vectors)\n",
                name);
        CHECK(want != NULL);
        return;
    }
    msgpack_sbuffer frame;
    msgpack_sbuffer_init(&frame);
    CHECK_INT(want->build(&frame), 0);
    const bool same =
        frame.size == v->size && (v->size == 0 || memcmp(frame.data, v->data, v->size) == 0);
    if (!same)
        fprintf(stderr,
                "proto/vectors/%s.hex differs from what the encoders build now "
                "(run proto/make-vectors)\n",
                name);
    CHECK(same);
    if (want->expect)
        CHECK_STR(v->expect, want->expect);
    msgpack_sbuffer_destroy(&frame);
}

static int
s_is_hex_file(const struct dirent *e)
{
    const size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".hex") == 0;
}

/* Runs fn on every *.hex of dir in name order; returns how many. */
static int
s_each_hex(const char *dir, const char *prefix, bool *covered)
{
    struct dirent **names = NULL;
    const int n = scandir(dir, &names, s_is_hex_file, alphasort);
    if (n < 0) {
        fprintf(stderr, "cannot read %s\n", dir);
        CHECK(n >= 0);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        char path[PATH_SIZE], name[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        snprintf(name, sizeof name, "%s%.*s", prefix, (int) strlen(names[i]->d_name) - 4,
                 names[i]->d_name);
        free(names[i]);
        s_vector_file_t v;
        const int before = check_failed_;
        CHECK_INT(s_read_hex(path, &v), 0);
        s_check_fresh(name, &v);
        wire_err_t err;
        memset(&err, 0, sizeof err);
        msg_in_t *in = msg_in_parse(v.data, v.size, &err);
        if (covered) { /* a valid message */
            if (!in)
                fprintf(stderr, "%s: %s: %s\n", path, err.code, err.message);
            CHECK(in != NULL);
            CHECK(v.expect[0] == '\0');
            if (in) {
                /* a published alert's type is its CloudEvents type: it
                   counts as MSG_UNKNOWN, the slot no other vector uses */
                covered[msg_in_type(in)] = true;
                CHECK(msg_in_type(in) != MSG_UNKNOWN || alert_type_known(msg_in_type_name(in)));
                CHECK(s_reencodes_to_itself(in, v.data, v.size));
                CHECK(s_json_round_trip(in, &v, path));
            }
        }
        else { /* malformed: fails at parse or at re-encode, with `expect` */
            CHECK(v.expect[0] != '\0');
            msgpack_sbuffer out;
            msgpack_sbuffer_init(&out);
            if (in) {
                CHECK_INT(codec_reencode(in, &out, &err), -1);
            }
            CHECK_STR(err.code, v.expect);
            if (v.contains[0] && !strstr(err.message, v.contains)) {
                fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, v.contains);
                CHECK(false);
            }
            msgpack_sbuffer_destroy(&out);
        }
        if (check_failed_ != before)
            fprintf(stderr, "  (in %s)\n", path);
        msg_in_destroy(&in);
        free(v.data);
    }
    free(names);
    return n;
}

/* True when codec_reencode has a codec for the type (every family's). */
static bool
s_reencode_knows(msg_type_t type)
{
    msgpack_sbuffer buf, out;
    msgpack_sbuffer_init(&buf);
    msgpack_sbuffer_init(&out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    vec_envelope(&pk, 1, msg_type_name(type), 0);
    wire_err_t err;
    msg_in_t *in = msg_in_parse(buf.data, buf.size, &err);
    bool known =
        in && (codec_reencode(in, &out, &err) == 0 || strcmp(err.code, "unknown_type") != 0);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&out);
    msgpack_sbuffer_destroy(&buf);
    return known;
}

static void
test_vector_files(void)
{
    const char *source = getenv("RATIFY_SOURCE_DIR");
    if (!source || !*source) {
        fprintf(stderr, "RATIFY_SOURCE_DIR is not set (CTest sets it)\n");
        CHECK(source != NULL);
        return;
    }
    char dir[PATH_SIZE], bad[PATH_SIZE];
    snprintf(dir, sizeof dir, "%s/proto/vectors", source);
    snprintf(bad, sizeof bad, "%s/proto/vectors/bad", source);
    bool covered[MSG_TYPE_COUNT] = {false};
    const int good = s_each_hex(dir, "", covered);
    const int malformed = s_each_hex(bad, "bad/", NULL);
    CHECK_INT(good + malformed, (int) VECTOR_COUNT); /* none missing */
    /* every type has a vector, and every type has a codec that
       codec_reencode reaches (a type no family knows answers
       "unknown_type" to a bare envelope) */
    for (int t = MSG_UNKNOWN + 1; t < MSG_TYPE_COUNT; t++) {
        if (!s_reencode_knows((msg_type_t) t))
            fprintf(stderr, "codec_reencode does not know '%s'\n", msg_type_name((msg_type_t) t));
        CHECK(s_reencode_knows((msg_type_t) t));
        if (!covered[t])
            fprintf(stderr, "no vector of type '%s' in proto/vectors\n",
                    msg_type_name((msg_type_t) t));
        CHECK(covered[t]);
    }
    if (!covered[MSG_UNKNOWN])
        fprintf(stderr, "no vector of a published alert in proto/vectors\n");
    CHECK(covered[MSG_UNKNOWN]);
    printf("test_msg: %d vectors, %d malformed vectors\n", good, malformed);
}

/* Every vector's builder is deterministic (the same values give the same
   bytes: no clock, nothing random), and a "milestones" batch built from
   already-encoded milestones (what the service sends) is byte for byte the
   typed encoder's. */
static void
test_deterministic(void)
{
    for (size_t i = 0; i < VECTOR_COUNT; i++) {
        msgpack_sbuffer a, b;
        msgpack_sbuffer_init(&a);
        msgpack_sbuffer_init(&b);
        CHECK_INT(s_vectors[i].build(&a), 0);
        CHECK_INT(s_vectors[i].build(&b), 0);
        const bool same = a.size == b.size && (a.size == 0 || memcmp(a.data, b.data, a.size) == 0);
        if (!same)
            fprintf(stderr, "vector %s: two builds differ\n", s_vectors[i].name);
        CHECK(same);
        msgpack_sbuffer_destroy(&a);
        msgpack_sbuffer_destroy(&b);
    }

    milestone_participant_t arm[2];
    const milestone_t ms[2] = {vec_milestone_untoc(MILESTONE_REACHED, &arm[0]),
                               vec_milestone_untoc(MILESTONE_SCHEDULED, &arm[1])};
    msgpack_sbuffer items, raw, typed;
    msgpack_sbuffer_init(&items);
    msgpack_sbuffer_init(&raw);
    msgpack_sbuffer_init(&typed);
    CHECK_INT(milestone_encode(&ms[0], &items), 0);
    const size_t first = items.size;
    CHECK_INT(milestone_encode(&ms[1], &items), 0);
    const milestone_raw_t r[2] = {{items.data, first}, {items.data + first, items.size - first}};
    CHECK_INT(milestone_encode_batch_raw(4, false, r, 2, &raw), 0);
    CHECK_INT(vec_milestones(&typed), 0);
    CHECK(raw.size == typed.size && memcmp(raw.data, typed.data, raw.size) == 0);
    msgpack_sbuffer_destroy(&items);
    msgpack_sbuffer_destroy(&raw);
    msgpack_sbuffer_destroy(&typed);
}

/* Every vector cut short at every byte is a bad_frame. */
static void
test_truncations(void)
{
    int refused = 0, tried = 0;
    for (size_t i = 0; i < VECTOR_COUNT; i++) {
        if (s_vectors[i].expect)
            continue;
        msgpack_sbuffer frame;
        msgpack_sbuffer_init(&frame);
        s_vectors[i].build(&frame);
        for (size_t len = 0; len < frame.size; len++) {
            wire_err_t err;
            msg_in_t *in = msg_in_parse(frame.data, len, &err);
            tried++;
            refused += !in && strcmp(err.code, "bad_frame") == 0;
            msg_in_destroy(&in);
        }
        msgpack_sbuffer_destroy(&frame);
    }
    CHECK_INT(refused, tried);
}

int
main(void)
{
    test_type_names();
    test_ping_pong_error_heartbeat();
    test_reply_error();
    test_deposit_retract();
    test_accepted_event();
    test_events();
    test_envelope();
    test_fields();
    test_vector_files();
    test_deterministic();
    test_truncations();
    return check_report("test_msg");
}
