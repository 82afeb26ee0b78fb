/*  test_alert: the CloudEvents alert codec (msgpack and JSON forms) and the
    notifier's API messages: mapping from milestones, exact bytes and keys,
    round trips, canonical re-encoding, and hostile input. */
#include "alert.h"
#include "check.h"
#include "wirejson.h"

#include <stdlib.h>
#include <string.h>

/* The seed's headline milestone: Armenia's deposit was the 40th. */
static void
s_reached(milestone_t *m, milestone_participant_t *parts)
{
    memset(m, 0, sizeof *m);
    m->seq = 3;
    snprintf(m->id, sizeof m->id, "UNTOC/threshold.reached/2003-07-01");
    m->kind = MILESTONE_REACHED;
    snprintf(m->instrument, sizeof m->instrument, "UNTOC");
    snprintf(m->reference, sizeof m->reference, "XVIII-12");
    snprintf(m->title, sizeof m->title,
             "United Nations Convention against Transnational Organized Crime");
    m->threshold = 40;
    m->count = 40;
    rdate_parse("2003-07-01", &m->date);
    m->threshold_date = m->date;
    rdate_parse("2003-09-29", &m->entry_into_force);
    m->stage = RULES_STAGE_SCHEDULED;
    memset(parts, 0, sizeof *parts);
    snprintf(parts->participant, sizeof parts->participant, "ARM");
    snprintf(parts->name, sizeof parts->name, "Armenia");
    m->participants = parts;
    m->participant_count = 1;
}

static void
s_make_alert(alert_t *a)
{
    milestone_t m;
    milestone_participant_t p;
    wire_err_t err;
    s_reached(&m, &p);
    CHECK_INT(alert_from_milestone(&m, a, &err), 0);
    a->sequence = 7;
    alert_time_format(1057017600123LL, a->time); /* 2003-07-01T00:00:00.123Z */
}

/* Parses a frame the test built; NULL on failure (a CHECK records it). */
static msg_in_t *
s_parse(const msgpack_sbuffer *buf)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(buf->data, buf->size, &err);
    CHECK(in != NULL);
    if (!in)
        fprintf(stderr, "  parse: %s: %s\n", err.code, err.message);
    return in;
}

/* Returns the frame as compact JSON text (caller frees). */
static char *
s_json_of(const msgpack_sbuffer *buf)
{
    msg_in_t *in = s_parse(buf);
    if (!in)
        return strdup("");
    json_t *j = wirejson_from_msgpack(msg_in_root(in));
    char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    msg_in_destroy(&in);
    return text;
}

static void
test_types(void)
{
    CHECK_STR(alert_type_for_kind("threshold.approaching"), "org.ratify.threshold.approaching");
    CHECK_STR(alert_type_for_kind("threshold.reached"), "org.ratify.threshold.reached");
    CHECK_STR(alert_type_for_kind("entry_into_force.scheduled"),
              "org.ratify.entry_into_force.scheduled");
    CHECK_STR(alert_type_for_kind("entry_into_force.revised"),
              "org.ratify.entry_into_force.revised");
    CHECK_STR(alert_type_for_kind("entry_into_force.effective"),
              "org.ratify.entry_into_force.effective");
    CHECK(alert_type_for_kind("threshold") == NULL);
    CHECK(alert_type_for_kind(NULL) == NULL);
    CHECK(alert_type_known("org.ratify.threshold.reached"));
    CHECK(!alert_type_known("org.ratify.threshold"));
    char buf[ALERT_TIME_MAX];
    CHECK_STR(alert_time_format(0, buf), "1970-01-01T00:00:00.000Z");
    CHECK_STR(alert_time_format(1057017600123LL, buf), "2003-07-01T00:00:00.123Z");
    CHECK_STR(alert_time_format(1795816661999LL, buf), "2026-11-27T21:57:41.999Z");
}

static void
test_from_milestone(void)
{
    alert_t a;
    s_make_alert(&a);
    CHECK_STR(a.id, "UNTOC/threshold.reached/2003-07-01");
    CHECK_STR(a.type, "org.ratify.threshold.reached");
    CHECK_STR(a.instrument, "UNTOC");
    CHECK_STR(a.reference, "XVIII-12");
    CHECK_INT(a.threshold, 40);
    CHECK_INT(a.count, 40);
    char d[RDATE_ISO_SIZE];
    CHECK_STR(rdate_format(a.threshold_date, d), "2003-07-01");
    CHECK_STR(rdate_format(a.entry_into_force, d), "2003-09-29");
    CHECK_STR(a.waiting_for, "");
    CHECK_STR(a.stage, "scheduled");
    CHECK_INT(a.participant_count, 1);
    CHECK_STR(a.participants[0].participant, "ARM");
    CHECK_STR(a.participants[0].name, "Armenia");

    alert_t copy;
    CHECK_INT(alert_copy(&copy, &a), 0);
    CHECK(copy.participants != a.participants);
    CHECK_STR(copy.participants[0].name, "Armenia");
    alert_clear(&copy);
    alert_clear(&a);
    CHECK(a.participants == NULL && a.participant_count == 0);

    /* what cannot become an alert */
    milestone_t m;
    milestone_participant_t p;
    wire_err_t err;
    s_reached(&m, &p);
    m.kind = MILESTONE_NONE;
    CHECK_INT(alert_from_milestone(&m, &a, &err), -1);
    s_reached(&m, &p);
    snprintf(m.id, sizeof m.id, "UNTOC/reached\r\nX-Evil: 1");
    CHECK_INT(alert_from_milestone(&m, &a, &err), -1);
    CHECK_STR(err.code, "bad_field");
    s_reached(&m, &p);
    snprintf(m.id, sizeof m.id, "UNTOC reached");
    CHECK_INT(alert_from_milestone(&m, &a, &err), -1);
    s_reached(&m, &p);
    m.participant_count = ALERT_PARTICIPANTS_MAX + 1;
    CHECK_INT(alert_from_milestone(&m, &a, &err), -1);
    CHECK(a.participants == NULL);
}

static void
test_msgpack_form(void)
{
    alert_t a;
    s_make_alert(&a);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    CHECK_INT(alert_encode(&a, &buf), 0);
    char *json = s_json_of(&buf);
    CHECK_STR(json,
              "{\"v\":1,\"type\":\"org.ratify.threshold.reached\",\"specversion\":\"1.0\","
              "\"id\":\"UNTOC/threshold.reached/2003-07-01\",\"source\":\"/ratify/threshold\","
              "\"subject\":\"UNTOC\",\"time\":\"2003-07-01T00:00:00.123Z\","
              "\"datacontenttype\":\"application/json\",\"sequence\":7,\"data\":{"
              "\"instrument\":\"UNTOC\",\"reference\":\"XVIII-12\",\"title\":\"United Nations "
              "Convention against Transnational Organized Crime\",\"threshold\":40,\"count\":40,"
              "\"threshold_date\":\"2003-07-01\",\"entry_into_force\":\"2003-09-29\","
              "\"waiting_for\":null,\"participants\":[{\"participant\":\"ARM\",\"name\":"
              "\"Armenia\"}],\"stage\":\"scheduled\"}}");
    free(json);

    /* the envelope parses; the type is the CloudEvents type */
    msg_in_t *in = s_parse(&buf);
    if (in) {
        CHECK_INT(msg_in_type(in), MSG_UNKNOWN);
        CHECK_STR(msg_in_type_name(in), "org.ratify.threshold.reached");
        alert_t back;
        wire_err_t err;
        CHECK_INT(alert_read(msg_in_root(in), &back, &err), 0);
        CHECK_INT(back.sequence, 7);
        CHECK_STR(back.time, a.time);
        CHECK_STR(back.participants[0].name, "Armenia");
        msgpack_sbuffer again;
        msgpack_sbuffer_init(&again);
        CHECK_INT(alert_encode(&back, &again), 0);
        CHECK(again.size == buf.size && memcmp(again.data, buf.data, buf.size) == 0);
        msgpack_sbuffer_clear(&again);
        CHECK_INT(alert_reencode(in, &again, &err), 0);
        CHECK(again.size == buf.size && memcmp(again.data, buf.data, buf.size) == 0);
        msgpack_sbuffer_destroy(&again);
        alert_clear(&back);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
    alert_clear(&a);
}

static void
test_json_form(void)
{
    alert_t a;
    s_make_alert(&a);
    char *text = alert_to_json_text(&a);
    CHECK_STR(text,
              "{\"specversion\":\"1.0\",\"id\":\"UNTOC/threshold.reached/2003-07-01\","
              "\"source\":\"/ratify/threshold\",\"type\":\"org.ratify.threshold.reached\","
              "\"subject\":\"UNTOC\",\"time\":\"2003-07-01T00:00:00.123Z\","
              "\"datacontenttype\":\"application/json\",\"sequence\":\"7\",\"data\":{"
              "\"instrument\":\"UNTOC\",\"reference\":\"XVIII-12\",\"title\":\"United Nations "
              "Convention against Transnational Organized Crime\",\"threshold\":40,\"count\":40,"
              "\"threshold_date\":\"2003-07-01\",\"entry_into_force\":\"2003-09-29\","
              "\"waiting_for\":null,\"participants\":[{\"participant\":\"ARM\",\"name\":"
              "\"Armenia\"}],\"stage\":\"scheduled\"}}");
    free(text);

    /* absent values are null; a Protocol waiting for its Convention */
    alert_clear(&a);
    milestone_t m;
    milestone_participant_t p;
    wire_err_t err;
    s_reached(&m, &p);
    m.kind = MILESTONE_APPROACHING;
    snprintf(m.id, sizeof m.id, "TIP/threshold.approaching/N-5");
    snprintf(m.instrument, sizeof m.instrument, "TIP");
    m.threshold_date = RDATE_NONE;
    m.entry_into_force = RDATE_NONE;
    snprintf(m.waiting_for, sizeof m.waiting_for, "UNTOC");
    m.stage = RULES_STAGE_PENDING;
    m.participant_count = 0;
    m.participants = NULL;
    CHECK_INT(alert_from_milestone(&m, &a, &err), 0);
    json_t *j = alert_to_json(&a);
    json_t *data = json_object_get(j, "data");
    CHECK(json_is_null(json_object_get(data, "threshold_date")));
    CHECK(json_is_null(json_object_get(data, "entry_into_force")));
    CHECK_STR(json_string_value(json_object_get(data, "waiting_for")), "UNTOC");
    CHECK_INT(json_array_size(json_object_get(data, "participants")), 0);
    CHECK_STR(json_string_value(json_object_get(j, "subject")), "TIP");
    CHECK_STR(json_string_value(json_object_get(j, "sequence")), "0");
    json_decref(j);
    alert_clear(&a);
}

/* Packs a hostile alert map built from a JSON text. */
static int
s_read_json(const char *text, alert_t *out, wire_err_t *err)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    CHECK(j != NULL);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    wirejson_to_msgpack(j, &pk);
    json_decref(j);
    msg_in_t *in = msg_in_parse(buf.data, buf.size, err);
    int rc = in ? alert_read(msg_in_root(in), out, err) : -1;
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
    return rc;
}

#define GOOD_DATA                                                                                  \
    "\"data\":{\"instrument\":\"UNTOC\",\"reference\":\"XVIII-12\",\"title\":\"t\",\"threshold\":" \
    "40,"                                                                                          \
    "\"count\":40,\"participants\":[]}"

static void
test_read_hostile(void)
{
    alert_t a;
    wire_err_t err;
    const char *good = "{\"v\":1,\"type\":\"org.ratify.threshold.reached\",\"specversion\":\"1.0\","
                       "\"id\":\"x\",\"source\":\"s\",\"subject\":\"UNTOC\",\"time\":\"t\","
                       "\"sequence\":1," GOOD_DATA "}";
    CHECK_INT(s_read_json(good, &a, &err), 0);
    alert_clear(&a);
    const char *bad[] = {
        /* specversion */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"0.3\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1," GOOD_DATA "}",
        /* type outside org.ratify. */
        "{\"v\":1,\"type\":\"com.example.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1," GOOD_DATA "}",
        /* subject is not data.instrument */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"TIP\",\"time\":\"t\",\"sequence\":1," GOOD_DATA "}",
        /* sequence a string */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":\"1\"," GOOD_DATA "}",
        /* no data */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1}",
        /* a participant that is a string */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1,\"data\":{\"instrument\":\"UNTOC\","
        "\"reference\":\"r\",\"title\":\"t\",\"threshold\":40,\"count\":1,\"participants\":"
        "[\"ARM\"]}}",
        /* a participant id too long */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1,\"data\":{\"instrument\":\"UNTOC\","
        "\"reference\":\"r\",\"title\":\"t\",\"threshold\":40,\"count\":1,\"participants\":"
        "[{\"participant\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\",\"name\":\"n\"}]}}",
        /* a bad date */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1,\"data\":{\"instrument\":\"UNTOC\","
        "\"reference\":\"r\",\"title\":\"t\",\"threshold\":40,\"count\":1,"
        "\"threshold_date\":\"2003-02-30\"}}",
        /* a negative count */
        "{\"v\":1,\"type\":\"org.ratify.x\",\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\","
        "\"subject\":\"UNTOC\",\"time\":\"t\",\"sequence\":1,\"data\":{\"instrument\":\"UNTOC\","
        "\"reference\":\"r\",\"title\":\"t\",\"threshold\":40,\"count\":-1}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        const int rc = s_read_json(bad[i], &a, &err);
        CHECK_INT(rc, -1);
        if (rc == 0)
            fprintf(stderr, "  accepted bad alert %zu\n", i);
        CHECK(a.participants == NULL);
        CHECK(err.code[0] != '\0');
    }
    /* more participants than allowed: refused before allocating */
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    wire_pack_str(&pk, "participants");
    msgpack_pack_array(&pk, ALERT_PARTICIPANTS_MAX + 1);
    for (int i = 0; i <= ALERT_PARTICIPANTS_MAX; i++)
        msgpack_pack_nil(&pk);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    CHECK(msgpack_unpack_next(&u, buf.data, buf.size, &off) == MSGPACK_UNPACK_SUCCESS);
    /* reach s_read_participants through alert_read's data */
    msgpack_sbuffer whole;
    msgpack_sbuffer_init(&whole);
    msgpack_packer_init(&pk, &whole, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 8);
    wire_pack_kv_str(&pk, "specversion", "1.0");
    wire_pack_kv_str(&pk, "type", "org.ratify.x");
    wire_pack_kv_str(&pk, "id", "x");
    wire_pack_kv_str(&pk, "source", "s");
    wire_pack_kv_str(&pk, "subject", "U");
    wire_pack_kv_str(&pk, "time", "t");
    wire_pack_kv_int(&pk, "sequence", 1);
    wire_pack_str(&pk, "data");
    msgpack_pack_map(&pk, 6);
    wire_pack_kv_str(&pk, "instrument", "U");
    wire_pack_kv_str(&pk, "reference", "r");
    wire_pack_kv_str(&pk, "title", "t");
    wire_pack_kv_int(&pk, "threshold", 1);
    wire_pack_kv_int(&pk, "count", 1);
    msgpack_pack_object(&pk, u.data.via.map.ptr[0].key);
    msgpack_pack_object(&pk, u.data.via.map.ptr[0].val);
    msgpack_unpacked w;
    msgpack_unpacked_init(&w);
    off = 0;
    CHECK(msgpack_unpack_next(&w, whole.data, whole.size, &off) == MSGPACK_UNPACK_SUCCESS);
    CHECK_INT(alert_read(&w.data, &a, &err), -1);
    CHECK(strstr(err.message, "participants") != NULL);
    msgpack_unpacked_destroy(&w);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&whole);
    msgpack_sbuffer_destroy(&buf);
}

/* Encodes with `encode`, checks the JSON, and that the canonical
   re-encoding is byte-identical. */
static void
s_roundtrip(const msgpack_sbuffer *buf, const char *want_json)
{
    char *json = s_json_of(buf);
    CHECK_STR(json, want_json);
    free(json);
    msg_in_t *in = s_parse(buf);
    if (!in)
        return;
    msgpack_sbuffer again;
    msgpack_sbuffer_init(&again);
    wire_err_t err;
    CHECK_INT(alert_reencode(in, &again, &err), 0);
    CHECK(again.size == buf->size && memcmp(again.data, buf->data, buf->size) == 0);
    msgpack_sbuffer_destroy(&again);
    msg_in_destroy(&in);
}

static void
test_api_messages(void)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    wire_err_t err;

    alert_since_t since = {.from = 5, .limit = 100};
    CHECK_INT(alert_encode_since(&since, &buf), 0);
    s_roundtrip(&buf, "{\"v\":1,\"type\":\"alerts.since\",\"from\":5,\"limit\":100}");
    msgpack_sbuffer_clear(&buf);

    /* a batch embeds the stored bytes verbatim */
    alert_t a;
    s_make_alert(&a);
    msgpack_sbuffer items;
    msgpack_sbuffer_init(&items);
    alert_encode(&a, &items);
    const size_t first = items.size;
    a.sequence = 8;
    alert_encode(&a, &items);
    alert_bytes_t bytes[2] = {{items.data, first}, {items.data + first, items.size - first}};
    CHECK_INT(alert_encode_batch(8, false, bytes, 2, &buf), 0);
    msg_in_t *in = s_parse(&buf);
    alert_batch_t batch;
    if (in) {
        CHECK_INT(alert_decode_batch(in, &batch, &err), 0);
        CHECK_INT(batch.count, 2);
        CHECK_INT(batch.last_seq, 8);
        CHECK(!batch.more);
        CHECK_INT(batch.alerts[0].sequence, 7);
        CHECK_INT(batch.alerts[1].sequence, 8);
        CHECK_STR(batch.alerts[1].participants[0].participant, "ARM");
        alert_batch_clear(&batch);
        msgpack_sbuffer again;
        msgpack_sbuffer_init(&again);
        CHECK_INT(alert_reencode(in, &again, &err), 0);
        CHECK(again.size == buf.size && memcmp(again.data, buf.data, buf.size) == 0);
        msgpack_sbuffer_destroy(&again);
        CHECK_INT(alert_decode_since(in, &since, &err), -1);
        CHECK_STR(err.code, "wrong_type");
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&items);
    alert_clear(&a);
    msgpack_sbuffer_clear(&buf);

    alert_hook_add_t add = {.url = "https://example.org/h", .type_prefix = "org.ratify.threshold."};
    CHECK_INT(alert_encode_hook_add(&add, &buf), 0);
    s_roundtrip(&buf, "{\"v\":1,\"type\":\"webhook.add\",\"url\":\"https://example.org/h\","
                      "\"type_prefix\":\"org.ratify.threshold.\",\"secret\":null}");
    msgpack_sbuffer_clear(&buf);

    CHECK_INT(alert_encode_hook_id(MSG_WEBHOOK_REDELIVER, 12, &buf), 0);
    s_roundtrip(&buf, "{\"v\":1,\"type\":\"webhook.redeliver\",\"id\":12}");
    in = s_parse(&buf);
    int64_t id = 0;
    if (in) {
        CHECK_INT(alert_decode_hook_id(in, MSG_WEBHOOK_REDELIVER, &id, &err), 0);
        CHECK_INT(id, 12);
        CHECK_INT(alert_decode_hook_id(in, MSG_WEBHOOK_REMOVE, &id, &err), -1);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_clear(&buf);

    CHECK_INT(alert_encode_hook_query(MSG_WEBHOOK_DEAD, 0, &buf), 0);
    s_roundtrip(&buf, "{\"v\":1,\"type\":\"webhook.dead\",\"limit\":0}");
    msgpack_sbuffer_clear(&buf);

    alert_hook_t hooks[2] = {{.id = 1,
                              .url = "http://127.0.0.1:9/a",
                              .status = "active",
                              .created = "2003-07-01T00:00:00.000Z",
                              .secret = "whsec_x",
                              .pending = 1,
                              .delivered = 2,
                              .dead = 3},
                             {.id = 2,
                              .url = "http://127.0.0.1:9/b",
                              .type_prefix = "org.ratify.",
                              .status = "gone",
                              .created = "2003-07-01T00:00:00.000Z"}};
    CHECK_INT(alert_encode_hook(&hooks[0], &buf), 0);
    s_roundtrip(&buf, "{\"v\":1,\"type\":\"webhook\",\"id\":1,\"url\":\"http://127.0.0.1:9/a\","
                      "\"type_prefix\":\"\",\"status\":\"active\",\"created\":"
                      "\"2003-07-01T00:00:00.000Z\",\"secret\":\"whsec_x\",\"pending\":1,"
                      "\"delivered\":2,\"dead\":3}");
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(alert_encode_hooks(hooks, 2, &buf), 0);
    in = s_parse(&buf);
    alert_hooks_t list;
    if (in) {
        CHECK_INT(alert_decode_hooks(in, &list, &err), 0);
        CHECK_INT(list.count, 2);
        CHECK_STR(list.hooks[1].status, "gone");
        CHECK_STR(list.hooks[1].secret, "");
        alert_hooks_clear(&list);
        msgpack_sbuffer again;
        msgpack_sbuffer_init(&again);
        CHECK_INT(alert_reencode(in, &again, &err), 0);
        CHECK(again.size == buf.size && memcmp(again.data, buf.data, buf.size) == 0);
        msgpack_sbuffer_destroy(&again);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_clear(&buf);

    alert_delivery_t dl = {.id = 4,
                           .webhook = 1,
                           .url = "http://127.0.0.1:9/a",
                           .alert = "UNTOC/threshold.reached/2003-07-01",
                           .sequence = 3,
                           .alert_type = "org.ratify.threshold.reached",
                           .status = "dead",
                           .attempts = 8,
                           .last_code = 503,
                           .last_error = "HTTP 503",
                           .updated = "2003-07-01T00:00:00.000Z"};
    CHECK_INT(alert_encode_delivery(&dl, &buf), 0);
    s_roundtrip(&buf, "{\"v\":1,\"type\":\"delivery\",\"id\":4,\"webhook\":1,\"url\":"
                      "\"http://127.0.0.1:9/a\",\"alert\":\"UNTOC/threshold.reached/2003-07-01\","
                      "\"sequence\":3,\"alert_type\":\"org.ratify.threshold.reached\",\"status\":"
                      "\"dead\",\"attempts\":8,\"last_code\":503,\"last_error\":\"HTTP 503\","
                      "\"next_attempt\":null,\"updated\":\"2003-07-01T00:00:00.000Z\"}");
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(alert_encode_deliveries(&dl, 1, &buf), 0);
    in = s_parse(&buf);
    alert_deliveries_t dls;
    if (in) {
        CHECK_INT(alert_decode_deliveries(in, &dls, &err), 0);
        CHECK_INT(dls.count, 1);
        CHECK_INT(dls.deliveries[0].last_code, 503);
        alert_deliveries_clear(&dls);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_clear(&buf);

    /* not a notifier message */
    CHECK_INT(msg_encode_ping(&buf), 0);
    in = s_parse(&buf);
    if (in) {
        msgpack_sbuffer again;
        msgpack_sbuffer_init(&again);
        CHECK_INT(alert_reencode(in, &again, &err), -1);
        CHECK_STR(err.code, "unknown_type");
        msgpack_sbuffer_destroy(&again);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

static void
test_batch_hostile(void)
{
    /* a small frame declaring more alerts than a batch may hold */
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_str(&pk, "type", "alerts");
    wire_pack_kv_int(&pk, "last_seq", 5);
    wire_pack_kv_bool(&pk, "more", false);
    wire_pack_str(&pk, "alerts");
    msgpack_pack_array(&pk, ALERT_BATCH_MAX + 1);
    for (int i = 0; i <= ALERT_BATCH_MAX; i++)
        msgpack_pack_nil(&pk);
    msg_in_t *in = s_parse(&buf);
    alert_batch_t b;
    wire_err_t err;
    if (in) {
        CHECK_INT(alert_decode_batch(in, &b, &err), -1);
        CHECK_STR(err.code, "bad_field");
        CHECK(b.alerts == NULL);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_clear(&buf);
    /* an element that is not an alert */
    msgpack_pack_map(&pk, 5);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_str(&pk, "type", "alerts");
    wire_pack_kv_int(&pk, "last_seq", 5);
    wire_pack_kv_bool(&pk, "more", false);
    wire_pack_str(&pk, "alerts");
    msgpack_pack_array(&pk, 1);
    msgpack_pack_int(&pk, 3);
    in = s_parse(&buf);
    if (in) {
        CHECK_INT(alert_decode_batch(in, &b, &err), -1);
        CHECK(b.alerts == NULL && b.count == 0);
    }
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&buf);
}

int
main(void)
{
    test_types();
    test_from_milestone();
    test_msgpack_form();
    test_json_form();
    test_read_hostile();
    test_api_messages();
    test_batch_hostile();
    return check_report("test_alert");
}
