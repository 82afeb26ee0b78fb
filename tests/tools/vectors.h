/*  vectors.h: the protocol's test vectors, as code.

    Each valid vector is built by the typed encoder of its type, whichever
    service owns it (msg_encode_xxx for the registry's messages,
    milestone_encode_xxx for the threshold service's, alert_encode_xxx for
    the notifier's, report_msg_encode_xxx for the reporter's) from the
    fixed values below (no clock: times are constants); each malformed one ("bad/...") is raw bytes with
    the error code a receiver must answer. tests/tools/make_vectors.c writes
    them to proto/vectors/<name>.hex (and the fuzz seed corpus), and
    tests/unit/test_msg.c checks both ways: every file in proto/vectors
    parses and re-encodes to its own bytes, and every vector here is
    byte-for-byte the file of its name, so an encoder change that is not
    reflected in the vectors fails the test. Header-only on purpose: both
    programs include it, nothing else does. */
#ifndef RATIFY_TEST_VECTORS_H
#define RATIFY_TEST_VECTORS_H

#include "alert.h"
#include "milestone.h"
#include "msg.h"
#include "report_msg.h"

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
    event_t e = {
        .seq = 40, .action = ACTION_RATIFICATION, .retracts = 0, .recorded_ms = VEC_ARMENIA_MS};
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
    event_t e = {.seq = 41,
                 .action = ACTION_RETRACTION,
                 .retracts = 12,
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
    event_t e = {.seq = 43, .action = ACTION_DENUNCIATION, .recorded_ms = INT64_C(1230768000000)};
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
    msg_pong_t m = {.service = "registry", .status = "ready", .version = "0.1.0", .last_seq = 40};
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
    msg_deposit_t m = {.instrument = "UNTOC",
                       .participant = "Armenia",
                       .action = "ratification",
                       .date = "2003-07-01"};
    return msg_encode_deposit(&m, out);
}

static int
vec_deposit_reference(msgpack_sbuffer *out)
{
    msg_deposit_t m = {.instrument = "XVIII-12-a",
                       .participant = "Serbia and Montenegro",
                       .action = "signature",
                       .date = "2000-12-12"};
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

/* ---- threshold service (milestone.h) ------------------------------------ */

/* The seed replayed as at 2003-07-02: UNTOC's milestones are seq 1 (N-5,
   Cyprus on 2003-04-22 is the 35th instrument), 2 (N-1, Belarus on
   2003-06-25), 3 (reached: Armenia on 2003-07-01) and 4 (scheduled: the
   90th day after, 2003-09-29). */
#define VEC_UNTOC_TITLE "United Nations Convention against Transnational Organized Crime"
#define VEC_TIP_TITLE                                                                              \
    "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and "       \
    "Children"

/* A UNTOC milestone of that kind (approaching N-5, reached, scheduled, or
   revised: seq 5, after a retraction of Armenia's deposit leaves 39 and no
   known entry into force) with every field set as the service sets it;
   `crossing` is filled with Armenia and used once the threshold is
   reached. */
static milestone_t
vec_milestone_untoc(milestone_kind_t kind, milestone_participant_t *crossing)
{
    milestone_t m = {.kind = kind,
                     .threshold = 40,
                     .count = 40,
                     .threshold_date = rdate_from_ymd(2003, 7, 1),
                     .entry_into_force = rdate_from_ymd(2003, 9, 29),
                     .stage = RULES_STAGE_SCHEDULED,
                     .participant_count = 1,
                     .participants = crossing};
    strcpy(m.instrument, "UNTOC");
    strcpy(m.reference, "XVIII-12");
    strcpy(m.title, VEC_UNTOC_TITLE);
    strcpy(crossing->participant, "ARM");
    strcpy(crossing->name, "Armenia");
    switch (kind) {
    case MILESTONE_APPROACHING: /* N-5; vec_milestone_n1 makes N-1 */
        m.seq = 1;
        m.count = 35;
        m.level = 5;
        m.date = rdate_from_ymd(2003, 4, 22);
        break;
    case MILESTONE_REACHED:
        m.seq = 3;
        m.date = m.threshold_date;
        break;
    case MILESTONE_SCHEDULED:
        m.seq = 4;
        m.date = m.entry_into_force;
        break;
    default: /* MILESTONE_REVISED */
        m.seq = 5;
        m.count = 39;
        m.date = RDATE_NONE;
        break;
    }
    if (kind == MILESTONE_APPROACHING || kind == MILESTONE_REVISED) {
        m.threshold_date = RDATE_NONE;
        m.entry_into_force = RDATE_NONE;
        m.stage = RULES_STAGE_PENDING;
        m.participant_count = 0;
        m.participants = NULL;
    }
    milestone_make_id(m.instrument, kind, (int) m.level, m.date, m.id, sizeof m.id);
    return m;
}

static milestone_t
vec_milestone_n1(milestone_participant_t *crossing)
{
    milestone_t m = vec_milestone_untoc(MILESTONE_APPROACHING, crossing);
    m.seq = 2;
    m.count = 39;
    m.level = 1;
    m.date = rdate_from_ymd(2003, 6, 25);
    milestone_make_id(m.instrument, m.kind, (int) m.level, m.date, m.id, sizeof m.id);
    return m;
}

static int
vec_milestone(msgpack_sbuffer *out)
{
    milestone_participant_t arm;
    const milestone_t m = vec_milestone_untoc(MILESTONE_REACHED, &arm);
    return milestone_encode(&m, out);
}

static int
vec_milestone_approaching(msgpack_sbuffer *out)
{
    milestone_participant_t arm;
    const milestone_t m = vec_milestone_untoc(MILESTONE_APPROACHING, &arm);
    return milestone_encode(&m, out);
}

static int
vec_milestone_revised_none(msgpack_sbuffer *out)
{
    milestone_participant_t arm;
    const milestone_t m = vec_milestone_untoc(MILESTONE_REVISED, &arm);
    return milestone_encode(&m, out);
}

static int
vec_milestone_waiting(msgpack_sbuffer *out)
{
    /* hypothetical: TIP reaches 40 while UNTOC's entry into force is not
       known (say, after the retraction of vec_milestone_revised_none) */
    milestone_participant_t arm = {.participant = "ARM", .name = "Armenia"};
    milestone_t m = {.seq = 9,
                     .kind = MILESTONE_REACHED,
                     .threshold = 40,
                     .count = 40,
                     .date = rdate_from_ymd(2003, 9, 25),
                     .threshold_date = rdate_from_ymd(2003, 9, 25),
                     .entry_into_force = RDATE_NONE,
                     .stage = RULES_STAGE_PENDING,
                     .participant_count = 1,
                     .participants = &arm};
    strcpy(m.instrument, "TIP");
    strcpy(m.reference, "XVIII-12-a");
    strcpy(m.title, VEC_TIP_TITLE);
    strcpy(m.waiting_for, "UNTOC");
    milestone_make_id(m.instrument, m.kind, 0, m.date, m.id, sizeof m.id);
    return milestone_encode(&m, out);
}

static int
vec_milestones_since(msgpack_sbuffer *out)
{
    milestone_since_t m = {.from = 3, .limit = 2};
    return milestone_encode_since(&m, out);
}

static int
vec_milestones(msgpack_sbuffer *out)
{
    milestone_participant_t arm[2];
    milestone_t ms[2] = {vec_milestone_untoc(MILESTONE_REACHED, &arm[0]),
                         vec_milestone_untoc(MILESTONE_SCHEDULED, &arm[1])};
    milestone_batch_t m = {.last_seq = 4, .more = false, .count = 2, .milestones = ms};
    return milestone_encode_batch(&m, out);
}

static int
vec_milestones_empty(msgpack_sbuffer *out)
{
    milestone_batch_t m = {.last_seq = 4, .more = false, .count = 0, .milestones = NULL};
    return milestone_encode_batch(&m, out);
}

static int
vec_status(msgpack_sbuffer *out)
{
    milestone_status_req_t m = {.instrument = "UNTOC", .as_of = rdate_from_ymd(2003, 7, 2)};
    return milestone_encode_status(&m, out);
}

static int
vec_status_all(msgpack_sbuffer *out)
{
    milestone_status_req_t m = {.instrument = "", .as_of = RDATE_NONE};
    return milestone_encode_status(&m, out);
}

static int
vec_status_reply(msgpack_sbuffer *out)
{
    milestone_status_t st[2] = {
        {.instrument = "UNTOC",
         .reference = "XVIII-12",
         .title = VEC_UNTOC_TITLE,
         .parent = "",
         .signatures = 147,
         .parties = 40,
         .counted = 40,
         .threshold = 40,
         .threshold_date = rdate_from_ymd(2003, 7, 1),
         .entry_into_force = rdate_from_ymd(2003, 9, 29),
         .stage = RULES_STAGE_SCHEDULED,
         .waiting_for = ""},
        {.instrument = "TIP",
         .reference = "XVIII-12-a",
         .title = VEC_TIP_TITLE,
         .parent = "UNTOC",
         .signatures = 117,
         .parties = 28,
         .counted = 28,
         .threshold = 40,
         .threshold_date = RDATE_NONE,
         .entry_into_force = RDATE_NONE,
         .stage = RULES_STAGE_PENDING,
         .waiting_for = ""},
    };
    milestone_status_reply_t m = {
        .as_of = rdate_from_ymd(2003, 7, 2), .registry_seq = 527, .count = 2, .instruments = st};
    return milestone_encode_status_reply(&m, out);
}

static int
vec_parties(msgpack_sbuffer *out)
{
    milestone_parties_req_t m = {.instrument = "UNTOC", .as_of = rdate_from_ymd(2001, 9, 30)};
    return milestone_encode_parties(&m, out);
}

static int
vec_parties_reply(msgpack_sbuffer *out)
{
    /* the first three ratifications; SRB under its name on 2001-09-30 */
    milestone_party_t p[3] = {
        {.participant = "MCO",
         .name = "Monaco",
         .action = ACTION_RATIFICATION,
         .deposit = rdate_from_ymd(2001, 6, 5),
         .entry_into_force = RDATE_NONE,
         .end = RDATE_NONE},
        {.participant = "NGA",
         .name = "Nigeria",
         .action = ACTION_RATIFICATION,
         .deposit = rdate_from_ymd(2001, 6, 28),
         .entry_into_force = RDATE_NONE,
         .end = RDATE_NONE},
        {.participant = "SRB",
         .name = "Yugoslavia",
         .action = ACTION_RATIFICATION,
         .deposit = rdate_from_ymd(2001, 9, 6),
         .entry_into_force = RDATE_NONE,
         .end = RDATE_NONE},
    };
    milestone_parties_reply_t m = {
        .instrument = "UNTOC", .as_of = rdate_from_ymd(2001, 9, 30), .count = 3, .parties = p};
    return milestone_encode_parties_reply(&m, out);
}

/* ---- notifier (alert.h) ------------------------------------------------- */

#define VEC_HOOK_URL_ALL "https://alerts.example.net/untoc"
#define VEC_HOOK_URL_EIF "https://hooks.example.org/ratify"
#define VEC_HOOK_SECRET  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" /* 24 bytes */

/* The alert the notifier makes of a milestone, stored as `sequence` at
   `time`. Returns alert_encode's result. */
static int
vec_alert_of(const milestone_t *m, int64_t sequence, const char *time, msgpack_sbuffer *out)
{
    alert_t a;
    wire_err_t err;
    if (alert_from_milestone(m, &a, &err) != 0)
        return -1;
    a.sequence = sequence;
    snprintf(a.time, sizeof a.time, "%s", time);
    const int rc = alert_encode(&a, out);
    alert_clear(&a);
    return rc;
}

static int
vec_alert(msgpack_sbuffer *out)
{
    milestone_participant_t arm;
    const milestone_t m = vec_milestone_untoc(MILESTONE_REACHED, &arm);
    return vec_alert_of(&m, 3, "2026-11-27T21:57:41.994Z", out);
}

static int
vec_alert_approaching(msgpack_sbuffer *out)
{
    milestone_participant_t arm;
    const milestone_t m = vec_milestone_untoc(MILESTONE_APPROACHING, &arm);
    return vec_alert_of(&m, 1, "2026-11-27T21:57:41.922Z", out);
}

static int
vec_alerts_since(msgpack_sbuffer *out)
{
    alert_since_t m = {.from = 1, .limit = 2};
    return alert_encode_since(&m, out);
}

static int
vec_alerts(msgpack_sbuffer *out)
{
    /* the answer to alerts-since: the two approaching alerts, more to come */
    milestone_participant_t arm;
    const milestone_t n5 = vec_milestone_untoc(MILESTONE_APPROACHING, &arm);
    const milestone_t n1 = vec_milestone_n1(&arm);
    msgpack_sbuffer items;
    msgpack_sbuffer_init(&items);
    int rc = vec_alert_of(&n5, 1, "2026-11-27T21:57:41.922Z", &items);
    const size_t first = items.size;
    rc = rc ? rc : vec_alert_of(&n1, 2, "2026-11-27T21:57:41.929Z", &items);
    const alert_bytes_t bytes[2] = {{items.data, first}, {items.data + first, items.size - first}};
    rc = rc ? rc : alert_encode_batch(4, true, bytes, 2, out);
    msgpack_sbuffer_destroy(&items);
    return rc;
}

static int
vec_webhook_add(msgpack_sbuffer *out)
{
    alert_hook_add_t m = {
        .url = VEC_HOOK_URL_EIF, .type_prefix = "org.ratify.entry_into_force.", .secret = ""};
    return alert_encode_hook_add(&m, out);
}

static int
vec_webhook_add_secret(msgpack_sbuffer *out)
{
    alert_hook_add_t m = {.url = VEC_HOOK_URL_ALL, .type_prefix = "", .secret = VEC_HOOK_SECRET};
    return alert_encode_hook_add(&m, out);
}

static int
vec_webhook_list(msgpack_sbuffer *out)
{
    return alert_encode_hook_query(MSG_WEBHOOK_LIST, 0, out);
}

static int
vec_webhook_remove(msgpack_sbuffer *out)
{
    return alert_encode_hook_id(MSG_WEBHOOK_REMOVE, 2, out);
}

static int
vec_webhook_dead(msgpack_sbuffer *out)
{
    return alert_encode_hook_query(MSG_WEBHOOK_DEAD, 50, out);
}

static int
vec_webhook_redeliver(msgpack_sbuffer *out)
{
    return alert_encode_hook_id(MSG_WEBHOOK_REDELIVER, 5, out);
}

/* Subscription 1 (every alert, delivered 1-4) and 2 (entry into force
   only: its delivery 5, of alert 4, is dead). */
static alert_hook_t
vec_hook(int which)
{
    alert_hook_t h = {.id = 1,
                      .url = VEC_HOOK_URL_ALL,
                      .type_prefix = "",
                      .status = "active",
                      .created = "2026-11-27T21:40:00.123Z",
                      .secret = "",
                      .delivered = 4};
    if (which == 2)
        h = (alert_hook_t){.id = 2,
                           .url = VEC_HOOK_URL_EIF,
                           .type_prefix = "org.ratify.entry_into_force.",
                           .status = "active",
                           .created = "2026-11-27T21:41:12.507Z",
                           .secret = "",
                           .dead = 1};
    return h;
}

static int
vec_webhook(msgpack_sbuffer *out)
{
    /* the answer to webhook-add-secret: the only reply with the secret */
    alert_hook_t h = vec_hook(1);
    strcpy(h.secret, VEC_HOOK_SECRET);
    h.delivered = 0;
    return alert_encode_hook(&h, out);
}

static int
vec_webhooks(msgpack_sbuffer *out)
{
    const alert_hook_t h[2] = {vec_hook(1), vec_hook(2)};
    return alert_encode_hooks(h, 2, out);
}

/* Delivery 5: alert 4 to subscription 2, dead after 8 answers 503. */
static alert_delivery_t
vec_delivery_dead(void)
{
    alert_delivery_t d = {.id = 5,
                          .webhook = 2,
                          .url = VEC_HOOK_URL_EIF,
                          .alert = "UNTOC/entry_into_force.scheduled/2003-09-29",
                          .sequence = 4,
                          .alert_type = "org.ratify.entry_into_force.scheduled",
                          .status = "dead",
                          .attempts = 8,
                          .last_code = 503,
                          .last_error = "HTTP 503",
                          .next_attempt = "",
                          .updated = "2026-11-28T03:12:09.481Z"};
    return d;
}

static int
vec_delivery(msgpack_sbuffer *out)
{
    /* the answer to webhook-redeliver: pending again, due at once */
    alert_delivery_t d = vec_delivery_dead();
    strcpy(d.status, "pending");
    d.attempts = 0;
    strcpy(d.next_attempt, "2026-11-28T08:30:00.000Z");
    strcpy(d.updated, "2026-11-28T08:30:00.000Z");
    return alert_encode_delivery(&d, out);
}

static int
vec_deliveries(msgpack_sbuffer *out)
{
    const alert_delivery_t d = vec_delivery_dead();
    return alert_encode_deliveries(&d, 1, out);
}

/* ---- reporter (report_msg.h) --------------------------------------------- */

static int
vec_report(msgpack_sbuffer *out)
{
    report_msg_request_t m = {
        .kind = "status", .format = "csv", .as_of = "2001-09-30", .instrument = "FIREARMS"};
    return report_msg_encode_request(&m, out);
}

static int
vec_report_annex(msgpack_sbuffer *out)
{
    report_msg_request_t m = {.kind = "annex", .format = "", .as_of = "", .instrument = ""};
    return report_msg_encode_request(&m, out);
}

static int
vec_report_reply(msgpack_sbuffer *out)
{
    /* the reporter's answer to vec_report, seed loaded */
    static const char body[] =
        "participant,name,signature,consent,action,suffix,eif,denounced,end,notes\r\n"
        "BRB,Barbados,2001-09-26,,,,,,,\r\n"
        "BRA,Brazil,2001-07-11,,,,,,,\r\n"
        "MLI,Mali,2001-07-11,,,,,,,\r\n";
    report_msg_reply_t m = {.kind = "status",
                            .format = "csv",
                            .as_of = "2001-09-30",
                            .last_seq = 527,
                            .content_type = "text/csv; charset=utf-8",
                            .body = (char *) body,
                            .body_len = sizeof body - 1};
    return report_msg_encode_reply(&m, out);
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
    static const uint8_t bytes[] = {0x82, 0xa1, 'v',  0x01, 0xa4, 't', 'y', 'p', 'e',
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

/* Re-packs the frame `build` makes with its top-level field `key` set to
   the string `value`, or left out when value is NULL: the other families'
   malformed vectors are their valid ones with one field spoilt. */
static int
vec_edit(msgpack_sbuffer *out, int (*build)(msgpack_sbuffer *), const char *key, const char *value)
{
    msgpack_sbuffer full;
    msgpack_sbuffer_init(&full);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    int rc = build(&full);
    if (!rc
        && (msgpack_unpack_next(&u, full.data, full.size, &off) != MSGPACK_UNPACK_SUCCESS
            || u.data.type != MSGPACK_OBJECT_MAP))
        rc = -1;
    const msgpack_object_map *map = rc ? NULL : &u.data.via.map;
    uint32_t hits = 0;
    for (uint32_t i = 0; map && i < map->size; i++) {
        const msgpack_object *k = &map->ptr[i].key;
        hits += k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key)
                && memcmp(k->via.str.ptr, key, k->via.str.size) == 0;
    }
    if (!rc && hits != 1)
        rc = -1; /* the field must be there, once */
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    rc = rc ? rc : msgpack_pack_map(&pk, map->size - (value == NULL));
    for (uint32_t i = 0; !rc && i < map->size; i++) {
        const msgpack_object_kv *kv = &map->ptr[i];
        const bool hit = kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == strlen(key)
                         && memcmp(kv->key.via.str.ptr, key, kv->key.via.str.size) == 0;
        if (!hit) {
            rc = msgpack_pack_object(&pk, kv->key);
            rc = rc ? rc : msgpack_pack_object(&pk, kv->val);
        }
        else if (value)
            rc = wire_pack_kv_str(&pk, key, value);
    }
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&full);
    return rc;
}

static int
vec_bad_milestone_unknown_kind(msgpack_sbuffer *out)
{
    return vec_edit(out, vec_milestone, "kind", "threshold.crossed");
}

static int
vec_bad_alert_subject(msgpack_sbuffer *out)
{
    return vec_edit(out, vec_alert, "subject", "TIP");
}

static int
vec_bad_alert_specversion(msgpack_sbuffer *out)
{
    return vec_edit(out, vec_alert, "specversion", "0.3");
}

static int
vec_bad_webhook_remove_id_string(msgpack_sbuffer *out)
{
    return vec_edit(out, vec_webhook_remove, "id", "2");
}

static int
vec_bad_report_no_kind(msgpack_sbuffer *out)
{
    return vec_edit(out, vec_report, "kind", NULL);
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
    {"events-since", "events.since: replay the log from the start", NULL, NULL, vec_events_since},
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

    {"milestone", "milestone: UNTOC reaches its threshold with Armenia, the 40th", NULL, NULL,
     vec_milestone},
    {"milestone-approaching", "milestone: UNTOC at N-5 (level 5), no threshold date yet", NULL,
     NULL, vec_milestone_approaching},
    {"milestone-revised-none", "milestone: the entry into force is no longer known (date nil)",
     NULL, NULL, vec_milestone_revised_none},
    {"milestone-waiting",
     "milestone: a Protocol at its threshold waits for its Convention (entry_into_force nil, "
     "waiting_for set; hypothetical dates)",
     NULL, NULL, vec_milestone_waiting},
    {"milestones-since", "milestones.since: replay from seq 3, two at most", NULL, NULL,
     vec_milestones_since},
    {"milestones", "milestones: the answer, each element a complete milestone message", NULL, NULL,
     vec_milestones},
    {"milestones-empty", "milestones: nothing at or after `from`", NULL, NULL,
     vec_milestones_empty},
    {"status", "status: UNTOC as at 2003-07-02", NULL, NULL, vec_status},
    {"status-all", "status: every instrument as at the service's today (both fields nil)", NULL,
     NULL, vec_status_all},
    {"status-reply", "status.reply: UNTOC scheduled, TIP pending under its parent", NULL, NULL,
     vec_status_reply},
    {"parties", "parties: UNTOC as at 2001-09-30", NULL, NULL, vec_parties},
    {"parties-reply", "parties.reply: the first three parties, names as at 2001-09-30", NULL, NULL,
     vec_parties_reply},

    {"alert", "alert: org.ratify.threshold.reached, published on its type's topic", NULL, NULL,
     vec_alert},
    {"alert-approaching", "alert: org.ratify.threshold.approaching, dates and stage nil", NULL,
     NULL, vec_alert_approaching},
    {"alerts-since", "alerts.since: replay from the first alert, two at most", NULL, NULL,
     vec_alerts_since},
    {"alerts", "alerts: the two approaching alerts, more to come", NULL, NULL, vec_alerts},
    {"webhook-add", "webhook.add: entry-into-force alerts only, the notifier makes the secret",
     NULL, NULL, vec_webhook_add},
    {"webhook-add-secret", "webhook.add: every alert, with the caller's secret", NULL, NULL,
     vec_webhook_add_secret},
    {"webhook-list", "webhook.list: limit 0 means the largest list", NULL, NULL, vec_webhook_list},
    {"webhook-remove", "webhook.remove: subscription 2", NULL, NULL, vec_webhook_remove},
    {"webhook-dead", "webhook.dead: the dead-letter list, 50 at most", NULL, NULL,
     vec_webhook_dead},
    {"webhook-redeliver", "webhook.redeliver: dead delivery 5", NULL, NULL, vec_webhook_redeliver},
    {"webhook", "webhook: the answer to webhook.add, the only one carrying the secret", NULL, NULL,
     vec_webhook},
    {"webhooks", "webhooks: the answer to webhook.list", NULL, NULL, vec_webhooks},
    {"delivery", "delivery: the answer to webhook.redeliver, pending again", NULL, NULL,
     vec_delivery},
    {"deliveries", "deliveries: the answer to webhook.dead", NULL, NULL, vec_deliveries},

    {"report", "report: the Firearms Protocol's status table as CSV, as at 2001-09-30", NULL, NULL,
     vec_report},
    {"report-annex", "report: the annex as at the service's today (format, as_of nil)", NULL, NULL,
     vec_report_annex},
    {"report-reply", "report.reply: the answer to report, the seed loaded", NULL, NULL,
     vec_report_reply},

    {"bad/empty", "malformed: an empty frame", "bad_frame", "empty", vec_bad_empty},
    {"bad/truncated", "malformed: a deposit missing its last byte", "bad_frame",
     "declared length exceeds the frame", vec_bad_truncated},
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
    {"bad/reserved", "malformed: the reserved type byte 0xc1", "bad_frame", "0xc1",
     vec_bad_reserved},
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
    {"bad/events-since-negative", "malformed: events.since with a negative limit", "bad_field",
     "'limit'", vec_bad_events_since_negative},
    {"bad/event-unknown-action", "malformed: an event with a misspelt action", "bad_field",
     "action", vec_bad_event_unknown_action},
    {"bad/event-retraction-no-reason", "malformed: a retraction event without its reason",
     "missing_field", "'reason'", vec_bad_event_retraction_no_reason},
    {"bad/accepted-no-event", "malformed: accepted without the stored event", "missing_field",
     "'event'", vec_bad_accepted_no_event},
    {"bad/events-item-not-map", "malformed: an events batch whose item is not a map", "bad_field",
     "events[0]", vec_bad_events_item_not_map},
    {"bad/string-with-nul", "malformed: an error message holding a NUL byte", "bad_field", "NUL",
     vec_bad_string_with_nul},
    {"bad/milestone-unknown-kind", "malformed: a milestone of a kind this build does not know",
     "bad_field", "'kind'", vec_bad_milestone_unknown_kind},
    {"bad/alert-subject", "malformed: an alert whose subject is not data.instrument", "bad_field",
     "'subject'", vec_bad_alert_subject},
    {"bad/alert-specversion", "malformed: an alert of another CloudEvents version", "bad_field",
     "'specversion'", vec_bad_alert_specversion},
    {"bad/webhook-remove-id-string", "malformed: a webhook.remove whose id is a string",
     "bad_field", "'id'", vec_bad_webhook_remove_id_string},
    {"bad/report-no-kind", "malformed: a report request without its kind", "missing_field",
     "'kind'", vec_bad_report_no_kind},
};

#define VECTOR_COUNT (sizeof s_vectors / sizeof s_vectors[0])

#endif
