/*  test_threshold_codec: the threshold service's messages (common/
    milestone.h). Each message is encoded, parsed as a socket loop would
    (msg_in_parse), decoded and compared field by field, then re-encoded:
    the bytes must be identical (encoders are deterministic). Also: the
    deterministic ids, the raw batch encoder giving the typed one's bytes,
    and decoders refusing wrong types, missing or mistyped fields, unknown
    kinds and stages, and arrays beyond their caps. */
#include "check.h"
#include "milestone.h"

#include <stdlib.h>

static rdate_t
D(const char *text)
{
    rdate_t d = RDATE_NONE;
    if (rdate_parse(text, &d) != 0)
        fprintf(stderr, "bad test date %s\n", text);
    return d;
}

/* Parses the encoded frame; the caller destroys it. */
static msg_in_t *
s_parse(const msgpack_sbuffer *buf)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(buf->data, buf->size, &err);
    if (!in)
        fprintf(stderr, "parse failed: %s\n", err.message);
    return in;
}

/* Checks that reencoding the frame gives the same bytes. */
static void
s_check_canonical(const msgpack_sbuffer *buf)
{
    msg_in_t *in = s_parse(buf);
    CHECK(in != NULL);
    if (!in)
        return;
    msgpack_sbuffer again;
    msgpack_sbuffer_init(&again);
    wire_err_t err;
    CHECK_INT(milestone_reencode(in, &again, &err), 0);
    CHECK(again.size == buf->size && memcmp(again.data, buf->data, buf->size) == 0);
    msgpack_sbuffer_destroy(&again);
    msg_in_destroy(&in);
}

static void
test_names_and_ids(void)
{
    for (int k = MILESTONE_APPROACHING; k <= MILESTONE_EFFECTIVE; k++)
        CHECK_INT(milestone_kind_parse(milestone_kind_name((milestone_kind_t) k)), k);
    CHECK_STR(milestone_kind_name(MILESTONE_REACHED), "threshold.reached");
    CHECK_STR(milestone_kind_name(MILESTONE_NONE), "");
    CHECK_STR(milestone_kind_name((milestone_kind_t) 99), "");
    CHECK_INT(milestone_kind_parse("threshold.bogus"), MILESTONE_NONE);
    CHECK_INT(milestone_kind_parse(NULL), MILESTONE_NONE);

    rules_stage_t st = RULES_STAGE_PENDING;
    CHECK_STR(milestone_stage_name(RULES_STAGE_IN_FORCE), "in_force");
    CHECK_INT(milestone_stage_parse("scheduled", &st), 0);
    CHECK_INT(st, RULES_STAGE_SCHEDULED);
    CHECK_INT(milestone_stage_parse("in force", &st), -1);

    char id[MILESTONE_ID_MAX];
    CHECK_INT(milestone_make_id("UNTOC", MILESTONE_REACHED, 0, D("2003-07-01"), id, sizeof id), 0);
    CHECK_STR(id, "UNTOC/threshold.reached/2003-07-01");
    CHECK_INT(milestone_make_id("UNTOC", MILESTONE_SCHEDULED, 0, D("2003-09-29"), id, sizeof id),
              0);
    CHECK_STR(id, "UNTOC/entry_into_force.scheduled/2003-09-29");
    CHECK_INT(milestone_make_id("UNTOC", MILESTONE_REVISED, 0, RDATE_NONE, id, sizeof id), 0);
    CHECK_STR(id, "UNTOC/entry_into_force.revised/none");
    /* approaching: the level, never the date (it differs with load order) */
    CHECK_INT(milestone_make_id("TIP", MILESTONE_APPROACHING, 5, D("2003-01-01"), id, sizeof id),
              0);
    CHECK_STR(id, "TIP/threshold.approaching/N-5");
    CHECK_INT(milestone_make_id("UNTOC", MILESTONE_NONE, 0, RDATE_NONE, id, sizeof id), -1);
    CHECK_INT(milestone_make_id("UNTOC", MILESTONE_REACHED, 0, D("2003-07-01"), id, 10), -1);
}

static milestone_participant_t s_crossing[] = {{"ARM", "Armenia"}, {"XYZ", "Somewhere"}};

static milestone_t
s_sample(void)
{
    milestone_t m;
    memset(&m, 0, sizeof m);
    m.seq = 3;
    m.kind = MILESTONE_REACHED;
    snprintf(m.id, sizeof m.id, "UNTOC/threshold.reached/2003-07-01");
    snprintf(m.instrument, sizeof m.instrument, "UNTOC");
    snprintf(m.reference, sizeof m.reference, "XVIII-12");
    snprintf(m.title, sizeof m.title,
             "United Nations Convention against Transnational "
             "Organized Crime");
    m.threshold = 40;
    m.count = 40;
    m.date = D("2003-07-01");
    m.threshold_date = D("2003-07-01");
    m.entry_into_force = D("2003-09-29");
    m.stage = RULES_STAGE_SCHEDULED;
    m.participant_count = 2;
    m.participants = s_crossing;
    return m;
}

static void
test_milestone_round_trip(void)
{
    const milestone_t m = s_sample();
    msgpack_sbuffer buf, twice;
    msgpack_sbuffer_init(&buf);
    msgpack_sbuffer_init(&twice);
    CHECK_INT(milestone_encode(&m, &buf), 0);
    CHECK_INT(milestone_encode(&m, &twice), 0);
    CHECK(buf.size == twice.size && memcmp(buf.data, twice.data, buf.size) == 0);
    msg_in_t *in = s_parse(&buf);
    CHECK(in && msg_in_type(in) == MSG_MILESTONE);
    milestone_t got;
    wire_err_t err;
    CHECK_INT(milestone_decode(in, &got, &err), 0);
    CHECK_INT(got.seq, 3);
    CHECK_STR(got.id, m.id);
    CHECK_INT(got.kind, MILESTONE_REACHED);
    CHECK_STR(got.instrument, "UNTOC");
    CHECK_STR(got.reference, "XVIII-12");
    CHECK_STR(got.title, m.title);
    CHECK_INT(got.threshold, 40);
    CHECK_INT(got.count, 40);
    CHECK_INT(got.level, 0);
    CHECK_INT(got.date, D("2003-07-01"));
    CHECK_INT(got.threshold_date, D("2003-07-01"));
    CHECK_INT(got.entry_into_force, D("2003-09-29"));
    CHECK_STR(got.waiting_for, "");
    CHECK_INT(got.stage, RULES_STAGE_SCHEDULED);
    CHECK_INT(got.participant_count, 2);
    if (got.participant_count == 2) {
        CHECK_STR(got.participants[0].participant, "ARM");
        CHECK_STR(got.participants[1].name, "Somewhere");
    }
    /* nil for absent values: waiting_for, level */
    const msgpack_object *root = msg_in_root(in);
    CHECK(wire_map_get(root, "waiting_for")->type == MSGPACK_OBJECT_NIL);
    CHECK(wire_map_get(root, "level")->type == MSGPACK_OBJECT_NIL);
    milestone_clear(&got);
    CHECK(got.participants == NULL);
    s_check_canonical(&buf);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
    msgpack_sbuffer_destroy(&twice);

    /* an approaching milestone of a Protocol waiting for nothing, and one
       reached while waiting for its parent, with no participants */
    milestone_t a = s_sample();
    a.kind = MILESTONE_APPROACHING;
    a.level = 5;
    snprintf(a.id, sizeof a.id, "TIP/threshold.approaching/N-5");
    a.threshold_date = a.entry_into_force = RDATE_NONE;
    a.stage = RULES_STAGE_PENDING;
    a.participant_count = 0;
    a.participants = NULL;
    msgpack_sbuffer_init(&buf);
    CHECK_INT(milestone_encode(&a, &buf), 0);
    in = s_parse(&buf);
    CHECK(in && milestone_decode(in, &got, &err) == 0);
    CHECK_INT(got.level, 5);
    CHECK_INT(got.threshold_date, RDATE_NONE);
    CHECK_INT(got.participant_count, 0);
    milestone_clear(&got);
    s_check_canonical(&buf);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);

    a.kind = MILESTONE_REACHED;
    snprintf(a.waiting_for, sizeof a.waiting_for, "UNTOC");
    msgpack_sbuffer_init(&buf);
    CHECK_INT(milestone_encode(&a, &buf), 0);
    in = s_parse(&buf);
    CHECK(in && milestone_decode(in, &got, &err) == 0);
    CHECK_STR(got.waiting_for, "UNTOC");
    milestone_clear(&got);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);

    /* encoders refuse what they cannot name */
    a.kind = MILESTONE_NONE;
    msgpack_sbuffer_init(&buf);
    CHECK_INT(milestone_encode(&a, &buf), -1);
    msgpack_sbuffer_destroy(&buf);
}

static void
test_batch(void)
{
    milestone_t ms[3] = {s_sample(), s_sample(), s_sample()};
    ms[1].seq = 4;
    ms[1].kind = MILESTONE_SCHEDULED;
    snprintf(ms[1].id, sizeof ms[1].id, "UNTOC/entry_into_force.scheduled/2003-09-29");
    ms[2].seq = 5;
    ms[2].kind = MILESTONE_REVISED;
    ms[2].entry_into_force = ms[2].date = RDATE_NONE;
    ms[2].participant_count = 0;
    snprintf(ms[2].id, sizeof ms[2].id, "UNTOC/entry_into_force.revised/none");
    milestone_batch_t b = {.last_seq = 9, .more = true, .count = 3, .milestones = ms};
    msgpack_sbuffer typed, raw, one[3];
    msgpack_sbuffer_init(&typed);
    msgpack_sbuffer_init(&raw);
    CHECK_INT(milestone_encode_batch(&b, &typed), 0);
    milestone_raw_t items[3];
    for (int i = 0; i < 3; i++) {
        msgpack_sbuffer_init(&one[i]);
        CHECK_INT(milestone_encode(&ms[i], &one[i]), 0);
        items[i] = (milestone_raw_t){one[i].data, one[i].size};
    }
    CHECK_INT(milestone_encode_batch_raw(9, true, items, 3, &raw), 0);
    CHECK(raw.size == typed.size && memcmp(raw.data, typed.data, raw.size) == 0);

    msg_in_t *in = s_parse(&raw);
    milestone_batch_t got;
    wire_err_t err;
    CHECK(in && milestone_decode_batch(in, &got, &err) == 0);
    CHECK_INT(got.last_seq, 9);
    CHECK(got.more);
    CHECK_INT(got.count, 3);
    if (got.count == 3) {
        CHECK_INT(got.milestones[1].kind, MILESTONE_SCHEDULED);
        CHECK_STR(got.milestones[2].id, "UNTOC/entry_into_force.revised/none");
        CHECK_INT(got.milestones[2].entry_into_force, RDATE_NONE);
        CHECK_INT(got.milestones[0].participant_count, 2);
    }
    milestone_batch_clear(&got);
    s_check_canonical(&raw);
    msg_in_destroy(&in);

    /* empty batch */
    msgpack_sbuffer_clear(&raw);
    CHECK_INT(milestone_encode_batch_raw(0, false, NULL, 0, &raw), 0);
    in = s_parse(&raw);
    CHECK(in && milestone_decode_batch(in, &got, &err) == 0);
    CHECK_INT(got.count, 0);
    CHECK(!got.more);
    milestone_batch_clear(&got);
    msg_in_destroy(&in);

    milestone_since_t since = {.from = 7, .limit = 50};
    msgpack_sbuffer_clear(&raw);
    CHECK_INT(milestone_encode_since(&since, &raw), 0);
    in = s_parse(&raw);
    milestone_since_t s2;
    CHECK(in && milestone_decode_since(in, &s2, &err) == 0);
    CHECK_INT(s2.from, 7);
    CHECK_INT(s2.limit, 50);
    s_check_canonical(&raw);
    msg_in_destroy(&in);

    for (int i = 0; i < 3; i++)
        msgpack_sbuffer_destroy(&one[i]);
    msgpack_sbuffer_destroy(&typed);
    msgpack_sbuffer_destroy(&raw);
}

static void
test_status_and_parties(void)
{
    milestone_status_t st[2];
    memset(st, 0, sizeof st);
    snprintf(st[0].instrument, sizeof st[0].instrument, "UNTOC");
    snprintf(st[0].reference, sizeof st[0].reference, "XVIII-12");
    snprintf(st[0].title, sizeof st[0].title, "Convention");
    st[0].signatures = 147;
    st[0].parties = st[0].counted = 40;
    st[0].threshold = 40;
    st[0].threshold_date = D("2003-07-01");
    st[0].entry_into_force = D("2003-09-29");
    st[0].stage = RULES_STAGE_SCHEDULED;
    snprintf(st[1].instrument, sizeof st[1].instrument, "TIP");
    snprintf(st[1].reference, sizeof st[1].reference, "XVIII-12-a");
    snprintf(st[1].title, sizeof st[1].title, "Protocol");
    snprintf(st[1].parent, sizeof st[1].parent, "UNTOC");
    snprintf(st[1].waiting_for, sizeof st[1].waiting_for, "UNTOC");
    st[1].threshold = 40;
    st[1].threshold_date = st[1].entry_into_force = RDATE_NONE;
    milestone_status_reply_t r = {
        .as_of = D("2003-07-02"), .registry_seq = 527, .count = 2, .instruments = st};
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    CHECK_INT(milestone_encode_status_reply(&r, &buf), 0);
    msg_in_t *in = s_parse(&buf);
    milestone_status_reply_t got;
    wire_err_t err;
    CHECK(in && milestone_decode_status_reply(in, &got, &err) == 0);
    CHECK_INT(got.as_of, D("2003-07-02"));
    CHECK_INT(got.registry_seq, 527);
    CHECK_INT(got.count, 2);
    if (got.count == 2) {
        CHECK_INT(got.instruments[0].signatures, 147);
        CHECK_INT(got.instruments[0].entry_into_force, D("2003-09-29"));
        CHECK_STR(got.instruments[0].parent, "");
        CHECK_STR(got.instruments[1].parent, "UNTOC");
        CHECK_STR(got.instruments[1].waiting_for, "UNTOC");
        CHECK_INT(got.instruments[1].stage, RULES_STAGE_PENDING);
    }
    milestone_status_reply_clear(&got);
    s_check_canonical(&buf);
    msg_in_destroy(&in);

    milestone_status_req_t q = {.instrument = "XVIII-12", .as_of = D("2003-10-01")}, q2;
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(milestone_encode_status(&q, &buf), 0);
    in = s_parse(&buf);
    CHECK(in && milestone_decode_status(in, &q2, &err) == 0);
    CHECK_STR(q2.instrument, "XVIII-12");
    CHECK_INT(q2.as_of, D("2003-10-01"));
    s_check_canonical(&buf);
    msg_in_destroy(&in);
    /* both fields optional */
    milestone_status_req_t all = {.as_of = RDATE_NONE};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(milestone_encode_status(&all, &buf), 0);
    in = s_parse(&buf);
    CHECK(in && milestone_decode_status(in, &q2, &err) == 0);
    CHECK_STR(q2.instrument, "");
    CHECK_INT(q2.as_of, RDATE_NONE);
    msg_in_destroy(&in);

    milestone_party_t ps[1] = {
        {"ARM", "Armenia", ACTION_RATIFICATION, D("2003-07-01"), D("2003-09-29"), RDATE_NONE}};
    milestone_parties_reply_t pr = {
        .instrument = "UNTOC", .as_of = D("2003-07-02"), .count = 1, .parties = ps};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(milestone_encode_parties_reply(&pr, &buf), 0);
    in = s_parse(&buf);
    milestone_parties_reply_t pgot;
    CHECK(in && milestone_decode_parties_reply(in, &pgot, &err) == 0);
    CHECK_INT(pgot.count, 1);
    if (pgot.count == 1) {
        CHECK_STR(pgot.parties[0].name, "Armenia");
        CHECK_INT(pgot.parties[0].action, ACTION_RATIFICATION);
        CHECK_INT(pgot.parties[0].entry_into_force, D("2003-09-29"));
        CHECK_INT(pgot.parties[0].end, RDATE_NONE);
    }
    milestone_parties_reply_clear(&pgot);
    s_check_canonical(&buf);
    msg_in_destroy(&in);
    /* a party's action must be an instrument of consent */
    ps[0].action = ACTION_SIGNATURE;
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(milestone_encode_parties_reply(&pr, &buf), -1);

    milestone_parties_req_t preq = {.instrument = "TIP", .as_of = RDATE_NONE}, preq2;
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(milestone_encode_parties(&preq, &buf), 0);
    in = s_parse(&buf);
    CHECK(in && milestone_decode_parties(in, &preq2, &err) == 0);
    CHECK_STR(preq2.instrument, "TIP");
    CHECK_INT(preq2.as_of, RDATE_NONE);
    s_check_canonical(&buf);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

/* Builds a frame {v:1, type:TYPE, ...} by hand for the refusal cases. */
static msg_in_t *
s_frame(const char *type, void (*fill)(msgpack_packer *pk), size_t fields)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, fields + 2);
    wire_pack_kv_int(&pk, "v", MSG_VERSION);
    wire_pack_kv_str(&pk, "type", type);
    if (fill)
        fill(&pk);
    msg_in_t *in = s_parse(&buf);
    msgpack_sbuffer_destroy(&buf);
    return in;
}

static void
s_fill_bad_stage(msgpack_packer *pk)
{
    wire_pack_kv_date(pk, "as_of", D("2003-07-02"));
    wire_pack_kv_int(pk, "registry_seq", 1);
    wire_pack_str(pk, "instruments");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 8);
    wire_pack_kv_str(pk, "instrument", "UNTOC");
    wire_pack_kv_str(pk, "reference", "XVIII-12");
    wire_pack_kv_str(pk, "title", "t");
    wire_pack_kv_int(pk, "signatures", 1);
    wire_pack_kv_int(pk, "parties", 1);
    wire_pack_kv_int(pk, "counted", 1);
    wire_pack_kv_int(pk, "threshold", 40);
    wire_pack_kv_str(pk, "stage", "in force");
}

static void
s_fill_too_many(msgpack_packer *pk)
{
    wire_pack_kv_int(pk, "last_seq", 1);
    wire_pack_kv_bool(pk, "more", false);
    wire_pack_str(pk, "milestones");
    msgpack_pack_array(pk, MILESTONE_BATCH_MAX + 1);
    for (int i = 0; i <= MILESTONE_BATCH_MAX; i++)
        msgpack_pack_nil(pk);
}

static void
s_fill_bad_kind(msgpack_packer *pk)
{
    wire_pack_kv_int(pk, "seq", 1);
    wire_pack_kv_str(pk, "id", "X/threshold.bogus/none");
    wire_pack_kv_str(pk, "kind", "threshold.bogus");
    wire_pack_kv_str(pk, "instrument", "X");
    wire_pack_kv_str(pk, "reference", "R");
    wire_pack_kv_str(pk, "title", "T");
    wire_pack_kv_int(pk, "threshold", 40);
    wire_pack_kv_int(pk, "count", 1);
    wire_pack_kv_str(pk, "stage", "pending");
    wire_pack_str(pk, "participants");
    msgpack_pack_array(pk, 0);
}

static void
s_fill_seq_string(msgpack_packer *pk)
{
    wire_pack_kv_str(pk, "from", "1");
}

static void
test_refusals(void)
{
    wire_err_t err;
    milestone_t m;
    milestone_batch_t b;
    milestone_status_reply_t r;
    milestone_since_t s;
    milestone_parties_req_t p;

    msg_in_t *in = s_frame("ping", NULL, 0);
    CHECK(in && milestone_decode(in, &m, &err) == -1);
    CHECK_STR(err.code, "wrong_type");
    CHECK(in && milestone_reencode(in, NULL, &err) == -1);
    CHECK_STR(err.code, "unknown_type");
    msg_in_destroy(&in);

    in = s_frame("milestone", s_fill_bad_kind, 10);
    CHECK(in && milestone_decode(in, &m, &err) == -1);
    CHECK_STR(err.code, "bad_field");
    msg_in_destroy(&in);

    in = s_frame("milestone", NULL, 0);
    CHECK(in && milestone_decode(in, &m, &err) == -1);
    CHECK_STR(err.code, "missing_field");
    msg_in_destroy(&in);

    in = s_frame("status.reply", s_fill_bad_stage, 3);
    CHECK(in && milestone_decode_status_reply(in, &r, &err) == -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(r.instruments == NULL);
    msg_in_destroy(&in);

    in = s_frame("milestones", s_fill_too_many, 3);
    CHECK(in && milestone_decode_batch(in, &b, &err) == -1);
    CHECK_STR(err.code, "bad_field");
    msg_in_destroy(&in);

    in = s_frame("milestones.since", s_fill_seq_string, 1);
    CHECK(in && milestone_decode_since(in, &s, &err) == -1);
    CHECK_STR(err.code, "bad_field");
    msg_in_destroy(&in);

    in = s_frame("parties", NULL, 0);
    CHECK(in && milestone_decode_parties(in, &p, &err) == -1);
    CHECK_STR(err.code, "missing_field");
    msg_in_destroy(&in);
}

int
main(void)
{
    test_names_and_ids();
    test_milestone_round_trip();
    test_batch();
    test_status_and_parties();
    test_refusals();
    return check_report("test_threshold_codec");
}
