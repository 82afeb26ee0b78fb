/*  vectors.h: the protocol's test vectors, as code.

    Each valid vector is built by the encoder of its type (msg_encode_xxx)
    from the values below; each malformed one ("bad/...") is raw bytes with
    the error code a receiver must answer. tests/tools/make_vectors.c writes
    them to proto/vectors/<name>.hex (and the fuzz seed corpus), and
    tests/unit/test_msg.c checks both ways: every file in proto/vectors
    parses and re-encodes to its own bytes, and every vector here is
    byte-for-byte the file of its name, so an encoder change that is not
    reflected in the vectors fails the test. Header-only on purpose: both
    programs include it, nothing else does. */
#ifndef RATIFY_TEST_VECTORS_H
#define RATIFY_TEST_VECTORS_H

#include "msg.h"

#include <string.h>

typedef struct {
    const char *name;     /* file name without ".hex"; "bad/..." for malformed frames */
    const char *about;    /* one line for the file's comment */
    const char *expect;   /* NULL for a valid message, else the error code */
    const char *contains; /* malformed: text the error message must contain, or NULL */
    int (*build)(msgpack_sbuffer *out);
} vector_t;

/* ---- values the valid vectors share ------------------------------------ */

/* 2003-07-01 (Armenia's ratification of UNTOC, the 40th), recorded the same
   day at 10:00 UTC. */
#define VEC_ARMENIA_MS INT64_C(1057053600000)

static event_t
vec_event_armenia(void)
{
    event_t e = {.seq = 40, .action = ACTION_RATIFICATION, .retracts = 0,
                 .recorded_ms = VEC_ARMENIA_MS};
    strcpy(e.instrument, "UNTOC");
    strcpy(e.participant, "ARM");
    e.date = rdate_from_ymd(2003, 7, 1);
    return e;
}

static event_t
vec_event_signature(void)
{
    event_t e = {.seq = 7, .action = ACTION_SIGNATURE, .recorded_ms = INT64_C(976615200000)};
    strcpy(e.instrument, "TIP");
    strcpy(e.participant, "SRB");
    e.date = rdate_from_ymd(2000, 12, 12);
    return e;
}

static event_t
vec_event_retraction(void)
{
    event_t e = {.seq = 41, .action = ACTION_RETRACTION, .retracts = 12,
                 .recorded_ms = VEC_ARMENIA_MS + 60000};
    strcpy(e.instrument, "UNTOC");
    strcpy(e.participant, "FRA");
    e.date = rdate_from_ymd(2003, 7, 1);
    strcpy(e.reason, "deposit recorded under the wrong date");
    return e;
}

static event_t
vec_event_denunciation(void)
{
    event_t e = {.seq = 43, .action = ACTION_DENUNCIATION,
                 .recorded_ms = INT64_C(1230768000000)};
    strcpy(e.instrument, "FIREARMS");
    strcpy(e.participant, "EU");
    e.date = rdate_from_ymd(2009, 1, 1);
    return e;
}

/* ---- valid vectors ----------------------------------------------------- */

static int
vec_ping(msgpack_sbuffer *out)
{
    return msg_encode_ping(out);
}

static int
vec_pong(msgpack_sbuffer *out)
{
    msg_pong_t m = {.service = "registry", .status = "ready", .version = "0.1.0",
                    .last_seq = 40};
    return msg_encode_pong(&m, out);
}

static int
vec_error(msgpack_sbuffer *out)
{
    msg_error_t m = {.code = "unknown_participant",
                     .message = "unknown participant 'Armenai'; did you mean 'Armenia'?"};
    return msg_encode_error(&m, out);
}

static int
vec_error_bad_frame(msgpack_sbuffer *out)
{
    msg_error_t m = {.code = "bad_frame",
                     .message = "invalid msgpack at byte 0: container declares more elements "
                                "than the frame holds"};
    return msg_encode_error(&m, out);
}

static int
vec_deposit(msgpack_sbuffer *out)
{
    msg_deposit_t m = {.instrument = "UNTOC", .participant = "Armenia",
                       .action = "ratification", .date = "2003-07-01"};
    return msg_encode_deposit(&m, out);
}

static int
vec_deposit_reference(msgpack_sbuffer *out)
{
    msg_deposit_t m = {.instrument = "XVIII-12-a", .participant = "Serbia and Montenegro",
                       .action = "signature", .date = "2000-12-12"};
    return msg_encode_deposit(&m, out);
}

static int
vec_retract(msgpack_sbuffer *out)
{
    msg_retract_t m = {.seq = 12, .reason = "deposit recorded under the wrong date"};
    return msg_encode_retract(&m, out);
}

static int
vec_accepted(msgpack_sbuffer *out)
{
    msg_accepted_t m = {.seq = 40, .duplicate = false, .event = vec_event_armenia()};
    return msg_encode_accepted(&m, out);
}

static int
vec_accepted_duplicate(msgpack_sbuffer *out)
{
    msg_accepted_t m = {.seq = 40, .duplicate = true, .event = vec_event_armenia()};
    return msg_encode_accepted(&m, out);
}

static int
vec_accepted_retraction(msgpack_sbuffer *out)
{
    msg_accepted_t m = {.seq = 41, .duplicate = false, .event = vec_event_retraction()};
    return msg_encode_accepted(&m, out);
}

static int
vec_events_since(msgpack_sbuffer *out)
{
    msg_events_since_t m = {.from = 1, .limit = MSG_EVENTS_MAX_BATCH};
    return msg_encode_events_since(&m, out);
}

static int
vec_events_since_nolimit(msgpack_sbuffer *out)
{
    msg_events_since_t m = {.from = 41, .limit = 0};
    return msg_encode_events_since(&m, out);
}

static int
vec_events(msgpack_sbuffer *out)
{
    event_t evs[4] = {vec_event_signature(), vec_event_armenia(), vec_event_retraction(),
                      vec_event_denunciation()};
    msg_events_t m = {.last_seq = 43, .more = false, .count = 4, .events = evs};
    return msg_encode_events(&m, out);
}

static int
vec_events_more(msgpack_sbuffer *out)
{
    event_t evs[2] = {vec_event_armenia(), vec_event_retraction()};
    msg_events_t m = {.last_seq = 43, .more = true, .count = 2, .events = evs};
    return msg_encode_events(&m, out);
}

static int
vec_events_empty(msgpack_sbuffer *out)
{
    msg_events_t m = {.last_seq = 43, .more = false, .count = 0, .events = NULL};
    return msg_encode_events(&m, out);
}

static int
vec_event(msgpack_sbuffer *out)
{
    const event_t e = vec_event_armenia();
    return msg_encode_event(&e, out);
}

static int
vec_event_signature_(msgpack_sbuffer *out)
{
    const event_t e = vec_event_signature();
    return msg_encode_event(&e, out);
}

static int
vec_event_retraction_(msgpack_sbuffer *out)
{
    const event_t e = vec_event_retraction();
    return msg_encode_event(&e, out);
}

static int
vec_heartbeat(msgpack_sbuffer *out)
{
    msg_heartbeat_t m = {.service = "registry", .last_seq = 43};
    return msg_encode_heartbeat(&m, out);
}

/* ---- malformed vectors ------------------------------------------------- */

static int
vec_raw(msgpack_sbuffer *out, const void *bytes, size_t size)
{
    return msgpack_sbuffer_write(out, (const char *) bytes, size);
}

/* Packs {"v": version, "type": type} and `extra` more pairs the caller
   adds; returns the packer's result. */
static int
vec_envelope(msgpack_packer *pk, int64_t version, const char *type, size_t extra)
{
    int rc = msgpack_pack_map(pk, 2 + extra);
    rc = rc ? rc : wire_pack_kv_int(pk, "v", version);
    return rc ? rc : wire_pack_kv_str(pk, "type", type);
}

static int
vec_bad_empty(msgpack_sbuffer *out)
{
    (void) out;
    return 0;
}

static int
vec_bad_truncated(msgpack_sbuffer *out)
{
    msgpack_sbuffer full;
    msgpack_sbuffer_init(&full);
    int rc = vec_deposit(&full);
    rc = rc ? rc : vec_raw(out, full.data, full.size - 1);
    msgpack_sbuffer_destroy(&full);
    return rc;
}

static int
vec_bad_trailing(msgpack_sbuffer *out)
{
    int rc = msg_encode_ping(out);
    return rc ? rc : vec_raw(out, "\xc0", 1);
}

static int
vec_bad_huge_array(msgpack_sbuffer *out)
{
    static const uint8_t bytes[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00};
    return vec_raw(out, bytes, sizeof bytes);
}

static int
vec_bad_huge_map(msgpack_sbuffer *out)
{
    static const uint8_t bytes[] = {0xdf, 0x00, 0x40, 0x00, 0x00, 0xa1, 'v', 0x01};
    return vec_raw(out, bytes, sizeof bytes);
}

static int
vec_bad_huge_str(msgpack_sbuffer *out)
{
    /* {"v": 1, "type": <str32 of 4 GiB - 1>} */
    static const uint8_t bytes[] = {0x82, 0xa1, 'v', 0x01, 0xa4, 't', 'y', 'p', 'e',
                                    0xdb, 0xff, 0xff, 0xff, 0xff, 'p', 'i', 'n', 'g'};
    return vec_raw(out, bytes, sizeof bytes);
}

static int
vec_bad_too_deep(msgpack_sbuffer *out)
{
    /* {"v": 1, "type": "ping", "x": [[[[[[[[nil]]]]]]]]}: the map and 8
       arrays are WIRE_MAX_DEPTH + 1 levels */
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "ping", 1);
    rc = rc ? rc : wire_pack_str(&pk, "x");
    for (int i = 0; !rc && i < WIRE_MAX_DEPTH; i++)
        rc = msgpack_pack_array(&pk, 1);
    return rc ? rc : msgpack_pack_nil(&pk);
}

static int
vec_bad_ext(msgpack_sbuffer *out)
{
    /* {"v": 1, "type": "ping", "t": fixext4 (a timestamp)} */
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "ping", 1);
    rc = rc ? rc : wire_pack_str(&pk, "t");
    static const uint8_t bytes[] = {0xd6, 0xff, 0x3e, 0xfe, 0x4f, 0x00};
    return rc ? rc : vec_raw(out, bytes, sizeof bytes);
}

static int
vec_bad_reserved(msgpack_sbuffer *out)
{
    static const uint8_t bytes[] = {0x82, 0xa1, 'v', 0x01, 0xa4, 't', 'y', 'p', 'e', 0xc1};
    return vec_raw(out, bytes, sizeof bytes);
}

static int
vec_bad_version(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    return vec_envelope(&pk, 2, "ping", 0);
}

static int
vec_bad_version_string(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msgpack_pack_map(&pk, 2);
    rc = rc ? rc : wire_pack_kv_str(&pk, "v", "1");
    return rc ? rc : wire_pack_kv_str(&pk, "type", "ping");
}

static int
vec_bad_no_version(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msgpack_pack_map(&pk, 1);
    return rc ? rc : wire_pack_kv_str(&pk, "type", "ping");
}

static int
vec_bad_no_type(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msgpack_pack_map(&pk, 1);
    return rc ? rc : wire_pack_kv_int(&pk, "v", 1);
}

static int
vec_bad_type_not_string(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msgpack_pack_map(&pk, 2);
    rc = rc ? rc : wire_pack_kv_int(&pk, "v", 1);
    return rc ? rc : wire_pack_kv_int(&pk, "type", 1);
}

static int
vec_bad_array_top(msgpack_sbuffer *out)
{
    /* [1, "ping"] */
    static const uint8_t bytes[] = {0x92, 0x01, 0xa4, 'p', 'i', 'n', 'g'};
    return vec_raw(out, bytes, sizeof bytes);
}

static int
vec_bad_unknown_type(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    return vec_envelope(&pk, 1, "ratify.everything", 0);
}

static int
vec_bad_deposit_no_date(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "deposit", 3);
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", "UNTOC");
    rc = rc ? rc : wire_pack_kv_str(&pk, "participant", "Armenia");
    return rc ? rc : wire_pack_kv_str(&pk, "action", "ratification");
}

static int
vec_bad_deposit_date_int(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "deposit", 4);
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", "UNTOC");
    rc = rc ? rc : wire_pack_kv_str(&pk, "participant", "Armenia");
    rc = rc ? rc : wire_pack_kv_str(&pk, "action", "ratification");
    return rc ? rc : wire_pack_kv_int(&pk, "date", 20030701);
}

static int
vec_bad_retract_seq_string(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "retract", 2);
    rc = rc ? rc : wire_pack_kv_str(&pk, "seq", "12");
    return rc ? rc : wire_pack_kv_str(&pk, "reason", "wrong date");
}

static int
vec_bad_events_since_negative(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "events.since", 2);
    rc = rc ? rc : wire_pack_kv_int(&pk, "from", 1);
    return rc ? rc : wire_pack_kv_int(&pk, "limit", -1);
}

static int
vec_bad_event_unknown_action(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "event", 6);
    rc = rc ? rc : wire_pack_kv_int(&pk, "seq", 5);
    rc = rc ? rc : wire_pack_kv_str(&pk, "action", "ratifcation");
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", "UNTOC");
    rc = rc ? rc : wire_pack_kv_str(&pk, "participant", "ARM");
    rc = rc ? rc : wire_pack_kv_str(&pk, "date", "2003-07-01");
    return rc ? rc : wire_pack_kv_int(&pk, "recorded_ms", VEC_ARMENIA_MS);
}

static int
vec_bad_event_retraction_no_reason(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "event", 7);
    rc = rc ? rc : wire_pack_kv_int(&pk, "seq", 41);
    rc = rc ? rc : wire_pack_kv_str(&pk, "action", "retraction");
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", "UNTOC");
    rc = rc ? rc : wire_pack_kv_str(&pk, "participant", "FRA");
    rc = rc ? rc : wire_pack_kv_str(&pk, "date", "2003-07-01");
    rc = rc ? rc : wire_pack_kv_int(&pk, "retracts", 12);
    return rc ? rc : wire_pack_kv_int(&pk, "recorded_ms", VEC_ARMENIA_MS);
}

static int
vec_bad_accepted_no_event(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "accepted", 2);
    rc = rc ? rc : wire_pack_kv_int(&pk, "seq", 40);
    return rc ? rc : wire_pack_kv_bool(&pk, "duplicate", false);
}

static int
vec_bad_events_item_not_map(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "events", 3);
    rc = rc ? rc : wire_pack_kv_int(&pk, "last_seq", 1);
    rc = rc ? rc : wire_pack_kv_bool(&pk, "more", false);
    rc = rc ? rc : wire_pack_str(&pk, "events");
    rc = rc ? rc : msgpack_pack_array(&pk, 1);
    return rc ? rc : msgpack_pack_int64(&pk, 1);
}

static int
vec_bad_string_with_nul(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = vec_envelope(&pk, 1, "error", 2);
    rc = rc ? rc : wire_pack_kv_str(&pk, "code", "bad_frame");
    rc = rc ? rc : wire_pack_str(&pk, "message");
    rc = rc ? rc : msgpack_pack_str(&pk, 5);
    return rc ? rc : msgpack_pack_str_body(&pk, "ab\0cd", 5);
}

static const vector_t s_vectors[] = {
    {"ping", "ping: any API, are you there?", NULL, NULL, vec_ping},
    {"pong", "pong: the registry's answer to ping", NULL, NULL, vec_pong},
    {"error", "error: a rejected deposit, with a suggestion", NULL, NULL, vec_error},
    {"error-bad-frame", "error: the answer to a malformed request", NULL, NULL,
     vec_error_bad_frame},
    {"deposit", "deposit: Armenia ratifies the Convention (the 40th instrument)", NULL, NULL,
     vec_deposit},
    {"deposit-reference", "deposit: by UNTC reference and a former name", NULL, NULL,
     vec_deposit_reference},
    {"retract", "retract: mark event 12 as erroneous", NULL, NULL, vec_retract},
    {"accepted", "accepted: the deposit is stored as event 40", NULL, NULL, vec_accepted},
    {"accepted-duplicate", "accepted: the same deposit again, the original event", NULL, NULL,
     vec_accepted_duplicate},
    {"accepted-retraction", "accepted: a retraction is stored as event 41", NULL, NULL,
     vec_accepted_retraction},
    {"events-since", "events.since: replay the log from the start", NULL, NULL,
     vec_events_since},
    {"events-since-nolimit", "events.since: limit 0 means the largest batch", NULL, NULL,
     vec_events_since_nolimit},
    {"events", "events: a batch of four, the last one", NULL, NULL, vec_events},
    {"events-more", "events: a batch with more to come", NULL, NULL, vec_events_more},
    {"events-empty", "events: nothing at or after `from`", NULL, NULL, vec_events_empty},
    {"event", "event: published on topic \"event\" after the commit", NULL, NULL, vec_event},
    {"event-signature", "event: a signature", NULL, NULL, vec_event_signature_},
    {"event-retraction", "event: a retraction carries retracts and reason", NULL, NULL,
     vec_event_retraction_},
    {"heartbeat", "heartbeat: published on topic \"heartbeat\" every second", NULL, NULL,
     vec_heartbeat},

    {"bad/empty", "malformed: an empty frame", "bad_frame", "empty", vec_bad_empty},
    {"bad/truncated", "malformed: a deposit missing its last byte", "bad_frame",
     "declared length exceeds the frame",
     vec_bad_truncated},
    {"bad/trailing", "malformed: a ping followed by one more byte", "bad_frame", "trailing",
     vec_bad_trailing},
    {"bad/huge-array", "malformed: 7 bytes declaring an array of 2^32 - 1 elements", "bad_frame",
     "more elements", vec_bad_huge_array},
    {"bad/huge-map", "malformed: a map declaring 4194304 entries", "bad_frame", "more elements",
     vec_bad_huge_map},
    {"bad/huge-str", "malformed: a type string declaring 4 GiB", "bad_frame", "declared length",
     vec_bad_huge_str},
    {"bad/too-deep", "malformed: a field nested one level deeper than WIRE_MAX_DEPTH", "bad_frame",
     "deep", vec_bad_too_deep},
    {"bad/ext", "malformed: an extension type (a msgpack timestamp)", "bad_frame", "extension",
     vec_bad_ext},
    {"bad/reserved", "malformed: the reserved type byte 0xc1", "bad_frame", "0xc1", vec_bad_reserved},
    {"bad/version-2", "malformed: a protocol version this build does not speak", "bad_version", "2",
     vec_bad_version},
    {"bad/version-string", "malformed: \"v\" must be an integer", "bad_envelope", "'v'",
     vec_bad_version_string},
    {"bad/no-version", "malformed: a map without \"v\"", "bad_envelope", "'v'", vec_bad_no_version},
    {"bad/no-type", "malformed: a map without \"type\"", "bad_envelope", "'type'", vec_bad_no_type},
    {"bad/type-not-string", "malformed: \"type\" must be a string", "bad_envelope", "'type'",
     vec_bad_type_not_string},
    {"bad/array-top", "malformed: a message must be a map, not an array", "bad_envelope", "map",
     vec_bad_array_top},
    {"bad/unknown-type", "malformed: a type this build does not know", "unknown_type",
     "ratify.everything", vec_bad_unknown_type},
    {"bad/deposit-no-date", "malformed: a deposit without its date", "missing_field", "'date'",
     vec_bad_deposit_no_date},
    {"bad/deposit-date-int", "malformed: a deposit whose date is an integer", "bad_field", "'date'",
     vec_bad_deposit_date_int},
    {"bad/retract-seq-string", "malformed: a retract whose seq is a string", "bad_field", "'seq'",
     vec_bad_retract_seq_string},
    {"bad/events-since-negative", "malformed: events.since with a negative limit", "bad_field", "'limit'",
     vec_bad_events_since_negative},
    {"bad/event-unknown-action", "malformed: an event with a misspelt action", "bad_field", "action",
     vec_bad_event_unknown_action},
    {"bad/event-retraction-no-reason", "malformed: a retraction event without its reason",
     "missing_field", "'reason'", vec_bad_event_retraction_no_reason},
    {"bad/accepted-no-event", "malformed: accepted without the stored event", "missing_field",
     "'event'", vec_bad_accepted_no_event},
    {"bad/events-item-not-map", "malformed: an events batch whose item is not a map", "bad_field",
     "events[0]", vec_bad_events_item_not_map},
    {"bad/string-with-nul", "malformed: an error message holding a NUL byte", "bad_field", "NUL",
     vec_bad_string_with_nul},
};

#define VECTOR_COUNT (sizeof s_vectors / sizeof s_vectors[0])

#endif
