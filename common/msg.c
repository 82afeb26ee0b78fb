/*  msg: envelope handling, the replay codecs every stream shares, and the
    typed codecs of the registry's messages.

    Each encoder writes the envelope and then its fields in the order
    PROTOCOL.md lists them; each decoder reads fields by name. The two are
    kept next to each other per type so a new field is added in one place. */
#include "msg.h"

#include "sock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_type_names[MSG_TYPE_COUNT] = {
    [MSG_UNKNOWN] = "",
    [MSG_PING] = "ping",
    [MSG_PONG] = "pong",
    [MSG_ERROR] = "error",
    [MSG_DEPOSIT] = "deposit",
    [MSG_RETRACT] = "retract",
    [MSG_ACCEPTED] = "accepted",
    [MSG_EVENTS_SINCE] = "events.since",
    [MSG_EVENTS] = "events",
    [MSG_EVENT] = "event",
    [MSG_HEARTBEAT] = "heartbeat",
    [MSG_REPORT] = "report",
    [MSG_REPORT_REPLY] = "report.reply",
    [MSG_MILESTONE] = "milestone",
    [MSG_MILESTONES_SINCE] = "milestones.since",
    [MSG_MILESTONES] = "milestones",
    [MSG_STATUS] = "status",
    [MSG_STATUS_REPLY] = "status.reply",
    [MSG_PARTIES] = "parties",
    [MSG_PARTIES_REPLY] = "parties.reply",
    [MSG_ALERTS_SINCE] = "alerts.since",
    [MSG_ALERTS] = "alerts",
    [MSG_WEBHOOK_ADD] = "webhook.add",
    [MSG_WEBHOOK_LIST] = "webhook.list",
    [MSG_WEBHOOK_REMOVE] = "webhook.remove",
    [MSG_WEBHOOK_DEAD] = "webhook.dead",
    [MSG_WEBHOOK_REDELIVER] = "webhook.redeliver",
    [MSG_WEBHOOK] = "webhook",
    [MSG_WEBHOOKS] = "webhooks",
    [MSG_DELIVERY] = "delivery",
    [MSG_DELIVERIES] = "deliveries",
};

const char *
msg_type_name(msg_type_t type)
{
    return type > MSG_UNKNOWN && type < MSG_TYPE_COUNT ? s_type_names[type] : "";
}

msg_type_t
msg_type_parse(const char *name)
{
    for (int t = MSG_UNKNOWN + 1; t < MSG_TYPE_COUNT; t++)
        if (strcmp(name, s_type_names[t]) == 0)
            return (msg_type_t) t;
    return MSG_UNKNOWN;
}

/* ---- decoded frames ---------------------------------------------------- */

/* A small frame's objects fit in a chunk of this size, which glibc serves
   from its per-thread cache; msgpack_unpack_next would take a fresh 8 KiB
   zone for each frame, a malloc and a free of that size per message. */
#define S_ZONE_SMALL_FRAME 256
#define S_ZONE_SMALL_CHUNK 1000

struct _msg_in_t {
    msgpack_zone zone; /* the unpacked objects */
    bool zoned;        /* zone initialised */
    msgpack_object root;
    msg_type_t type;
    char type_name[64];
    uint8_t data[]; /* our copy: the objects' strings point into it */
};

msg_in_t *
msg_in_parse(const void *data, size_t size, wire_err_t *err)
{
    if (size > SOCK_MAX_MSG_BYTES) {
        wire_fail(err, "too_large", "frame of %zu bytes exceeds the %d-byte limit", size,
                  SOCK_MAX_MSG_BYTES);
        return NULL;
    }
    if (wire_check(data, size, err) != 0)
        return NULL;
    msg_in_t *self = malloc(sizeof *self + size);
    if (!self) {
        wire_fail(err, "internal", "out of memory");
        return NULL;
    }
    memset(self, 0, sizeof *self);
    memcpy(self->data, data, size);
    self->zoned = msgpack_zone_init(
        &self->zone, size <= S_ZONE_SMALL_FRAME ? S_ZONE_SMALL_CHUNK : MSGPACK_ZONE_CHUNK_SIZE);
    if (!self->zoned) {
        wire_fail(err, "internal", "out of memory");
        goto fail;
    }
    /* wire_check saw exactly one whole object: msgpack_unpack (into our
       zone) then reads all of it, or the frame is refused */
    size_t off = 0;
    if (msgpack_unpack((const char *) self->data, size, &off, &self->zone, &self->root)
        != MSGPACK_UNPACK_SUCCESS) {
        wire_fail(err, "bad_frame", "msgpack could not be unpacked");
        goto fail;
    }
    const msgpack_object *root = &self->root;
    if (root->type != MSGPACK_OBJECT_MAP) {
        wire_fail(err, "bad_envelope", "a message must be a msgpack map");
        goto fail;
    }
    int64_t version = 0;
    if (wire_get_int(root, "v", &version, true, err) != 0) {
        snprintf(err->code, sizeof err->code, "bad_envelope");
        goto fail;
    }
    if (version != MSG_VERSION) {
        wire_fail(err, "bad_version",
                  "protocol version %lld is not supported (this build speaks %d)",
                  (long long) version, MSG_VERSION);
        goto fail;
    }
    if (wire_get_str(root, "type", self->type_name, sizeof self->type_name, true, err) != 0) {
        snprintf(err->code, sizeof err->code, "bad_envelope");
        goto fail;
    }
    self->type = msg_type_parse(self->type_name);
    return self;
fail:
    msg_in_destroy(&self);
    return NULL;
}

void
msg_in_destroy(msg_in_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    msg_in_t *self = *self_p;
    if (self->zoned)
        msgpack_zone_destroy(&self->zone);
    free(self);
    *self_p = NULL;
}

msg_type_t
msg_in_type(const msg_in_t *self)
{
    return self->type;
}

const char *
msg_in_type_name(const msg_in_t *self)
{
    return self->type_name;
}

const msgpack_object *
msg_in_root(const msg_in_t *self)
{
    return &self->root;
}

/* ---- helpers ------------------------------------------------------------ */

int
msg_pack_begin_named(msgpack_packer *pk, const char *type_name, size_t fields)
{
    int rc = msgpack_pack_map(pk, fields + 2);
    rc = rc ? rc : wire_pack_kv_int(pk, "v", MSG_VERSION);
    return rc ? rc : wire_pack_kv_str(pk, "type", type_name);
}

int
msg_pack_begin(msgpack_packer *pk, msg_type_t type, size_t fields)
{
    return msg_pack_begin_named(pk, msg_type_name(type), fields);
}

const msgpack_object *
msg_in_expect(const msg_in_t *in, msg_type_t type, wire_err_t *err)
{
    if (in->type != type) {
        wire_fail(err, "wrong_type", "expected a '%s' message, got '%s'", msg_type_name(type),
                  in->type_name);
        return NULL;
    }
    return &in->root;
}

static int
s_done(int rc)
{
    return rc ? -1 : 0;
}

/* ---- ping / pong / error / heartbeat ----------------------------------- */

int
msg_encode_ping(msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    return s_done(msg_pack_begin(&pk, MSG_PING, 0));
}

int
msg_decode_ping(const msg_in_t *in, wire_err_t *err)
{
    return msg_in_expect(in, MSG_PING, err) ? 0 : -1;
}

int
msg_encode_pong(const msg_pong_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_PONG, 4);
    rc = rc ? rc : wire_pack_kv_str(&pk, "service", m->service);
    rc = rc ? rc : wire_pack_kv_str(&pk, "status", m->status);
    rc = rc ? rc : wire_pack_kv_str(&pk, "version", m->version);
    rc = rc ? rc : wire_pack_kv_int(&pk, "last_seq", m->last_seq);
    return s_done(rc);
}

int
msg_decode_pong(const msg_in_t *in, msg_pong_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_PONG, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_str(map, "service", out->service, sizeof out->service, true, err) < 0
        || wire_get_str(map, "status", out->status, sizeof out->status, true, err) < 0
        || wire_get_str(map, "version", out->version, sizeof out->version, true, err) < 0
        || wire_get_int(map, "last_seq", &out->last_seq, true, err) < 0)
        return -1;
    return 0;
}

int
msg_encode_error(const msg_error_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_ERROR, 2);
    rc = rc ? rc : wire_pack_kv_str(&pk, "code", m->code);
    rc = rc ? rc : wire_pack_kv_str(&pk, "message", m->message);
    return s_done(rc);
}

int
msg_decode_error(const msg_in_t *in, msg_error_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_ERROR, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_str(map, "code", out->code, sizeof out->code, true, err) < 0
        || wire_get_str(map, "message", out->message, sizeof out->message, true, err) < 0)
        return -1;
    return 0;
}

int
msg_reply_verror(msgpack_sbuffer *reply, const char *code, const char *fmt, va_list ap)
{
    msg_error_t m;
    snprintf(m.code, sizeof m.code, "%s", code);
    vsnprintf(m.message, sizeof m.message, fmt, ap);
    msgpack_sbuffer_clear(reply);
    return msg_encode_error(&m, reply);
}

int
msg_reply_error(msgpack_sbuffer *reply, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int rc = msg_reply_verror(reply, code, fmt, ap);
    va_end(ap);
    return rc;
}

int
msg_encode_heartbeat(const msg_heartbeat_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_HEARTBEAT, 2);
    rc = rc ? rc : wire_pack_kv_str(&pk, "service", m->service);
    rc = rc ? rc : wire_pack_kv_int(&pk, "last_seq", m->last_seq);
    return s_done(rc);
}

int
msg_decode_heartbeat(const msg_in_t *in, msg_heartbeat_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_HEARTBEAT, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_str(map, "service", out->service, sizeof out->service, true, err) < 0
        || wire_get_int(map, "last_seq", &out->last_seq, true, err) < 0)
        return -1;
    return 0;
}

/* ---- deposit / retract / accepted -------------------------------------- */

int
msg_encode_deposit(const msg_deposit_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_DEPOSIT, 4);
    rc = rc ? rc : wire_pack_kv_str(&pk, "instrument", m->instrument);
    rc = rc ? rc : wire_pack_kv_str(&pk, "participant", m->participant);
    rc = rc ? rc : wire_pack_kv_str(&pk, "action", m->action);
    rc = rc ? rc : wire_pack_kv_str(&pk, "date", m->date);
    return s_done(rc);
}

int
msg_decode_deposit(const msg_in_t *in, msg_deposit_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_DEPOSIT, err);
    memset(out, 0, sizeof *out);
    if (!map
        || wire_get_str(map, "instrument", out->instrument, sizeof out->instrument, true, err) < 0
        || wire_get_str(map, "participant", out->participant, sizeof out->participant, true, err)
               < 0
        || wire_get_str(map, "action", out->action, sizeof out->action, true, err) < 0
        || wire_get_str(map, "date", out->date, sizeof out->date, true, err) < 0)
        return -1;
    return 0;
}

int
msg_encode_retract(const msg_retract_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_RETRACT, 2);
    rc = rc ? rc : wire_pack_kv_int(&pk, "seq", m->seq);
    rc = rc ? rc : wire_pack_kv_str(&pk, "reason", m->reason);
    return s_done(rc);
}

int
msg_decode_retract(const msg_in_t *in, msg_retract_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_RETRACT, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_int(map, "seq", &out->seq, true, err) < 0
        || wire_get_str(map, "reason", out->reason, sizeof out->reason, true, err) < 0)
        return -1;
    return 0;
}

/* An event's fields, without envelope: 6 always, 8 for a retraction. */
static size_t
s_event_field_count(const event_t *e)
{
    return e->action == ACTION_RETRACTION ? 8 : 6;
}

static int
s_pack_event_fields(msgpack_packer *pk, const event_t *e)
{
    int rc = wire_pack_kv_int(pk, "seq", e->seq);
    rc = rc ? rc : wire_pack_kv_str(pk, "action", action_name(e->action));
    rc = rc ? rc : wire_pack_kv_str(pk, "instrument", e->instrument);
    rc = rc ? rc : wire_pack_kv_str(pk, "participant", e->participant);
    rc = rc ? rc : wire_pack_kv_date(pk, "date", e->date);
    if (e->action == ACTION_RETRACTION) {
        rc = rc ? rc : wire_pack_kv_int(pk, "retracts", e->retracts);
        rc = rc ? rc : wire_pack_kv_str(pk, "reason", e->reason);
    }
    rc = rc ? rc : wire_pack_kv_int(pk, "recorded_ms", e->recorded_ms);
    return rc;
}

int
msg_read_event(const msgpack_object *map, event_t *e, wire_err_t *err)
{
    /* every follower reads every event: one pass over the map for all
       its fields, not one per field */
    enum { F_SEQ, F_ACTION, F_INSTRUMENT, F_PARTICIPANT, F_DATE, F_RETRACTS, F_REASON, F_RECORDED };
    static const wire_key_t keys[] = {
        WIRE_KEY("seq"),  WIRE_KEY("action"),   WIRE_KEY("instrument"), WIRE_KEY("participant"),
        WIRE_KEY("date"), WIRE_KEY("retracts"), WIRE_KEY("reason"),     WIRE_KEY("recorded_ms")};
    const msgpack_object *f[sizeof keys / sizeof keys[0]];
    wire_map_find(map, keys, sizeof keys / sizeof keys[0], f);
    char action[32];
    memset(e, 0, sizeof *e);
    if (wire_field_int(f[F_SEQ], "seq", &e->seq, true, err) < 0
        || wire_field_str(f[F_ACTION], "action", action, sizeof action, true, err) < 0
        || wire_field_str(f[F_INSTRUMENT], "instrument", e->instrument, sizeof e->instrument, true,
                          err)
               < 0
        || wire_field_str(f[F_PARTICIPANT], "participant", e->participant, sizeof e->participant,
                          true, err)
               < 0
        || wire_field_date(f[F_DATE], "date", &e->date, true, err) < 0
        || wire_field_int(f[F_RECORDED], "recorded_ms", &e->recorded_ms, true, err) < 0)
        return -1;
    e->action = action_parse(action);
    if (e->action == ACTION_NONE)
        return wire_fail(err, "bad_field", "field 'action': unknown action '%s'", action);
    if (e->action == ACTION_RETRACTION
        && (wire_field_int(f[F_RETRACTS], "retracts", &e->retracts, true, err) < 0
            || wire_field_str(f[F_REASON], "reason", e->reason, sizeof e->reason, true, err) < 0))
        return -1;
    return 0;
}

int
msg_encode_accepted(const msg_accepted_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_ACCEPTED, 3);
    rc = rc ? rc : wire_pack_kv_int(&pk, "seq", m->seq);
    rc = rc ? rc : wire_pack_kv_bool(&pk, "duplicate", m->duplicate);
    rc = rc ? rc : wire_pack_str(&pk, "event");
    rc = rc ? rc : msgpack_pack_map(&pk, s_event_field_count(&m->event));
    rc = rc ? rc : s_pack_event_fields(&pk, &m->event);
    return s_done(rc);
}

int
msg_decode_accepted(const msg_in_t *in, msg_accepted_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_ACCEPTED, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_int(map, "seq", &out->seq, true, err) < 0
        || wire_get_bool(map, "duplicate", &out->duplicate, true, err) < 0)
        return -1;
    const msgpack_object *ev = wire_map_get(map, "event");
    if (!ev || ev->type != MSGPACK_OBJECT_MAP)
        return wire_fail(err, "missing_field", "field 'event' must be a map");
    return msg_read_event(ev, &out->event, err);
}

/* ---- replay: "X.since" -> "X" ------------------------------------------ */

int
msg_pack_batch_begin(msgpack_packer *pk, msg_type_t type, const char *key, int64_t last_seq,
                     bool more, size_t count)
{
    int rc = msg_pack_begin(pk, type, 3);
    rc = rc ? rc : wire_pack_kv_int(pk, "last_seq", last_seq);
    rc = rc ? rc : wire_pack_kv_bool(pk, "more", more);
    rc = rc ? rc : wire_pack_str(pk, key);
    return rc ? rc : msgpack_pack_array(pk, count);
}

int
msg_encode_batch_raw(msg_type_t type, const char *key, int64_t last_seq, bool more,
                     const msg_raw_t *items, size_t count, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_batch_begin(&pk, type, key, last_seq, more, count);
    for (size_t i = 0; !rc && i < count; i++)
        rc = msgpack_sbuffer_write(out, items[i].data, items[i].size);
    return s_done(rc);
}

/* Returns the batch's array (codec->get_array's, or checked here), or NULL
   with err filled. */
static const msgpack_object *
s_batch_array(const msgpack_object *map, const msg_batch_codec_t *codec, wire_err_t *err)
{
    if (codec->get_array)
        return codec->get_array(map, codec->key, codec->max, err);
    const msgpack_object *arr = wire_map_get(map, codec->key);
    if (!arr || arr->type != MSGPACK_OBJECT_ARRAY) {
        wire_fail(err, "missing_field", "field '%s' must be an array", codec->key);
        return NULL;
    }
    if (arr->via.array.size > codec->max) {
        wire_fail(err, "bad_field", "field '%s' holds %u %s, more than %zu", codec->key,
                  arr->via.array.size, codec->key, codec->max);
        return NULL;
    }
    return arr;
}

/* Frees the items read so far and zeroes the batch. */
static void
s_batch_clear(const msg_batch_codec_t *codec, msg_batch_t *b)
{
    for (size_t i = 0; codec->clear && i < b->count; i++)
        codec->clear((char *) b->items + i * codec->item_size);
    free(b->items);
    memset(b, 0, sizeof *b);
}

int
msg_decode_batch(const msg_in_t *in, const msg_batch_codec_t *codec, msg_batch_t *out,
                 wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, codec->type, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_int(map, "last_seq", &out->last_seq, true, err) < 0
        || wire_get_bool(map, "more", &out->more, true, err) < 0)
        return -1;
    /* a small frame can declare a million tiny maps: never allocate more
       than a batch is allowed to hold */
    const msgpack_object *arr = s_batch_array(map, codec, err);
    if (!arr)
        return -1;
    if (arr->via.array.size == 0)
        return 0;
    out->items = calloc(arr->via.array.size, codec->item_size);
    if (!out->items)
        return wire_fail(err, "internal", "out of memory");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        void *item = (char *) out->items + i * codec->item_size;
        if (codec->read(&arr->via.array.ptr[i], i, item, err) != 0) {
            s_batch_clear(codec, out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

int
msg_encode_since(msg_type_t type, const msg_since_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, type, 2);
    rc = rc ? rc : wire_pack_kv_int(&pk, "from", m->from);
    rc = rc ? rc : wire_pack_kv_int(&pk, "limit", m->limit);
    return s_done(rc);
}

int
msg_decode_since(const msg_in_t *in, msg_type_t type, msg_since_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, type, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_int(map, "from", &out->from, true, err) < 0
        || wire_get_int(map, "limit", &out->limit, false, err) < 0)
        return -1;
    if (out->limit < 0)
        return wire_fail(err, "bad_field", "field 'limit' must not be negative");
    return 0;
}

/* ---- events ------------------------------------------------------------ */

int
msg_encode_events(const msg_events_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_batch_begin(&pk, MSG_EVENTS, "events", m->last_seq, m->more, m->count);
    for (size_t i = 0; !rc && i < m->count; i++) {
        rc = msgpack_pack_map(&pk, s_event_field_count(&m->events[i]));
        rc = rc ? rc : s_pack_event_fields(&pk, &m->events[i]);
    }
    return s_done(rc);
}

/* One element of an "events" batch, as msg_decode_batch reads it. */
static int
s_read_batch_event(const msgpack_object *obj, uint32_t i, void *item, wire_err_t *err)
{
    if (obj->type != MSGPACK_OBJECT_MAP)
        return wire_fail(err, "bad_field", "events[%u] must be a map", i);
    return msg_read_event(obj, item, err);
}

int
msg_decode_events(const msg_in_t *in, msg_events_t *out, wire_err_t *err)
{
    static const msg_batch_codec_t codec = {.type = MSG_EVENTS,
                                            .key = "events",
                                            .max = MSG_EVENTS_MAX_BATCH,
                                            .item_size = sizeof(event_t),
                                            .read = s_read_batch_event};
    msg_batch_t b;
    const int rc = msg_decode_batch(in, &codec, &b, err);
    *out = (msg_events_t){b.last_seq, b.more, b.count, b.items};
    return rc;
}

void
msg_events_clear(msg_events_t *m)
{
    free(m->events);
    memset(m, 0, sizeof *m);
}

int
msg_encode_event(const event_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_EVENT, s_event_field_count(m));
    rc = rc ? rc : s_pack_event_fields(&pk, m);
    return s_done(rc);
}

int
msg_decode_event(const msg_in_t *in, event_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_EVENT, err);
    if (!map)
        return -1;
    return msg_read_event(map, out, err);
}

/* ---- canonical re-encoding --------------------------------------------- */

int
msg_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err)
{
    int rc = -1;
    switch (in->type) {
    case MSG_PING:
        rc = msg_decode_ping(in, err) ? -1 : !out ? 0 : msg_encode_ping(out);
        break;
    case MSG_PONG: {
        msg_pong_t m;
        rc = msg_decode_pong(in, &m, err) ? -1 : !out ? 0 : msg_encode_pong(&m, out);
        break;
    }
    case MSG_ERROR: {
        msg_error_t m;
        rc = msg_decode_error(in, &m, err) ? -1 : !out ? 0 : msg_encode_error(&m, out);
        break;
    }
    case MSG_DEPOSIT: {
        msg_deposit_t m;
        rc = msg_decode_deposit(in, &m, err) ? -1 : !out ? 0 : msg_encode_deposit(&m, out);
        break;
    }
    case MSG_RETRACT: {
        msg_retract_t m;
        rc = msg_decode_retract(in, &m, err) ? -1 : !out ? 0 : msg_encode_retract(&m, out);
        break;
    }
    case MSG_ACCEPTED: {
        msg_accepted_t m;
        rc = msg_decode_accepted(in, &m, err) ? -1 : !out ? 0 : msg_encode_accepted(&m, out);
        break;
    }
    case MSG_EVENTS_SINCE: {
        msg_events_since_t m;
        rc = msg_decode_events_since(in, &m, err) ? -1
             : !out                               ? 0
                                                  : msg_encode_events_since(&m, out);
        break;
    }
    case MSG_EVENTS: {
        msg_events_t m;
        rc = msg_decode_events(in, &m, err) ? -1 : !out ? 0 : msg_encode_events(&m, out);
        msg_events_clear(&m);
        break;
    }
    case MSG_EVENT: {
        event_t m;
        rc = msg_decode_event(in, &m, err) ? -1 : !out ? 0 : msg_encode_event(&m, out);
        break;
    }
    case MSG_HEARTBEAT: {
        msg_heartbeat_t m;
        rc = msg_decode_heartbeat(in, &m, err) ? -1 : !out ? 0 : msg_encode_heartbeat(&m, out);
        break;
    }
    default:
        return wire_fail(err, "unknown_type", "unknown message type '%s'", in->type_name);
    }
    return rc;
}
