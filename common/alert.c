/*  alert: CloudEvents codecs and the notifier's API messages.

    Encoders write keys in the order proto/PROTOCOL.md lists them; decoders
    read by name and ignore unknown keys. The participants array is the only
    allocation in an alert, bounded by ALERT_PARTICIPANTS_MAX (and, on
    decode, by the frame: wire_check proved each element is present). */
#include "alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *s_kinds[] = {
    "threshold.approaching",    "threshold.reached",          "entry_into_force.scheduled",
    "entry_into_force.revised", "entry_into_force.effective",
};
static const char *s_types[] = {
    ALERT_TYPE_PREFIX "threshold.approaching",      ALERT_TYPE_PREFIX "threshold.reached",
    ALERT_TYPE_PREFIX "entry_into_force.scheduled", ALERT_TYPE_PREFIX "entry_into_force.revised",
    ALERT_TYPE_PREFIX "entry_into_force.effective",
};
#define KIND_COUNT (sizeof s_kinds / sizeof s_kinds[0])

const char *
alert_type_for_kind(const char *kind)
{
    for (size_t i = 0; kind && i < KIND_COUNT; i++)
        if (strcmp(kind, s_kinds[i]) == 0)
            return s_types[i];
    return NULL;
}

bool
alert_type_known(const char *type)
{
    for (size_t i = 0; type && i < KIND_COUNT; i++)
        if (strcmp(type, s_types[i]) == 0)
            return true;
    return false;
}

void
alert_clear(alert_t *a)
{
    if (!a)
        return;
    free(a->participants);
    memset(a, 0, sizeof *a);
}

/* alert_clear as msg_decode_batch calls it */
static void
s_clear_batch_item(void *item)
{
    alert_clear(item);
}

int
alert_copy(alert_t *dst, const alert_t *src)
{
    *dst = *src;
    dst->participants = NULL;
    if (src->participant_count == 0)
        return 0;
    dst->participants = malloc(src->participant_count * sizeof *dst->participants);
    if (!dst->participants) {
        memset(dst, 0, sizeof *dst);
        return -1;
    }
    memcpy(dst->participants, src->participants,
           src->participant_count * sizeof *dst->participants);
    return 0;
}

char *
alert_time_format(int64_t wall_ms, char buf[ALERT_TIME_MAX])
{
    if (wall_ms < 0)
        wall_ms = 0;
    const time_t secs = (time_t) (wall_ms / 1000);
    struct tm tm;
    char whole[24];
    if (!gmtime_r(&secs, &tm) || strftime(whole, sizeof whole, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(whole, sizeof whole, "1970-01-01T00:00:00");
    snprintf(buf, ALERT_TIME_MAX, "%.19s.%03dZ", whole, (int) (wall_ms % 1000));
    return buf;
}

/* ---- reading ------------------------------------------------------------ */

static int
s_read_participants(const msgpack_object *map, alert_t *a, wire_err_t *err)
{
    const msgpack_object *arr = wire_map_get(map, "participants");
    if (!arr || arr->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (arr->type != MSGPACK_OBJECT_ARRAY)
        return wire_fail(err, "bad_field", "field 'participants' must be an array");
    const uint32_t n = arr->via.array.size;
    if (n > ALERT_PARTICIPANTS_MAX)
        return wire_fail(err, "bad_field", "field 'participants' has %u entries (at most %d)", n,
                         ALERT_PARTICIPANTS_MAX);
    if (n == 0)
        return 0;
    a->participants = calloc(n, sizeof *a->participants);
    if (!a->participants)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *p = &arr->via.array.ptr[i];
        milestone_participant_t *dst = &a->participants[i];
        if (p->type != MSGPACK_OBJECT_MAP)
            return wire_fail(err, "bad_field", "participants[%u] must be a map", i);
        if (wire_get_str(p, "participant", dst->participant, sizeof dst->participant, true, err) < 0
            || wire_get_str(p, "name", dst->name, sizeof dst->name, true, err) < 0)
            return -1;
        a->participant_count++;
    }
    return 0;
}

/* Reads the fields of an alert's "data" map. */
static int
s_read_data(const msgpack_object *map, alert_t *a, wire_err_t *err)
{
    if (wire_get_str(map, "instrument", a->instrument, sizeof a->instrument, true, err) < 0
        || wire_get_str(map, "reference", a->reference, sizeof a->reference, true, err) < 0
        || wire_get_str(map, "title", a->title, sizeof a->title, true, err) < 0
        || wire_get_int(map, "threshold", &a->threshold, true, err) < 0
        || wire_get_int(map, "count", &a->count, true, err) < 0
        || wire_get_date(map, "threshold_date", &a->threshold_date, false, err) < 0
        || wire_get_date(map, "entry_into_force", &a->entry_into_force, false, err) < 0
        || wire_get_str(map, "waiting_for", a->waiting_for, sizeof a->waiting_for, false, err) < 0
        || wire_get_str(map, "stage", a->stage, sizeof a->stage, false, err) < 0)
        return -1;
    if (a->instrument[0] == '\0')
        return wire_fail(err, "bad_field", "field 'instrument' must not be empty");
    if (a->threshold < 0 || a->count < 0)
        return wire_fail(err, "bad_field", "fields 'threshold' and 'count' must not be negative");
    return s_read_participants(map, a, err);
}

int
alert_from_milestone(const milestone_t *m, alert_t *out, wire_err_t *err)
{
    memset(out, 0, sizeof *out);
    const char *type = alert_type_for_kind(milestone_kind_name(m->kind));
    if (!type)
        return wire_fail(err, "bad_field", "milestone %s has an unknown kind", m->id);
    if (m->id[0] == '\0' || m->instrument[0] == '\0')
        return wire_fail(err, "bad_field", "a milestone needs an id and an instrument");
    for (const char *c = m->id; *c; c++)
        if (*c < 0x21 || *c > 0x7e)
            return wire_fail(err, "bad_field", "milestone id '%s' is not printable ASCII", m->id);
    snprintf(out->id, sizeof out->id, "%s", m->id);
    snprintf(out->type, sizeof out->type, "%s", type);
    memcpy(out->instrument, m->instrument, sizeof out->instrument);
    memcpy(out->reference, m->reference, sizeof out->reference);
    memcpy(out->title, m->title, sizeof out->title);
    out->threshold = m->threshold;
    out->count = m->count;
    out->threshold_date = m->threshold_date;
    out->entry_into_force = m->entry_into_force;
    memcpy(out->waiting_for, m->waiting_for, sizeof out->waiting_for);
    snprintf(out->stage, sizeof out->stage, "%s", milestone_stage_name(m->stage));
    if (m->participant_count > ALERT_PARTICIPANTS_MAX
        || (m->participant_count && !m->participants)) {
        alert_clear(out);
        return wire_fail(err, "bad_field", "milestone %s has a bad participants list", m->id);
    }
    if (m->participant_count) {
        out->participants = malloc(m->participant_count * sizeof *out->participants);
        if (!out->participants) {
            alert_clear(out);
            return wire_fail(err, "internal", "out of memory");
        }
        memcpy(out->participants, m->participants,
               m->participant_count * sizeof *out->participants);
        out->participant_count = m->participant_count;
    }
    return 0;
}

int
alert_read(const msgpack_object *map, alert_t *out, wire_err_t *err)
{
    char spec[8], source[128], subject[EVENT_INSTRUMENT_MAX];
    memset(out, 0, sizeof *out);
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return wire_fail(err, "bad_field", "an alert must be a map");
    if (wire_get_str(map, "specversion", spec, sizeof spec, true, err) < 0
        || wire_get_str(map, "type", out->type, sizeof out->type, true, err) < 0
        || wire_get_str(map, "id", out->id, sizeof out->id, true, err) < 0
        || wire_get_str(map, "source", source, sizeof source, true, err) < 0
        || wire_get_str(map, "subject", subject, sizeof subject, true, err) < 0
        || wire_get_str(map, "time", out->time, sizeof out->time, true, err) < 0
        || wire_get_int(map, "sequence", &out->sequence, true, err) < 0)
        goto fail;
    if (strcmp(spec, ALERT_SPECVERSION) != 0) {
        wire_fail(err, "bad_field", "field 'specversion' must be \"%s\", not \"%s\"",
                  ALERT_SPECVERSION, spec);
        goto fail;
    }
    if (strncmp(out->type, ALERT_TYPE_PREFIX, strlen(ALERT_TYPE_PREFIX)) != 0) {
        wire_fail(err, "bad_field", "field 'type' must start with \"%s\"", ALERT_TYPE_PREFIX);
        goto fail;
    }
    if (out->sequence < 0 || out->id[0] == '\0') {
        wire_fail(err, "bad_field", "an alert needs an id and a sequence >= 0");
        goto fail;
    }
    const msgpack_object *data = wire_map_get(map, "data");
    if (!data || data->type != MSGPACK_OBJECT_MAP) {
        wire_fail(err, "missing_field", "field 'data' must be a map");
        goto fail;
    }
    if (s_read_data(data, out, err) != 0)
        goto fail;
    if (strcmp(subject, out->instrument) != 0) {
        wire_fail(err, "bad_field", "field 'subject' (%s) must be data.instrument (%s)", subject,
                  out->instrument);
        goto fail;
    }
    return 0;
fail:
    alert_clear(out);
    return -1;
}

/* alert_read as msg_decode_batch calls it */
static int
s_read_batch_item(const msgpack_object *obj, uint32_t i, void *item, wire_err_t *err)
{
    (void) i;
    return alert_read(obj, item, err);
}

/* ---- writing ------------------------------------------------------------ */

static int
s_done(int rc)
{
    return rc ? -1 : 0;
}

int
alert_encode(const alert_t *a, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, a->type, 8);
    rc = rc ? rc : wire_pack_kv_str(&pk, "specversion", ALERT_SPECVERSION);
    rc = rc ? rc : wire_pack_kv_str(&pk, "id", a->id);
    rc = rc ? rc : wire_pack_kv_str(&pk, "source", ALERT_SOURCE);
    rc = rc ? rc : wire_pack_kv_str(&pk, "subject", a->instrument);
    rc = rc ? rc : wire_pack_kv_str(&pk, "time", a->time);
    rc = rc ? rc : wire_pack_kv_str(&pk, "datacontenttype", ALERT_DATACONTENTTYPE);
    rc = rc ? rc : wire_pack_kv_int(&pk, "sequence", a->sequence);
    rc = rc ? rc : wire_pack_str(&pk, "data");
    rc = rc ? rc : msgpack_pack_map(&pk, 10);
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", a->instrument);
    rc = rc ? rc : wire_pack_kv_str(&pk, "reference", a->reference);
    rc = rc ? rc : wire_pack_kv_str(&pk, "title", a->title);
    rc = rc ? rc : wire_pack_kv_int(&pk, "threshold", a->threshold);
    rc = rc ? rc : wire_pack_kv_int(&pk, "count", a->count);
    rc = rc ? rc : wire_pack_kv_date(&pk, "threshold_date", a->threshold_date);
    rc = rc ? rc : wire_pack_kv_date(&pk, "entry_into_force", a->entry_into_force);
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "waiting_for", a->waiting_for);
    rc = rc ? rc : wire_pack_str(&pk, "participants");
    rc = rc ? rc : msgpack_pack_array(&pk, a->participant_count);
    for (size_t i = 0; !rc && i < a->participant_count; i++) {
        rc = msgpack_pack_map(&pk, 2);
        rc = rc ? rc : wire_pack_kv_str(&pk, "participant", a->participants[i].participant);
        rc = rc ? rc : wire_pack_kv_str(&pk, "name", a->participants[i].name);
    }
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "stage", a->stage);
    return s_done(rc);
}

/* Returns a JSON string, or null for "". A new reference or NULL. */
static json_t *
s_json_opt(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *
s_json_date(rdate_t d)
{
    char buf[RDATE_ISO_SIZE];
    return d == RDATE_NONE ? json_null() : json_string(rdate_format(d, buf));
}

/* Sets key to value, stealing the reference; records a failure in *ok. */
static void
s_set(json_t *obj, const char *key, json_t *value, bool *ok)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *ok = false;
}

json_t *
alert_to_json(const alert_t *a)
{
    bool ok = true;
    json_t *data = json_object();
    json_t *parts = json_array();
    json_t *root = json_object();
    if (!data || !parts || !root) {
        ok = false;
        goto done;
    }
    for (size_t i = 0; i < a->participant_count; i++) {
        json_t *p = json_object();
        if (p) {
            s_set(p, "participant", json_string(a->participants[i].participant), &ok);
            s_set(p, "name", json_string(a->participants[i].name), &ok);
        }
        if (!p || json_array_append_new(parts, p) != 0)
            ok = false;
    }
    s_set(data, "instrument", json_string(a->instrument), &ok);
    s_set(data, "reference", json_string(a->reference), &ok);
    s_set(data, "title", json_string(a->title), &ok);
    s_set(data, "threshold", json_integer((json_int_t) a->threshold), &ok);
    s_set(data, "count", json_integer((json_int_t) a->count), &ok);
    s_set(data, "threshold_date", s_json_date(a->threshold_date), &ok);
    s_set(data, "entry_into_force", s_json_date(a->entry_into_force), &ok);
    s_set(data, "waiting_for", s_json_opt(a->waiting_for), &ok);
    s_set(data, "participants", json_incref(parts), &ok);
    s_set(data, "stage", s_json_opt(a->stage), &ok);

    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long) a->sequence);
    s_set(root, "specversion", json_string(ALERT_SPECVERSION), &ok);
    s_set(root, "id", json_string(a->id), &ok);
    s_set(root, "source", json_string(ALERT_SOURCE), &ok);
    s_set(root, "type", json_string(a->type), &ok);
    s_set(root, "subject", json_string(a->instrument), &ok);
    s_set(root, "time", json_string(a->time), &ok);
    s_set(root, "datacontenttype", json_string(ALERT_DATACONTENTTYPE), &ok);
    s_set(root, "sequence", json_string(seq), &ok);
    s_set(root, "data", json_incref(data), &ok);
done:
    json_decref(parts);
    json_decref(data);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

char *
alert_to_json_text(const alert_t *a)
{
    json_t *j = alert_to_json(a);
    if (!j)
        return NULL;
    char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return text;
}

/* ---- API messages ------------------------------------------------------- */

/* Returns the array under key, or NULL with err filled. */
static const msgpack_object *
s_array(const msgpack_object *map, const char *key, size_t max, wire_err_t *err)
{
    const msgpack_object *arr = wire_map_get(map, key);
    if (!arr || arr->type != MSGPACK_OBJECT_ARRAY) {
        wire_fail(err, "missing_field", "field '%s' must be an array", key);
        return NULL;
    }
    if (arr->via.array.size > max) {
        wire_fail(err, "bad_field", "field '%s' has %u entries (at most %zu)", key,
                  arr->via.array.size, max);
        return NULL;
    }
    return arr;
}

void
alert_batch_clear(alert_batch_t *b)
{
    for (size_t i = 0; b->alerts && i < b->count; i++)
        alert_clear(&b->alerts[i]);
    free(b->alerts);
    memset(b, 0, sizeof *b);
}

int
alert_decode_batch(const msg_in_t *in, alert_batch_t *out, wire_err_t *err)
{
    static const msg_batch_codec_t codec = {.type = MSG_ALERTS,
                                            .key = "alerts",
                                            .max = ALERT_BATCH_MAX,
                                            .get_array = s_array,
                                            .item_size = sizeof(alert_t),
                                            .read = s_read_batch_item,
                                            .clear = s_clear_batch_item};
    msg_batch_t b;
    const int rc = msg_decode_batch(in, &codec, &b, err);
    *out = (alert_batch_t){b.last_seq, b.more, b.count, b.items};
    return rc;
}

int
alert_encode_hook_add(const alert_hook_add_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(MSG_WEBHOOK_ADD), 3);
    rc = rc ? rc : wire_pack_kv_str(&pk, "url", m->url);
    rc = rc ? rc : wire_pack_kv_str(&pk, "type_prefix", m->type_prefix);
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "secret", m->secret);
    return s_done(rc);
}

int
alert_decode_hook_add(const msg_in_t *in, alert_hook_add_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_WEBHOOK_ADD, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_str(map, "url", out->url, sizeof out->url, true, err) < 0
        || wire_get_str(map, "type_prefix", out->type_prefix, sizeof out->type_prefix, false, err)
               < 0
        || wire_get_str(map, "secret", out->secret, sizeof out->secret, false, err) < 0)
        return -1;
    return 0;
}

int
alert_encode_hook_id(msg_type_t type, int64_t id, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(type), 1);
    rc = rc ? rc : wire_pack_kv_int(&pk, "id", id);
    return s_done(rc);
}

int
alert_decode_hook_id(const msg_in_t *in, msg_type_t type, int64_t *id, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, type, err);
    *id = 0;
    if (!map || wire_get_int(map, "id", id, true, err) < 0)
        return -1;
    return 0;
}

int
alert_encode_hook_query(msg_type_t type, int64_t limit, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(type), 1);
    rc = rc ? rc : wire_pack_kv_int(&pk, "limit", limit);
    return s_done(rc);
}

int
alert_decode_hook_query(const msg_in_t *in, msg_type_t type, int64_t *limit, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, type, err);
    *limit = 0;
    if (!map || wire_get_int(map, "limit", limit, false, err) < 0)
        return -1;
    if (*limit < 0)
        return wire_fail(err, "bad_field", "field 'limit' must not be negative");
    return 0;
}

/* A webhook's fields, without envelope: 9. */
static int
s_pack_hook_fields(msgpack_packer *pk, const alert_hook_t *h)
{
    int rc = wire_pack_kv_int(pk, "id", h->id);
    rc = rc ? rc : wire_pack_kv_str(pk, "url", h->url);
    rc = rc ? rc : wire_pack_kv_str(pk, "type_prefix", h->type_prefix);
    rc = rc ? rc : wire_pack_kv_str(pk, "status", h->status);
    rc = rc ? rc : wire_pack_kv_str(pk, "created", h->created);
    rc = rc ? rc : wire_pack_kv_opt_str(pk, "secret", h->secret);
    rc = rc ? rc : wire_pack_kv_int(pk, "pending", h->pending);
    rc = rc ? rc : wire_pack_kv_int(pk, "delivered", h->delivered);
    rc = rc ? rc : wire_pack_kv_int(pk, "dead", h->dead);
    return rc;
}

static int
s_read_hook(const msgpack_object *map, alert_hook_t *h, wire_err_t *err)
{
    memset(h, 0, sizeof *h);
    if (wire_get_int(map, "id", &h->id, true, err) < 0
        || wire_get_str(map, "url", h->url, sizeof h->url, true, err) < 0
        || wire_get_str(map, "type_prefix", h->type_prefix, sizeof h->type_prefix, false, err) < 0
        || wire_get_str(map, "status", h->status, sizeof h->status, true, err) < 0
        || wire_get_str(map, "created", h->created, sizeof h->created, true, err) < 0
        || wire_get_str(map, "secret", h->secret, sizeof h->secret, false, err) < 0
        || wire_get_int(map, "pending", &h->pending, true, err) < 0
        || wire_get_int(map, "delivered", &h->delivered, true, err) < 0
        || wire_get_int(map, "dead", &h->dead, true, err) < 0)
        return -1;
    return 0;
}

int
alert_encode_hook(const alert_hook_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(MSG_WEBHOOK), 9);
    rc = rc ? rc : s_pack_hook_fields(&pk, m);
    return s_done(rc);
}

int
alert_decode_hook(const msg_in_t *in, alert_hook_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_WEBHOOK, err);
    if (!map) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return s_read_hook(map, out, err);
}

int
alert_encode_hooks(const alert_hook_t *hooks, size_t count, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(MSG_WEBHOOKS), 1);
    rc = rc ? rc : wire_pack_str(&pk, "webhooks");
    rc = rc ? rc : msgpack_pack_array(&pk, count);
    for (size_t i = 0; !rc && i < count; i++) {
        rc = msgpack_pack_map(&pk, 9);
        rc = rc ? rc : s_pack_hook_fields(&pk, &hooks[i]);
    }
    return s_done(rc);
}

void
alert_hooks_clear(alert_hooks_t *m)
{
    free(m->hooks);
    memset(m, 0, sizeof *m);
}

int
alert_decode_hooks(const msg_in_t *in, alert_hooks_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_WEBHOOKS, err);
    memset(out, 0, sizeof *out);
    const msgpack_object *arr = map ? s_array(map, "webhooks", ALERT_LIST_MAX, err) : NULL;
    if (!arr)
        return -1;
    if (arr->via.array.size == 0)
        return 0;
    out->hooks = calloc(arr->via.array.size, sizeof *out->hooks);
    if (!out->hooks)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (s_read_hook(&arr->via.array.ptr[i], &out->hooks[i], err) != 0) {
            alert_hooks_clear(out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

/* A delivery's fields, without envelope: 12. */
static int
s_pack_delivery_fields(msgpack_packer *pk, const alert_delivery_t *d)
{
    int rc = wire_pack_kv_int(pk, "id", d->id);
    rc = rc ? rc : wire_pack_kv_int(pk, "webhook", d->webhook);
    rc = rc ? rc : wire_pack_kv_str(pk, "url", d->url);
    rc = rc ? rc : wire_pack_kv_str(pk, "alert", d->alert);
    rc = rc ? rc : wire_pack_kv_int(pk, "sequence", d->sequence);
    rc = rc ? rc : wire_pack_kv_str(pk, "alert_type", d->alert_type);
    rc = rc ? rc : wire_pack_kv_str(pk, "status", d->status);
    rc = rc ? rc : wire_pack_kv_int(pk, "attempts", d->attempts);
    rc = rc ? rc : wire_pack_kv_int(pk, "last_code", d->last_code);
    rc = rc ? rc : wire_pack_kv_opt_str(pk, "last_error", d->last_error);
    rc = rc ? rc : wire_pack_kv_opt_str(pk, "next_attempt", d->next_attempt);
    rc = rc ? rc : wire_pack_kv_str(pk, "updated", d->updated);
    return rc;
}

static int
s_read_delivery(const msgpack_object *map, alert_delivery_t *d, wire_err_t *err)
{
    memset(d, 0, sizeof *d);
    if (wire_get_int(map, "id", &d->id, true, err) < 0
        || wire_get_int(map, "webhook", &d->webhook, true, err) < 0
        || wire_get_str(map, "url", d->url, sizeof d->url, true, err) < 0
        || wire_get_str(map, "alert", d->alert, sizeof d->alert, true, err) < 0
        || wire_get_int(map, "sequence", &d->sequence, true, err) < 0
        || wire_get_str(map, "alert_type", d->alert_type, sizeof d->alert_type, true, err) < 0
        || wire_get_str(map, "status", d->status, sizeof d->status, true, err) < 0
        || wire_get_int(map, "attempts", &d->attempts, true, err) < 0
        || wire_get_int(map, "last_code", &d->last_code, true, err) < 0
        || wire_get_str(map, "last_error", d->last_error, sizeof d->last_error, false, err) < 0
        || wire_get_str(map, "next_attempt", d->next_attempt, sizeof d->next_attempt, false, err)
               < 0
        || wire_get_str(map, "updated", d->updated, sizeof d->updated, true, err) < 0)
        return -1;
    return 0;
}

int
alert_encode_delivery(const alert_delivery_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(MSG_DELIVERY), 12);
    rc = rc ? rc : s_pack_delivery_fields(&pk, m);
    return s_done(rc);
}

int
alert_decode_delivery(const msg_in_t *in, alert_delivery_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_DELIVERY, err);
    if (!map) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return s_read_delivery(map, out, err);
}

int
alert_encode_deliveries(const alert_delivery_t *d, size_t count, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin_named(&pk, msg_type_name(MSG_DELIVERIES), 1);
    rc = rc ? rc : wire_pack_str(&pk, "deliveries");
    rc = rc ? rc : msgpack_pack_array(&pk, count);
    for (size_t i = 0; !rc && i < count; i++) {
        rc = msgpack_pack_map(&pk, 12);
        rc = rc ? rc : s_pack_delivery_fields(&pk, &d[i]);
    }
    return s_done(rc);
}

void
alert_deliveries_clear(alert_deliveries_t *m)
{
    free(m->deliveries);
    memset(m, 0, sizeof *m);
}

int
alert_decode_deliveries(const msg_in_t *in, alert_deliveries_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_DELIVERIES, err);
    memset(out, 0, sizeof *out);
    const msgpack_object *arr = map ? s_array(map, "deliveries", ALERT_LIST_MAX, err) : NULL;
    if (!arr)
        return -1;
    if (arr->via.array.size == 0)
        return 0;
    out->deliveries = calloc(arr->via.array.size, sizeof *out->deliveries);
    if (!out->deliveries)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (s_read_delivery(&arr->via.array.ptr[i], &out->deliveries[i], err) != 0) {
            alert_deliveries_clear(out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

/* ---- canonical re-encoding ---------------------------------------------- */

static int
s_reencode_batch(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err)
{
    alert_batch_t b;
    if (alert_decode_batch(in, &b, err) != 0)
        return -1;
    if (!out) { /* checking only */
        alert_batch_clear(&b);
        return 0;
    }
    int rc = 0;
    msgpack_sbuffer items;
    msgpack_sbuffer_init(&items);
    size_t *ends = calloc(b.count + 1, sizeof *ends);
    alert_bytes_t *bytes = calloc(b.count + 1, sizeof *bytes);
    if (!ends || !bytes)
        rc = wire_fail(err, "internal", "out of memory");
    for (size_t i = 0; !rc && i < b.count; i++) {
        rc = alert_encode(&b.alerts[i], &items);
        ends[i] = items.size;
    }
    for (size_t i = 0; !rc && i < b.count; i++) {
        const size_t start = i ? ends[i - 1] : 0;
        bytes[i].data = items.data + start;
        bytes[i].size = ends[i] - start;
    }
    if (!rc)
        rc = alert_encode_batch(b.last_seq, b.more, bytes, b.count, out);
    free(ends);
    free(bytes);
    msgpack_sbuffer_destroy(&items);
    alert_batch_clear(&b);
    return rc ? -1 : 0;
}

int
alert_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err)
{
    const msg_type_t type = msg_in_type(in);
    int rc = -1;
    switch (type) {
    case MSG_ALERTS_SINCE: {
        alert_since_t m;
        rc = alert_decode_since(in, &m, err) ? -1 : !out ? 0 : alert_encode_since(&m, out);
        break;
    }
    case MSG_ALERTS:
        rc = s_reencode_batch(in, out, err);
        break;
    case MSG_WEBHOOK_ADD: {
        alert_hook_add_t m;
        rc = alert_decode_hook_add(in, &m, err) ? -1 : !out ? 0 : alert_encode_hook_add(&m, out);
        break;
    }
    case MSG_WEBHOOK_REMOVE:
    case MSG_WEBHOOK_REDELIVER: {
        int64_t id;
        rc = alert_decode_hook_id(in, type, &id, err) ? -1
             : !out                                   ? 0
                                                      : alert_encode_hook_id(type, id, out);
        break;
    }
    case MSG_WEBHOOK_LIST:
    case MSG_WEBHOOK_DEAD: {
        int64_t limit;
        rc = alert_decode_hook_query(in, type, &limit, err) ? -1
             : !out                                         ? 0
                    : alert_encode_hook_query(type, limit, out);
        break;
    }
    case MSG_WEBHOOK: {
        alert_hook_t m;
        rc = alert_decode_hook(in, &m, err) ? -1 : !out ? 0 : alert_encode_hook(&m, out);
        break;
    }
    case MSG_WEBHOOKS: {
        alert_hooks_t m;
        rc = alert_decode_hooks(in, &m, err) ? -1
             : !out                          ? 0
                                             : alert_encode_hooks(m.hooks, m.count, out);
        alert_hooks_clear(&m);
        break;
    }
    case MSG_DELIVERY: {
        alert_delivery_t m;
        rc = alert_decode_delivery(in, &m, err) ? -1 : !out ? 0 : alert_encode_delivery(&m, out);
        break;
    }
    case MSG_DELIVERIES: {
        alert_deliveries_t m;
        rc = alert_decode_deliveries(in, &m, err) ? -1
             : !out                               ? 0
                    : alert_encode_deliveries(m.deliveries, m.count, out);
        alert_deliveries_clear(&m);
        break;
    }
    case MSG_UNKNOWN:
        if (strncmp(msg_in_type_name(in), ALERT_TYPE_PREFIX, strlen(ALERT_TYPE_PREFIX)) == 0) {
            alert_t a;
            rc = alert_read(msg_in_root(in), &a, err) ? -1 : !out ? 0 : alert_encode(&a, out);
            alert_clear(&a);
            break;
        }
        /* fall through */
    default:
        return wire_fail(err, "unknown_type", "'%s' is not a notifier message",
                         msg_in_type_name(in));
    }
    return rc;
}
