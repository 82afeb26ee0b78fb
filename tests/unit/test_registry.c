/*  test_registry: the registry's request handling (services/registry/
    registry.h) on a real SQLite log in a fresh temporary directory, with
    the shipped catalog ($RATIFY_DATA/catalog/instruments.ini).

    Each request is encoded as a client would (msg_encode_xxx), parsed as
    the socket loop would (msg_in_parse), handed to registry_handle, and the
    reply decoded again. Covered: an accepted deposit and its duplicate;
    every rejection code, each followed by a check that nothing was stored;
    retraction, re-deposit after a retraction, retracting twice; replay with
    events.since (paging, limit, the `more` flag); ping; a log that survives
    close and reopen; and the group-commit primitives (a rolled-back batch
    leaves no trace). The temporary directory is removed at the end. */
#include "catalog.h"
#include "check.h"
#include "registry.h"
#include "store.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_SIZE 4096

static char s_dir[256];        /* the temporary directory */
static char s_path[PATH_SIZE]; /* its registry.db */
static catalog_t *s_catalog;
static store_t *s_store;
static registry_t *s_registry;
static rdate_t s_today;

static rdate_t
D(const char *text)
{
    rdate_t date = RDATE_NONE;
    if (rdate_parse(text, &date) != 0)
        fprintf(stderr, "bad test date %s\n", text);
    return date;
}

/* ---- set-up --------------------------------------------------------------- */

static int
s_open_store(void)
{
    char err[256];
    s_store = store_open(s_path, err, sizeof err);
    if (!s_store) {
        fprintf(stderr, "store_open %s: %s\n", s_path, err);
        return -1;
    }
    s_registry = registry_new(s_catalog, s_store);
    return s_registry ? 0 : -1;
}

static void
s_close_store(void)
{
    registry_destroy(&s_registry);
    store_destroy(&s_store);
}

static int
s_setup(void)
{
    const char *data = getenv("RATIFY_DATA");
    if (!data || !*data) {
        fprintf(stderr, "RATIFY_DATA is not set (CTest sets it)\n");
        return -1;
    }
    char path[PATH_SIZE], err[CATALOG_ERR_SIZE];
    snprintf(path, sizeof path, "%s/catalog/instruments.ini", data);
    s_catalog = catalog_load(path, NULL, err, sizeof err);
    if (!s_catalog) {
        fprintf(stderr, "catalog_load: %s\n", err);
        return -1;
    }
    snprintf(s_dir, sizeof s_dir, "/tmp/ratify-test-registry-XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(s_path, sizeof s_path, "%s/registry.db", s_dir);
    s_today = D("2004-01-01");
    return s_open_store();
}

/* Removes every file of the temporary directory (registry.db, its -wal
   and -shm), then the directory. */
static void
s_teardown(void)
{
    s_close_store();
    catalog_destroy(&s_catalog);
    DIR *d = s_dir[0] ? opendir(s_dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[PATH_SIZE * 2];
        snprintf(path, sizeof path, "%s/%s", s_dir, e->d_name);
        CHECK_INT(unlink(path), 0);
    }
    if (d)
        closedir(d);
    if (s_dir[0])
        CHECK_INT(rmdir(s_dir), 0);
}

/* ---- one request through registry_handle ---------------------------------- */

typedef struct {
    int stored_flag;    /* registry_handle's return */
    event_t stored;     /* valid when stored_flag == 1 */
    msg_in_t *reply;    /* the decoded reply frame (caller destroys) */
    msg_error_t error;  /* when the reply is an "error" */
    msg_accepted_t acc; /* when it is "accepted" */
} s_result_t;

static s_result_t
s_call(const msgpack_sbuffer *request)
{
    s_result_t r;
    memset(&r, 0, sizeof r);
    wire_err_t err;
    msg_in_t *in = msg_in_parse(request->data, request->size, &err);
    CHECK(in != NULL);
    if (!in)
        return r;
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    r.stored_flag = registry_handle(s_registry, in, s_today, &reply, &r.stored);
    r.reply = msg_in_parse(reply.data, reply.size, &err);
    CHECK(r.reply != NULL);
    if (r.reply && msg_in_type(r.reply) == MSG_ERROR)
        CHECK_INT(msg_decode_error(r.reply, &r.error, &err), 0);
    else if (r.reply && msg_in_type(r.reply) == MSG_ACCEPTED)
        CHECK_INT(msg_decode_accepted(r.reply, &r.acc, &err), 0);
    msgpack_sbuffer_destroy(&reply);
    msg_in_destroy(&in);
    return r;
}

static s_result_t
s_deposit(const char *instrument, const char *participant, const char *action, const char *date)
{
    msg_deposit_t m;
    memset(&m, 0, sizeof m);
    snprintf(m.instrument, sizeof m.instrument, "%s", instrument);
    snprintf(m.participant, sizeof m.participant, "%s", participant);
    snprintf(m.action, sizeof m.action, "%s", action);
    snprintf(m.date, sizeof m.date, "%s", date);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msg_encode_deposit(&m, &buf);
    s_result_t r = s_call(&buf);
    msgpack_sbuffer_destroy(&buf);
    return r;
}

static s_result_t
s_retract(int64_t seq, const char *reason)
{
    msg_retract_t m = {.seq = seq};
    snprintf(m.reason, sizeof m.reason, "%s", reason);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msg_encode_retract(&m, &buf);
    s_result_t r = s_call(&buf);
    msgpack_sbuffer_destroy(&buf);
    return r;
}

static void
s_done(s_result_t *r)
{
    msg_in_destroy(&r->reply);
}

/* Expects a new event: returns its seq (0 when not accepted). */
static int64_t
s_expect_accepted(s_result_t r, const char *participant_id, action_t action, const char *date)
{
    const int64_t before = store_last_seq(s_store);
    int64_t seq = 0;
    CHECK(r.reply && msg_in_type(r.reply) == MSG_ACCEPTED);
    if (r.reply && msg_in_type(r.reply) == MSG_ERROR)
        fprintf(stderr, "rejected (%s): %s\n", r.error.code, r.error.message);
    if (r.reply && msg_in_type(r.reply) == MSG_ACCEPTED) {
        seq = r.acc.seq;
        CHECK_INT(r.stored_flag, 1);
        CHECK(!r.acc.duplicate);
        CHECK_INT(r.acc.event.seq, seq);
        CHECK_INT(r.stored.seq, seq);
        CHECK_STR(r.acc.event.participant, participant_id);
        CHECK_STR(r.stored.participant, participant_id);
        CHECK_INT(r.acc.event.action, action);
        CHECK_INT(r.acc.event.date, D(date));
        CHECK_INT(r.acc.event.recorded_ms, r.stored.recorded_ms);
        CHECK(r.acc.event.recorded_ms > INT64_C(1500000000000)); /* the wall clock */
        CHECK_INT(before, seq);
    }
    s_done(&r);
    return seq;
}

/* Expects a duplicate of event `seq`. */
static void
s_expect_duplicate(s_result_t r, int64_t seq)
{
    const int64_t before = store_last_seq(s_store);
    CHECK(r.reply && msg_in_type(r.reply) == MSG_ACCEPTED);
    if (r.reply && msg_in_type(r.reply) == MSG_ERROR)
        fprintf(stderr, "rejected (%s): %s\n", r.error.code, r.error.message);
    CHECK_INT(r.stored_flag, 0);
    CHECK(r.acc.duplicate);
    CHECK_INT(r.acc.seq, seq);
    CHECK_INT(r.acc.event.seq, seq);
    CHECK_INT(store_last_seq(s_store), before);
    s_done(&r);
}

/* Expects an error with code, its message containing `text` (or NULL),
   and nothing stored. `last` is store_last_seq before the request. */
static void
s_expect_error_(s_result_t r, int64_t last, const char *code, const char *text, int line)
{
    const int before = check_failed_;
    CHECK(r.reply && msg_in_type(r.reply) == MSG_ERROR);
    CHECK_INT(r.stored_flag, 0);
    CHECK_STR(r.error.code, code);
    if (text && !strstr(r.error.message, text)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", r.error.message, text);
        CHECK(false);
    }
    CHECK_INT(store_last_seq(s_store), last);
    if (check_failed_ != before)
        fprintf(stderr, "  (the request at test_registry.c:%d)\n", line);
    s_done(&r);
}

#define EXPECT_ERROR(call, code, text)                                                             \
    do {                                                                                           \
        const int64_t last_ = store_last_seq(s_store);                                             \
        s_expect_error_((call), last_, (code), (text), __LINE__);                                  \
    } while (0)

/* ---- deposits ------------------------------------------------------------- */

static int64_t s_armenia; /* seq of Armenia's UNTOC ratification */

static void
test_accepted_and_duplicate(void)
{
    CHECK_INT(store_last_seq(s_store), 0);
    s_armenia = s_expect_accepted(s_deposit("UNTOC", "Armenia", "ratification", "2003-07-01"),
                                  "ARM", ACTION_RATIFICATION, "2003-07-01");
    CHECK_INT(s_armenia, 1);
    CHECK_INT(store_last_seq(s_store), 1);

    /* the same action again, by any name, reference or case: a duplicate
       carrying the original sequence number and event */
    s_expect_duplicate(s_deposit("UNTOC", "Armenia", "ratification", "2003-07-01"), s_armenia);
    s_expect_duplicate(s_deposit("xviii-12", "ARM", "Ratification", "2003-07-01"), s_armenia);
    s_expect_duplicate(s_deposit("untoc", "AM", "RATIFICATION", "2003-07-01"), s_armenia);
    /* a duplicate is recognised whatever today is */
    const rdate_t today = s_today;
    s_today = D("2003-01-01");
    s_expect_duplicate(s_deposit("UNTOC", "Armenia", "ratification", "2003-07-01"), s_armenia);
    s_today = today;

    /* a stored event names the catalog ids, not the words of the request */
    s_result_t r = s_deposit("XVIII-12-a", "Serbia and Montenegro", "signature", "2002-12-12");
    s_expect_accepted(r, "SRB", ACTION_SIGNATURE, "2002-12-12");
    r = s_deposit("TIP", "Serbia", "signature", "2002-12-12");
    CHECK_STR(r.acc.event.instrument, "TIP");
    s_expect_duplicate(r, 2);
}

static void
test_rejections(void)
{
    EXPECT_ERROR(s_deposit("XVIII-99", "Armenia", "ratification", "2003-07-01"),
                 "unknown_instrument", "'XVIII-99'");
    EXPECT_ERROR(s_deposit("", "Armenia", "ratification", "2003-07-01"), "unknown_instrument",
                 NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "Armenai", "ratification", "2003-07-01"), "unknown_participant",
                 "did you mean 'Armenia'?");
    EXPECT_ERROR(s_deposit("UNTOC", "Atlantis", "ratification", "2003-07-01"),
                 "unknown_participant", "'Atlantis'");
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratify", "2003-07-01"), "unknown_action",
                 "'ratify'");
    EXPECT_ERROR(s_deposit("UNTOC", "France", "retraction", "2003-07-01"), "unknown_action", NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "France", "", "2003-07-01"), "unknown_action", NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratification", "2003-02-29"), "bad_date",
                 "'2003-02-29'");
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratification", "2003-7-1"), "bad_date", NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratification", "01/07/2003"), "bad_date", NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratification", ""), "bad_date", NULL);
    /* the checks run in order: an unknown instrument wins over a bad date */
    EXPECT_ERROR(s_deposit("NOPE", "Nowhere", "ratify", "never"), "unknown_instrument", NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "Nowhere", "ratify", "never"), "unknown_participant", NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratify", "never"), "unknown_action", NULL);

    /* future_date: today is the last date a deposit may carry */
    EXPECT_ERROR(s_deposit("UNTOC", "France", "ratification", "2004-01-02"), "future_date",
                 "2004-01-02 is after today (2004-01-01)");
    const int64_t fra =
        s_expect_accepted(s_deposit("UNTOC", "France", "ratification", "2004-01-01"), "FRA",
                          ACTION_RATIFICATION, "2004-01-01");
    CHECK(fra > 0);

    /* signatures: inside the period (both ends included), once */
    EXPECT_ERROR(s_deposit("UNTOC", "Germany", "signature", "2002-12-13"),
                 "outside_signature_period", "2000-12-12 to 2002-12-12");
    EXPECT_ERROR(s_deposit("UNTOC", "Germany", "signature", "2000-12-11"),
                 "outside_signature_period", "accession");
    EXPECT_ERROR(s_deposit("FIREARMS", "Germany", "signature", "2001-06-29"),
                 "outside_signature_period", "2001-06-30");
    s_expect_accepted(s_deposit("UNTOC", "Germany", "signature", "2000-12-12"), "DEU",
                      ACTION_SIGNATURE, "2000-12-12");
    s_expect_accepted(s_deposit("SOM", "Germany", "signature", "2002-12-12"), "DEU",
                      ACTION_SIGNATURE, "2002-12-12");
    EXPECT_ERROR(s_deposit("UNTOC", "Germany", "signature", "2001-01-05"), "already_signed",
                 "2000-12-12");

    /* one standing instrument of consent per participant and instrument */
    EXPECT_ERROR(s_deposit("UNTOC", "Armenia", "accession", "2003-08-01"), "already_party",
                 "ratification of 2003-07-01");
    EXPECT_ERROR(s_deposit("UNTOC", "Armenia", "ratification", "2003-07-02"), "already_party",
                 NULL);
    EXPECT_ERROR(s_deposit("UNTOC", "Armenia", "succession", "2003-06-01"), "already_party", NULL);

    /* a Protocol needs the participant's own Convention instrument on or
       before the same date */
    EXPECT_ERROR(s_deposit("TIP", "Germany", "ratification", "2003-07-01"), "no_parent_consent",
                 "UNTOC");
    EXPECT_ERROR(s_deposit("TIP", "Armenia", "ratification", "2003-06-30"), "no_parent_consent",
                 "2003-06-30");
    s_expect_accepted(s_deposit("TIP", "Armenia", "ratification", "2003-07-01"), "ARM",
                      ACTION_RATIFICATION, "2003-07-01"); /* same day: valid */
    s_expect_accepted(s_deposit("SOM", "Armenia", "accession", "2003-12-01"), "ARM",
                      ACTION_ACCESSION, "2003-12-01"); /* later: valid */
    /* same-day deposit of both, Convention first */
    s_expect_accepted(s_deposit("UNTOC", "Spain", "ratification", "2002-03-01"), "ESP",
                      ACTION_RATIFICATION, "2002-03-01");
    s_expect_accepted(s_deposit("FIREARMS", "Spain", "ratification", "2002-03-01"), "ESP",
                      ACTION_RATIFICATION, "2002-03-01");
    /* a Protocol dated after the Convention */
    s_expect_accepted(s_deposit("UNTOC", "Italy", "ratification", "2003-05-01"), "ITA",
                      ACTION_RATIFICATION, "2003-05-01");
    s_expect_accepted(s_deposit("SOM", "Italy", "ratification", "2003-05-02"), "ITA",
                      ACTION_RATIFICATION, "2003-05-02");

    /* a denunciation comes from a party, dated after its consent */
    EXPECT_ERROR(s_deposit("UNTOC", "Germany", "denunciation", "2003-09-01"), "not_a_party",
                 "cannot denounce");
    EXPECT_ERROR(s_deposit("UNTOC", "Armenia", "denunciation", "2003-06-30"), "not_a_party", NULL);
    const int64_t den = s_expect_accepted(s_deposit("UNTOC", "Spain", "denunciation", "2003-10-01"),
                                          "ESP", ACTION_DENUNCIATION, "2003-10-01");
    EXPECT_ERROR(s_deposit("UNTOC", "Spain", "denunciation", "2003-11-01"), "not_a_party", NULL);
    /* nor dated before it: one consent is denounced once */
    EXPECT_ERROR(s_deposit("UNTOC", "Spain", "denunciation", "2003-09-01"), "not_a_party",
                 "already denounced");
    EXPECT_ERROR(s_deposit("UNTOC", "Spain", "denunciation", "2002-03-01"), "not_a_party",
                 "already denounced");
    s_expect_duplicate(s_deposit("UNTOC", "Spain", "denunciation", "2003-10-01"), den);
    /* after denouncing, a participant may join again */
    s_expect_accepted(s_deposit("UNTOC", "Spain", "accession", "2003-12-01"), "ESP",
                      ACTION_ACCESSION, "2003-12-01");
    /* and may denounce that consent, not the first again (not a party
       between the two) */
    EXPECT_ERROR(s_deposit("UNTOC", "Spain", "denunciation", "2003-11-15"), "not_a_party",
                 "is not a party");

    /* codec errors come back as they are */
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_str(&pk, "type", "deposit");
    wire_pack_kv_str(&pk, "instrument", "UNTOC");
    wire_pack_kv_str(&pk, "participant", "Armenia");
    wire_pack_kv_str(&pk, "action", "ratification");
    EXPECT_ERROR(s_call(&buf), "missing_field", "'date'");
    /* a type the registry does not serve */
    msgpack_sbuffer_clear(&buf);
    msg_heartbeat_t hb = {.service = "registry", .last_seq = 1};
    msg_encode_heartbeat(&hb, &buf);
    EXPECT_ERROR(s_call(&buf), "unknown_type", "'heartbeat'");
    msgpack_sbuffer_clear(&buf);
    msgpack_pack_map(&pk, 2);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_str(&pk, "type", "no.such.request");
    EXPECT_ERROR(s_call(&buf), "unknown_type", "'no.such.request'");
    msgpack_sbuffer_destroy(&buf);
}

/* ---- retractions ---------------------------------------------------------- */

static void
test_retractions(void)
{
    EXPECT_ERROR(s_retract(9999, "no such event"), "unknown_event", "9999");
    EXPECT_ERROR(s_retract(0, "no such event"), "unknown_event", NULL);
    EXPECT_ERROR(s_retract(-1, "no such event"), "unknown_event", NULL);
    EXPECT_ERROR(s_retract(s_armenia, ""), "bad_field", "reason");
    /* a reason is one line of text: it is printed on terminals as it is */
    EXPECT_ERROR(s_retract(s_armenia, "line1\nline2"), "bad_field", "a control character");
    EXPECT_ERROR(s_retract(s_armenia, "\x1b[31mred"), "bad_field", "a control character");
    EXPECT_ERROR(s_retract(s_armenia, "tab\there"), "bad_field", "a control character");
    EXPECT_ERROR(s_retract(s_armenia, "del\x7f"), "bad_field", "a control character");
    EXPECT_ERROR(s_retract(s_armenia, "not \xff UTF-8"), "bad_field", "not UTF-8");
    EXPECT_ERROR(s_retract(s_armenia, "C1 \xc2\x9b CSI"), "bad_field", "control character");

    /* France ratified on 2004-01-01; the date was wrong */
    s_result_t r = s_deposit("UNTOC", "France", "ratification", "2004-01-01");
    const int64_t fra = r.acc.seq;
    s_expect_duplicate(r, fra);
    r = s_retract(fra, "recorded under the wrong date");
    const int64_t retraction = r.acc.seq;
    CHECK_INT(r.stored_flag, 1);
    CHECK_INT(r.acc.event.action, ACTION_RETRACTION);
    CHECK_INT(r.acc.event.retracts, fra);
    CHECK_STR(r.acc.event.reason, "recorded under the wrong date");
    CHECK_STR(r.acc.event.instrument, "UNTOC");
    CHECK_STR(r.acc.event.participant, "FRA");
    CHECK_INT(r.acc.event.date, s_today); /* the day it was recorded */
    CHECK(!r.acc.duplicate);
    CHECK_INT(retraction, store_last_seq(s_store));
    s_done(&r);

    /* retracting twice is a duplicate of the first retraction */
    r = s_retract(fra, "another reason");
    CHECK_STR(r.acc.event.reason, "recorded under the wrong date");
    s_expect_duplicate(r, retraction);
    /* whatever the retry's reason: a retry is answered as the first was */
    s_expect_duplicate(s_retract(fra, "a reason\non two lines"), retraction);
    /* a retraction itself cannot be retracted */
    EXPECT_ERROR(s_retract(retraction, "undo"), "cannot_retract", "deposit the action again");

    /* the same action deposited again is new, not a duplicate */
    const int64_t again =
        s_expect_accepted(s_deposit("UNTOC", "France", "ratification", "2004-01-01"), "FRA",
                          ACTION_RATIFICATION, "2004-01-01");
    CHECK(again > retraction);
    s_expect_duplicate(s_deposit("UNTOC", "France", "ratification", "2004-01-01"), again);
    /* and the retracted consent no longer stands in the way of another */
    r = s_retract(again, "France acceded instead");
    CHECK_INT(r.stored_flag, 1);
    s_done(&r);
    s_expect_accepted(s_deposit("UNTOC", "France", "accession", "2003-12-15"), "FRA",
                      ACTION_ACCESSION, "2003-12-15");

    /* a retracted signature lets the participant sign again */
    r = s_deposit("UNTOC", "Germany", "signature", "2000-12-12");
    const int64_t sig = r.acc.seq;
    s_expect_duplicate(r, sig);
    r = s_retract(sig, "wrong instrument");
    s_done(&r);
    s_expect_accepted(s_deposit("UNTOC", "Germany", "signature", "2000-12-13"), "DEU",
                      ACTION_SIGNATURE, "2000-12-13");
    /* a retracted parent consent no longer supports a Protocol */
    r = s_deposit("UNTOC", "Italy", "ratification", "2003-05-01");
    const int64_t ita = r.acc.seq;
    s_done(&r);
    r = s_retract(ita, "wrong State");
    s_done(&r);
    EXPECT_ERROR(s_deposit("TIP", "Italy", "ratification", "2003-06-01"), "no_parent_consent",
                 NULL);
}

/* ---- replay ----------------------------------------------------------------- */

/* Sends events.since and decodes the batch into *out (caller clears it). */
static void
s_since(int64_t from, int64_t limit, msg_events_t *out)
{
    msg_events_since_t m = {.from = from, .limit = limit};
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msg_encode_events_since(&m, &buf);
    s_result_t r = s_call(&buf);
    wire_err_t err;
    memset(out, 0, sizeof *out);
    CHECK(r.reply && msg_in_type(r.reply) == MSG_EVENTS);
    CHECK_INT(r.stored_flag, 0);
    if (r.reply && msg_in_type(r.reply) == MSG_EVENTS)
        CHECK_INT(msg_decode_events(r.reply, out, &err), 0);
    s_done(&r);
    msgpack_sbuffer_destroy(&buf);
}

static void
test_events_since(void)
{
    const int64_t last = store_last_seq(s_store);
    CHECK(last > 10);
    msg_events_t b;

    /* everything at once */
    s_since(1, 0, &b);
    CHECK_INT(b.count, last);
    CHECK_INT(b.last_seq, last);
    CHECK(!b.more);
    int in_order = 0;
    for (size_t i = 0; i < b.count; i++)
        in_order += b.events[i].seq == (int64_t) i + 1;
    CHECK_INT(in_order, last);
    CHECK_STR(b.events[0].participant, "ARM");
    msg_events_clear(&b);

    /* paging by 3, as a follower does: from the last seq + 1 while more */
    int64_t from = 1, pages = 0, seen = 0;
    for (bool more = true; more && pages < 100; pages++) {
        s_since(from, 3, &b);
        CHECK(b.count <= 3);
        CHECK_INT(b.last_seq, last);
        if (b.count)
            CHECK_INT(b.events[0].seq, from);
        seen += (int64_t) b.count;
        more = b.more;
        if (b.count)
            from = b.events[b.count - 1].seq + 1;
        CHECK(b.more == (b.count > 0 && from <= last));
        msg_events_clear(&b);
    }
    CHECK_INT(seen, last);
    CHECK_INT(pages, (last + 2) / 3);

    /* a page ending exactly at the last event says no more */
    s_since(last - 1, 2, &b);
    CHECK_INT(b.count, 2);
    CHECK(!b.more);
    msg_events_clear(&b);
    /* past the end, and from 0 or below (read as 1) */
    s_since(last + 1, 10, &b);
    CHECK_INT(b.count, 0);
    CHECK(!b.more);
    CHECK_INT(b.last_seq, last);
    msg_events_clear(&b);
    s_since(0, 1, &b);
    CHECK_INT(b.count, 1);
    CHECK_INT(b.events[0].seq, 1);
    CHECK(b.more);
    msg_events_clear(&b);
    s_since(-5, 1, &b);
    CHECK_INT(b.count, 1);
    CHECK_INT(b.events[0].seq, 1);
    msg_events_clear(&b);
    /* a limit above MSG_EVENTS_MAX_BATCH is capped (all fit here) */
    s_since(1, 1000000, &b);
    CHECK_INT(b.count, last);
    msg_events_clear(&b);

    /* a negative limit is refused by the codec */
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 4);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_str(&pk, "type", "events.since");
    wire_pack_kv_int(&pk, "from", 1);
    wire_pack_kv_int(&pk, "limit", -1);
    EXPECT_ERROR(s_call(&buf), "bad_field", "'limit'");
    msgpack_sbuffer_destroy(&buf);
}

/* More events than one batch holds: the first reply is full and says more. */
static void
test_large_replay(void)
{
    const int64_t start = store_last_seq(s_store);
    /* the catalog has fewer participants than a batch holds: append
       straight to the store (one transaction), under ids the catalog does
       not know, so the registry's rules never meet them */
    char err[256];
    CHECK_INT(store_begin(s_store, err, sizeof err), 0);
    int appended = 0;
    for (int i = 0; i < MSG_EVENTS_MAX_BATCH + 100; i++) {
        event_t ev = {
            .action = ACTION_SIGNATURE, .date = D("2001-01-01") + i % 365, .recorded_ms = 1};
        strcpy(ev.instrument, "UNTOC");
        snprintf(ev.participant, sizeof ev.participant, "Z%04d", i);
        appended += store_append(s_store, &ev, err, sizeof err) == 0;
    }
    CHECK_INT(store_commit(s_store, err, sizeof err), 0);
    CHECK_INT(appended, MSG_EVENTS_MAX_BATCH + 100);
    const int64_t last = store_last_seq(s_store);
    CHECK_INT(last, start + MSG_EVENTS_MAX_BATCH + 100);
    msg_events_t b;
    s_since(1, 0, &b);
    CHECK_INT(b.count, MSG_EVENTS_MAX_BATCH);
    CHECK(b.more);
    const int64_t next = b.events[b.count - 1].seq + 1;
    msg_events_clear(&b);
    s_since(next, 0, &b);
    CHECK_INT(b.count, last - MSG_EVENTS_MAX_BATCH);
    CHECK(!b.more);
    msg_events_clear(&b);
}

static void
test_ping(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msg_encode_ping(&buf);
    s_result_t r = s_call(&buf);
    CHECK(r.reply && msg_in_type(r.reply) == MSG_PONG);
    CHECK_INT(r.stored_flag, 0);
    msg_pong_t pong;
    wire_err_t err;
    if (r.reply && msg_in_type(r.reply) == MSG_PONG) {
        CHECK_INT(msg_decode_pong(r.reply, &pong, &err), 0);
        CHECK_STR(pong.service, "registry");
        CHECK_STR(pong.status, "ready");
        CHECK(pong.version[0] != '\0');
        CHECK_INT(pong.last_seq, store_last_seq(s_store));
    }
    s_done(&r);
    msgpack_sbuffer_destroy(&buf);
}

/* ---- durability and group commit --------------------------------------------- */

static bool
s_same_event(const event_t *a, const event_t *b)
{
    return a->seq == b->seq && a->action == b->action && strcmp(a->instrument, b->instrument) == 0
           && strcmp(a->participant, b->participant) == 0 && a->date == b->date
           && a->retracts == b->retracts && strcmp(a->reason, b->reason) == 0
           && a->recorded_ms == b->recorded_ms;
}

static void
test_reopen(void)
{
    const int64_t last = store_last_seq(s_store);
    event_t *before = calloc((size_t) last, sizeof *before);
    CHECK_INT(store_since(s_store, 1, before, (size_t) last), last);
    s_close_store();
    CHECK(s_store == NULL && s_registry == NULL);
    CHECK_INT(s_open_store(), 0);
    if (!s_store)
        return;
    CHECK_INT(store_last_seq(s_store), last);
    event_t *after = calloc((size_t) last + 1, sizeof *after);
    CHECK_INT(store_since(s_store, 1, after, (size_t) last + 1), last);
    int same = 0;
    for (int64_t i = 0; i < last; i++)
        same += s_same_event(&before[i], &after[i]);
    CHECK_INT(same, last);
    free(before);
    free(after);

    /* and the rules still see the history */
    s_expect_duplicate(s_deposit("UNTOC", "Armenia", "ratification", "2003-07-01"), s_armenia);
    EXPECT_ERROR(s_deposit("UNTOC", "Armenia", "accession", "2003-08-01"), "already_party", NULL);
    s_expect_accepted(s_deposit("UNTOC", "Japan", "signature", "2000-12-12"), "JPN",
                      ACTION_SIGNATURE, "2000-12-12");
    CHECK_INT(store_last_seq(s_store), last + 1);
}

static void
test_group_commit(void)
{
    char err[256];
    const int64_t last = store_last_seq(s_store);

    /* a committed batch */
    CHECK_INT(store_begin(s_store, err, sizeof err), 0);
    const int64_t a = s_expect_accepted(s_deposit("UNTOC", "Kenya", "signature", "2000-12-12"),
                                        "KEN", ACTION_SIGNATURE, "2000-12-12");
    /* inside the batch, the rules already see the batch's own events */
    s_expect_duplicate(s_deposit("UNTOC", "Kenya", "signature", "2000-12-12"), a);
    EXPECT_ERROR(s_deposit("UNTOC", "Kenya", "signature", "2000-12-13"), "already_signed", NULL);
    CHECK_INT(store_commit(s_store, err, sizeof err), 0);
    CHECK_INT(store_last_seq(s_store), last + 1);

    /* a rolled-back batch leaves nothing, and last_seq goes back */
    CHECK_INT(store_begin(s_store, err, sizeof err), 0);
    const int64_t b = s_expect_accepted(s_deposit("UNTOC", "Peru", "signature", "2000-12-14"),
                                        "PER", ACTION_SIGNATURE, "2000-12-14");
    CHECK_INT(b, last + 2);
    store_rollback(s_store);
    CHECK_INT(store_last_seq(s_store), last + 1);
    event_t ev;
    CHECK_INT(store_get(s_store, b, &ev), 0);
    /* the same deposit is then new again, and gets the same number */
    CHECK_INT(s_expect_accepted(s_deposit("UNTOC", "Peru", "signature", "2000-12-14"), "PER",
                                ACTION_SIGNATURE, "2000-12-14"),
              b);
    CHECK_INT(store_last_seq(s_store), b);
    CHECK_INT(store_get(s_store, b, &ev), 1);

    /* and a commit survives close and reopen */
    s_close_store();
    CHECK_INT(s_open_store(), 0);
    CHECK_INT(store_last_seq(s_store), b);
}

int
main(void)
{
    if (s_setup() != 0) {
        CHECK(false);
        s_teardown();
        return check_report("test_registry");
    }
    test_accepted_and_duplicate();
    test_rejections();
    test_retractions();
    test_events_since();
    test_ping();
    test_reopen();
    test_large_replay();
    test_group_commit();
    s_teardown();
    return check_report("test_registry");
}
