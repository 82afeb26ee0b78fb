/*  milestone: the threshold service's typed codecs.

    Each encoder writes the envelope and then its fields in the order
    PROTOCOL.md lists them; each decoder reads fields by name, so a newer
    peer may add fields. Encoder and decoder of one type sit side by side
    so a new field is added in one place. An array element is encoded as a
    map with fixed keys; a "milestones" batch element is a complete
    "milestone" message (envelope included), byte for byte the published
    frame, which lets the service embed stored frames without re-encoding. */
#include "milestone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_kind_names[] = {
    [MILESTONE_NONE] = "",
    [MILESTONE_APPROACHING] = "threshold.approaching",
    [MILESTONE_REACHED] = "threshold.reached",
    [MILESTONE_SCHEDULED] = "entry_into_force.scheduled",
    [MILESTONE_REVISED] = "entry_into_force.revised",
    [MILESTONE_EFFECTIVE] = "entry_into_force.effective",
};

static const char *s_stage_names[] = {
    [RULES_STAGE_PENDING] = "pending",
    [RULES_STAGE_SCHEDULED] = "scheduled",
    [RULES_STAGE_IN_FORCE] = "in_force",
};

const char *
milestone_kind_name(milestone_kind_t kind)
{
    return kind > MILESTONE_NONE && kind <= MILESTONE_EFFECTIVE ? s_kind_names[kind] : "";
}

milestone_kind_t
milestone_kind_parse(const char *name)
{
    for (int k = MILESTONE_APPROACHING; name && k <= MILESTONE_EFFECTIVE; k++)
        if (strcmp(name, s_kind_names[k]) == 0)
            return (milestone_kind_t) k;
    return MILESTONE_NONE;
}

const char *
milestone_stage_name(rules_stage_t stage)
{
    return stage >= RULES_STAGE_PENDING && stage <= RULES_STAGE_IN_FORCE ? s_stage_names[stage]
                                                                         : "";
}

int
milestone_stage_parse(const char *name, rules_stage_t *out)
{
    for (int s = RULES_STAGE_PENDING; name && s <= RULES_STAGE_IN_FORCE; s++)
        if (strcmp(name, s_stage_names[s]) == 0) {
            *out = (rules_stage_t) s;
            return 0;
        }
    return -1;
}

int
milestone_make_id(const char *instrument, milestone_kind_t kind, int level, rdate_t date, char *buf,
                  size_t cap)
{
    const char *name = milestone_kind_name(kind);
    if (!instrument || !*name || !buf || cap == 0)
        return -1;
    char about[RDATE_ISO_SIZE + 8];
    if (kind == MILESTONE_APPROACHING)
        snprintf(about, sizeof about, "N-%d", level);
    else if (date == RDATE_NONE)
        snprintf(about, sizeof about, "none");
    else if (!*rdate_format(date, about))
        return -1;
    const int n = snprintf(buf, cap, "%s/%s/%s", instrument, name, about);
    return n < 0 || (size_t) n >= cap ? -1 : 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* Returns arr, the value of field `key` (NULL: absent), once its type and
   size are checked; NULL with err filled otherwise. */
static const msgpack_object *
s_array_field(const msgpack_object *arr, const char *key, size_t max, wire_err_t *err)
{
    if (!arr || arr->type != MSGPACK_OBJECT_ARRAY) {
        wire_fail(err, "missing_field", "field '%s' must be an array", key);
        return NULL;
    }
    if (arr->via.array.size > max) {
        wire_fail(err, "bad_field", "field '%s' holds %u elements, more than %zu", key,
                  arr->via.array.size, max);
        return NULL;
    }
    return arr;
}

static int
s_stage_field(const msgpack_object *value, rules_stage_t *out, wire_err_t *err)
{
    char name[16];
    if (wire_field_str(value, "stage", name, sizeof name, true, err) < 0)
        return -1;
    if (milestone_stage_parse(name, out) != 0)
        return wire_fail(err, "bad_field", "field 'stage': unknown stage '%s'", name);
    return 0;
}

/* Reads an optional integer that fits an int (nil/absent reads 0). */
static int
s_small_int_field(const msgpack_object *value, const char *key, int64_t *out, bool required,
                  wire_err_t *err)
{
    *out = 0;
    const int rc = wire_field_int(value, key, out, required, err);
    if (rc < 0)
        return -1;
    if (*out < 0 || *out > INT32_MAX)
        return wire_fail(err, "bad_field", "field '%s' is out of range", key);
    return 0;
}

static const msgpack_object *
s_get_array(const msgpack_object *map, const char *key, size_t max, wire_err_t *err)
{
    return s_array_field(wire_map_get(map, key), key, max, err);
}

static int
s_get_stage(const msgpack_object *map, rules_stage_t *out, wire_err_t *err)
{
    return s_stage_field(wire_map_get(map, "stage"), out, err);
}

static int
s_get_small_int(const msgpack_object *map, const char *key, int64_t *out, bool required,
                wire_err_t *err)
{
    return s_small_int_field(wire_map_get(map, key), key, out, required, err);
}

static int
s_done(int rc)
{
    return rc ? -1 : 0;
}

/* ---- milestone ---------------------------------------------------------- */

#define MILESTONE_FIELDS 15

static int
s_pack_milestone(msgpack_packer *pk, const milestone_t *m)
{
    int rc = msg_pack_begin(pk, MSG_MILESTONE, MILESTONE_FIELDS);
    rc = rc ? rc : wire_pack_kv_int(pk, "seq", m->seq);
    rc = rc ? rc : wire_pack_kv_str(pk, "id", m->id);
    rc = rc ? rc : wire_pack_kv_str(pk, "kind", milestone_kind_name(m->kind));
    rc = rc ? rc : wire_pack_kv_str(pk, "instrument", m->instrument);
    rc = rc ? rc : wire_pack_kv_str(pk, "reference", m->reference);
    rc = rc ? rc : wire_pack_kv_str(pk, "title", m->title);
    rc = rc ? rc : wire_pack_kv_int(pk, "threshold", m->threshold);
    rc = rc ? rc : wire_pack_kv_int(pk, "count", m->count);
    if (m->kind == MILESTONE_APPROACHING)
        rc = rc ? rc : wire_pack_kv_int(pk, "level", m->level);
    else
        rc = rc ? rc : wire_pack_kv_nil(pk, "level");
    rc = rc ? rc : wire_pack_kv_date(pk, "date", m->date);
    rc = rc ? rc : wire_pack_kv_date(pk, "threshold_date", m->threshold_date);
    rc = rc ? rc : wire_pack_kv_date(pk, "entry_into_force", m->entry_into_force);
    rc = rc ? rc : wire_pack_kv_opt_str(pk, "waiting_for", m->waiting_for);
    rc = rc ? rc : wire_pack_kv_str(pk, "stage", milestone_stage_name(m->stage));
    rc = rc ? rc : wire_pack_str(pk, "participants");
    rc = rc ? rc : msgpack_pack_array(pk, m->participant_count);
    for (size_t i = 0; !rc && i < m->participant_count; i++) {
        rc = msgpack_pack_map(pk, 2);
        rc = rc ? rc : wire_pack_kv_str(pk, "participant", m->participants[i].participant);
        rc = rc ? rc : wire_pack_kv_str(pk, "name", m->participants[i].name);
    }
    return rc;
}

int
milestone_encode(const milestone_t *m, msgpack_sbuffer *out)
{
    if (!*milestone_kind_name(m->kind) || !*milestone_stage_name(m->stage)
        || (m->participant_count && !m->participants))
        return -1;
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    return s_done(s_pack_milestone(&pk, m));
}

int
milestone_read(const msgpack_object *map, milestone_t *out, wire_err_t *err)
{
    /* the notifier reads every milestone on the alert's path: one pass
       over the map for all its fields, in the order s_pack_milestone
       writes them */
    enum {
        F_SEQ,
        F_ID,
        F_KIND,
        F_INSTRUMENT,
        F_REFERENCE,
        F_TITLE,
        F_THRESHOLD,
        F_COUNT,
        F_LEVEL,
        F_DATE,
        F_THRESHOLD_DATE,
        F_EIF,
        F_WAITING,
        F_STAGE,
        F_PARTICIPANTS,
        F_N
    };
    static const wire_key_t keys[F_N] = {WIRE_KEY("seq"),
                                         WIRE_KEY("id"),
                                         WIRE_KEY("kind"),
                                         WIRE_KEY("instrument"),
                                         WIRE_KEY("reference"),
                                         WIRE_KEY("title"),
                                         WIRE_KEY("threshold"),
                                         WIRE_KEY("count"),
                                         WIRE_KEY("level"),
                                         WIRE_KEY("date"),
                                         WIRE_KEY("threshold_date"),
                                         WIRE_KEY("entry_into_force"),
                                         WIRE_KEY("waiting_for"),
                                         WIRE_KEY("stage"),
                                         WIRE_KEY("participants")};
    const msgpack_object *f[F_N];
    char kind[32];
    memset(out, 0, sizeof *out);
    if (map->type != MSGPACK_OBJECT_MAP)
        return wire_fail(err, "bad_field", "a milestone must be a map");
    wire_map_find(map, keys, F_N, f);
    if (wire_field_int(f[F_SEQ], "seq", &out->seq, true, err) < 0
        || wire_field_str(f[F_ID], "id", out->id, sizeof out->id, true, err) < 0
        || wire_field_str(f[F_KIND], "kind", kind, sizeof kind, true, err) < 0
        || wire_field_str(f[F_INSTRUMENT], "instrument", out->instrument, sizeof out->instrument,
                          true, err)
               < 0
        || wire_field_str(f[F_REFERENCE], "reference", out->reference, sizeof out->reference, true,
                          err)
               < 0
        || wire_field_str(f[F_TITLE], "title", out->title, sizeof out->title, true, err) < 0
        || s_small_int_field(f[F_THRESHOLD], "threshold", &out->threshold, true, err) < 0
        || s_small_int_field(f[F_COUNT], "count", &out->count, true, err) < 0
        || s_small_int_field(f[F_LEVEL], "level", &out->level, false, err) < 0
        || wire_field_date(f[F_DATE], "date", &out->date, false, err) < 0
        || wire_field_date(f[F_THRESHOLD_DATE], "threshold_date", &out->threshold_date, false, err)
               < 0
        || wire_field_date(f[F_EIF], "entry_into_force", &out->entry_into_force, false, err) < 0
        || wire_field_str(f[F_WAITING], "waiting_for", out->waiting_for, sizeof out->waiting_for,
                          false, err)
               < 0
        || s_stage_field(f[F_STAGE], &out->stage, err) < 0)
        return -1;
    out->kind = milestone_kind_parse(kind);
    if (out->kind == MILESTONE_NONE)
        return wire_fail(err, "bad_field", "field 'kind': unknown kind '%s'", kind);
    if (out->seq < 1)
        return wire_fail(err, "bad_field", "field 'seq' must be at least 1");
    const msgpack_object *arr =
        s_array_field(f[F_PARTICIPANTS], "participants", MILESTONE_PARTICIPANTS_MAX, err);
    if (!arr)
        return -1;
    if (arr->via.array.size == 0)
        return 0;
    out->participants = calloc(arr->via.array.size, sizeof *out->participants);
    if (!out->participants)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        const msgpack_object *p = &arr->via.array.ptr[i];
        milestone_participant_t *dst = &out->participants[i];
        if (p->type != MSGPACK_OBJECT_MAP) {
            milestone_clear(out);
            return wire_fail(err, "bad_field", "participants[%u] must be a map", i);
        }
        if (wire_get_str(p, "participant", dst->participant, sizeof dst->participant, true, err) < 0
            || wire_get_str(p, "name", dst->name, sizeof dst->name, true, err) < 0) {
            milestone_clear(out);
            return -1;
        }
        out->participant_count++;
    }
    return 0;
}

/* milestone_read as msg_decode_batch calls it */
static int
s_read_batch_item(const msgpack_object *obj, uint32_t i, void *item, wire_err_t *err)
{
    (void) i;
    return milestone_read(obj, item, err);
}

int
milestone_decode(const msg_in_t *in, milestone_t *out, wire_err_t *err)
{
    memset(out, 0, sizeof *out);
    const msgpack_object *map = msg_in_expect(in, MSG_MILESTONE, err);
    return map ? milestone_read(map, out, err) : -1;
}

void
milestone_clear(milestone_t *m)
{
    if (!m)
        return;
    free(m->participants);
    memset(m, 0, sizeof *m);
}

/* milestone_clear as msg_decode_batch calls it */
static void
s_clear_batch_item(void *item)
{
    milestone_clear(item);
}

/* ---- milestones.since / milestones -------------------------------------- */

int
milestone_encode_batch(const milestone_batch_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc =
        msg_pack_batch_begin(&pk, MSG_MILESTONES, "milestones", m->last_seq, m->more, m->count);
    for (size_t i = 0; !rc && i < m->count; i++) {
        const milestone_t *ms = &m->milestones[i];
        if (!*milestone_kind_name(ms->kind) || !*milestone_stage_name(ms->stage))
            return -1;
        rc = s_pack_milestone(&pk, ms);
    }
    return s_done(rc);
}

int
milestone_decode_batch(const msg_in_t *in, milestone_batch_t *out, wire_err_t *err)
{
    static const msg_batch_codec_t codec = {.type = MSG_MILESTONES,
                                            .key = "milestones",
                                            .max = MILESTONE_BATCH_MAX,
                                            .get_array = s_get_array,
                                            .item_size = sizeof(milestone_t),
                                            .read = s_read_batch_item,
                                            .clear = s_clear_batch_item};
    msg_batch_t b;
    const int rc = msg_decode_batch(in, &codec, &b, err);
    *out = (milestone_batch_t){b.last_seq, b.more, b.count, b.items};
    return rc;
}

void
milestone_batch_clear(milestone_batch_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->count; i++)
        milestone_clear(&m->milestones[i]);
    free(m->milestones);
    memset(m, 0, sizeof *m);
}

/* ---- status / status.reply ---------------------------------------------- */

int
milestone_encode_status(const milestone_status_req_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_STATUS, 2);
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "instrument", m->instrument);
    rc = rc ? rc : wire_pack_kv_date(&pk, "as_of", m->as_of);
    return s_done(rc);
}

int
milestone_decode_status(const msg_in_t *in, milestone_status_req_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_STATUS, err);
    memset(out, 0, sizeof *out);
    out->as_of = RDATE_NONE;
    if (!map
        || wire_get_str(map, "instrument", out->instrument, sizeof out->instrument, false, err) < 0
        || wire_get_date(map, "as_of", &out->as_of, false, err) < 0)
        return -1;
    return 0;
}

#define STATUS_FIELDS 12

static int
s_pack_status(msgpack_packer *pk, const milestone_status_t *s)
{
    int rc = msgpack_pack_map(pk, STATUS_FIELDS);
    rc = rc ? rc : wire_pack_kv_str(pk, "instrument", s->instrument);
    rc = rc ? rc : wire_pack_kv_str(pk, "reference", s->reference);
    rc = rc ? rc : wire_pack_kv_str(pk, "title", s->title);
    rc = rc ? rc : wire_pack_kv_opt_str(pk, "parent", s->parent);
    rc = rc ? rc : wire_pack_kv_int(pk, "signatures", s->signatures);
    rc = rc ? rc : wire_pack_kv_int(pk, "parties", s->parties);
    rc = rc ? rc : wire_pack_kv_int(pk, "counted", s->counted);
    rc = rc ? rc : wire_pack_kv_int(pk, "threshold", s->threshold);
    rc = rc ? rc : wire_pack_kv_date(pk, "threshold_date", s->threshold_date);
    rc = rc ? rc : wire_pack_kv_date(pk, "entry_into_force", s->entry_into_force);
    rc = rc ? rc : wire_pack_kv_str(pk, "stage", milestone_stage_name(s->stage));
    rc = rc ? rc : wire_pack_kv_opt_str(pk, "waiting_for", s->waiting_for);
    return rc;
}

static int
s_read_status(const msgpack_object *map, milestone_status_t *out, wire_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (map->type != MSGPACK_OBJECT_MAP)
        return wire_fail(err, "bad_field", "an instrument's status must be a map");
    if (wire_get_str(map, "instrument", out->instrument, sizeof out->instrument, true, err) < 0
        || wire_get_str(map, "reference", out->reference, sizeof out->reference, true, err) < 0
        || wire_get_str(map, "title", out->title, sizeof out->title, true, err) < 0
        || wire_get_str(map, "parent", out->parent, sizeof out->parent, false, err) < 0
        || s_get_small_int(map, "signatures", &out->signatures, true, err) < 0
        || s_get_small_int(map, "parties", &out->parties, true, err) < 0
        || s_get_small_int(map, "counted", &out->counted, true, err) < 0
        || s_get_small_int(map, "threshold", &out->threshold, true, err) < 0
        || wire_get_date(map, "threshold_date", &out->threshold_date, false, err) < 0
        || wire_get_date(map, "entry_into_force", &out->entry_into_force, false, err) < 0
        || s_get_stage(map, &out->stage, err) < 0
        || wire_get_str(map, "waiting_for", out->waiting_for, sizeof out->waiting_for, false, err)
               < 0)
        return -1;
    return 0;
}

int
milestone_encode_status_reply(const milestone_status_reply_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_STATUS_REPLY, 3);
    rc = rc ? rc : wire_pack_kv_date(&pk, "as_of", m->as_of);
    rc = rc ? rc : wire_pack_kv_int(&pk, "registry_seq", m->registry_seq);
    rc = rc ? rc : wire_pack_str(&pk, "instruments");
    rc = rc ? rc : msgpack_pack_array(&pk, m->count);
    for (size_t i = 0; !rc && i < m->count; i++) {
        if (!*milestone_stage_name(m->instruments[i].stage))
            return -1;
        rc = s_pack_status(&pk, &m->instruments[i]);
    }
    return s_done(rc);
}

int
milestone_decode_status_reply(const msg_in_t *in, milestone_status_reply_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_STATUS_REPLY, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_date(map, "as_of", &out->as_of, true, err) < 0
        || wire_get_int(map, "registry_seq", &out->registry_seq, true, err) < 0)
        return -1;
    const msgpack_object *arr = s_get_array(map, "instruments", MILESTONE_INSTRUMENTS_MAX, err);
    if (!arr)
        return -1;
    if (arr->via.array.size == 0)
        return 0;
    out->instruments = calloc(arr->via.array.size, sizeof *out->instruments);
    if (!out->instruments)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (s_read_status(&arr->via.array.ptr[i], &out->instruments[i], err) != 0) {
            milestone_status_reply_clear(out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

void
milestone_status_reply_clear(milestone_status_reply_t *m)
{
    if (!m)
        return;
    free(m->instruments);
    memset(m, 0, sizeof *m);
}

/* ---- parties / parties.reply -------------------------------------------- */

int
milestone_encode_parties(const milestone_parties_req_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_PARTIES, 2);
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", m->instrument);
    rc = rc ? rc : wire_pack_kv_date(&pk, "as_of", m->as_of);
    return s_done(rc);
}

int
milestone_decode_parties(const msg_in_t *in, milestone_parties_req_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_PARTIES, err);
    memset(out, 0, sizeof *out);
    out->as_of = RDATE_NONE;
    if (!map
        || wire_get_str(map, "instrument", out->instrument, sizeof out->instrument, true, err) < 0
        || wire_get_date(map, "as_of", &out->as_of, false, err) < 0)
        return -1;
    return 0;
}

int
milestone_encode_parties_reply(const milestone_parties_reply_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_PARTIES_REPLY, 3);
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", m->instrument);
    rc = rc ? rc : wire_pack_kv_date(&pk, "as_of", m->as_of);
    rc = rc ? rc : wire_pack_str(&pk, "parties");
    rc = rc ? rc : msgpack_pack_array(&pk, m->count);
    for (size_t i = 0; !rc && i < m->count; i++) {
        const milestone_party_t *p = &m->parties[i];
        if (!action_is_consent(p->action))
            return -1;
        rc = msgpack_pack_map(&pk, 6);
        rc = rc ? rc : wire_pack_kv_str(&pk, "participant", p->participant);
        rc = rc ? rc : wire_pack_kv_str(&pk, "name", p->name);
        rc = rc ? rc : wire_pack_kv_str(&pk, "action", action_name(p->action));
        rc = rc ? rc : wire_pack_kv_date(&pk, "deposit", p->deposit);
        rc = rc ? rc : wire_pack_kv_date(&pk, "entry_into_force", p->entry_into_force);
        rc = rc ? rc : wire_pack_kv_date(&pk, "end", p->end);
    }
    return s_done(rc);
}

static int
s_read_party(const msgpack_object *map, milestone_party_t *out, wire_err_t *err)
{
    char action[32];
    memset(out, 0, sizeof *out);
    if (map->type != MSGPACK_OBJECT_MAP)
        return wire_fail(err, "bad_field", "a party must be a map");
    if (wire_get_str(map, "participant", out->participant, sizeof out->participant, true, err) < 0
        || wire_get_str(map, "name", out->name, sizeof out->name, true, err) < 0
        || wire_get_str(map, "action", action, sizeof action, true, err) < 0
        || wire_get_date(map, "deposit", &out->deposit, true, err) < 0
        || wire_get_date(map, "entry_into_force", &out->entry_into_force, false, err) < 0
        || wire_get_date(map, "end", &out->end, false, err) < 0)
        return -1;
    out->action = action_parse(action);
    if (!action_is_consent(out->action))
        return wire_fail(err, "bad_field", "field 'action': '%s' is not an instrument of consent",
                         action);
    return 0;
}

int
milestone_decode_parties_reply(const msg_in_t *in, milestone_parties_reply_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_PARTIES_REPLY, err);
    memset(out, 0, sizeof *out);
    if (!map
        || wire_get_str(map, "instrument", out->instrument, sizeof out->instrument, true, err) < 0
        || wire_get_date(map, "as_of", &out->as_of, true, err) < 0)
        return -1;
    const msgpack_object *arr = s_get_array(map, "parties", MILESTONE_PARTIES_MAX, err);
    if (!arr)
        return -1;
    if (arr->via.array.size == 0)
        return 0;
    out->parties = calloc(arr->via.array.size, sizeof *out->parties);
    if (!out->parties)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (s_read_party(&arr->via.array.ptr[i], &out->parties[i], err) != 0) {
            milestone_parties_reply_clear(out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

void
milestone_parties_reply_clear(milestone_parties_reply_t *m)
{
    if (!m)
        return;
    free(m->parties);
    memset(m, 0, sizeof *m);
}

/* ---- canonical re-encoding ---------------------------------------------- */

int
milestone_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err)
{
    int rc = -1;
    if (err)
        err->code[0] = '\0';
    switch (msg_in_type(in)) {
    case MSG_MILESTONE: {
        milestone_t m;
        rc = milestone_decode(in, &m, err) ? -1 : !out ? 0 : milestone_encode(&m, out);
        milestone_clear(&m);
        break;
    }
    case MSG_MILESTONES_SINCE: {
        milestone_since_t m;
        rc = milestone_decode_since(in, &m, err) ? -1 : !out ? 0 : milestone_encode_since(&m, out);
        break;
    }
    case MSG_MILESTONES: {
        milestone_batch_t m;
        rc = milestone_decode_batch(in, &m, err) ? -1 : !out ? 0 : milestone_encode_batch(&m, out);
        milestone_batch_clear(&m);
        break;
    }
    case MSG_STATUS: {
        milestone_status_req_t m;
        rc = milestone_decode_status(in, &m, err) ? -1
             : !out                               ? 0
                                                  : milestone_encode_status(&m, out);
        break;
    }
    case MSG_STATUS_REPLY: {
        milestone_status_reply_t m;
        rc = milestone_decode_status_reply(in, &m, err) ? -1
             : !out                                     ? 0
                                                        : milestone_encode_status_reply(&m, out);
        milestone_status_reply_clear(&m);
        break;
    }
    case MSG_PARTIES: {
        milestone_parties_req_t m;
        rc = milestone_decode_parties(in, &m, err) ? -1
             : !out                                ? 0
                                                   : milestone_encode_parties(&m, out);
        break;
    }
    case MSG_PARTIES_REPLY: {
        milestone_parties_reply_t m;
        rc = milestone_decode_parties_reply(in, &m, err) ? -1
             : !out                                      ? 0
                                                         : milestone_encode_parties_reply(&m, out);
        milestone_parties_reply_clear(&m);
        break;
    }
    default:
        return wire_fail(err, "unknown_type", "'%s' is not a threshold message",
                         msg_in_type_name(in));
    }
    if (rc != 0 && err && !err->code[0])
        wire_fail(err, "internal", "could not encode");
    return rc;
}
