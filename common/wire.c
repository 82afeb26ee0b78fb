/*  wire: frame validation and field helpers. */
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
wire_fail(wire_err_t *err, const char *code, const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->code, sizeof err->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->offset = 0;
    return -1;
}

static int
s_bad(wire_err_t *err, size_t offset, const char *what)
{
    wire_fail(err, "bad_frame", "invalid msgpack at byte %zu: %s", offset, what);
    if (err)
        err->offset = offset;
    return -1;
}

static uint64_t
s_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/*  One pass over the bytes with an explicit stack of "elements still owed"
    per open container; no recursion, so hostile nesting cannot blow the C
    stack either. O(size). */
int
wire_check(const void *data, size_t size, wire_err_t *err)
{
    const uint8_t *p = data;
    size_t pos = 0;
    uint64_t owed[WIRE_MAX_DEPTH + 1];
    int depth = 0;
    owed[0] = 1; /* the frame holds exactly one top-level object */

    if (!data || size == 0)
        return s_bad(err, 0, "empty frame");
    while (depth >= 0) {
        if (owed[depth] == 0) {
            depth--;
            continue;
        }
        if (pos >= size)
            return s_bad(err, pos, "truncated");
        owed[depth]--;
        const uint8_t b = p[pos];
        const size_t left = size - pos - 1; /* bytes after the type byte */
        uint64_t skip = 0;                  /* payload bytes after any length */
        int lenbytes = 0;                   /* size of a length field */
        uint64_t children = 0;
        bool container = false;

        if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
            skip = 0;
        else if (b >= 0x80 && b <= 0x8f)
            container = true, children = 2u * (b & 0x0f);
        else if (b >= 0x90 && b <= 0x9f)
            container = true, children = b & 0x0f;
        else if (b >= 0xa0 && b <= 0xbf)
            skip = b & 0x1f;
        else {
            /* one line per msgpack type byte: a table, kept as a table */
            /* clang-format off */
            switch (b) {
            case 0xcc: case 0xd0: skip = 1; break;
            case 0xcd: case 0xd1: skip = 2; break;
            case 0xce: case 0xd2: case 0xca: skip = 4; break;
            case 0xcf: case 0xd3: case 0xcb: skip = 8; break;
            case 0xc4: case 0xd9: lenbytes = 1; break;
            case 0xc5: case 0xda: lenbytes = 2; break;
            case 0xc6: case 0xdb: lenbytes = 4; break;
            case 0xdc: lenbytes = 2; container = true; break;
            case 0xdd: lenbytes = 4; container = true; break;
            case 0xde: lenbytes = 2; container = true; break;
            case 0xdf: lenbytes = 4; container = true; break;
            default:
                return s_bad(err, pos, b == 0xc1 ? "reserved type byte 0xc1"
                                                 : "extension types are not used");
            }
            /* clang-format on */
            if (lenbytes) {
                if ((size_t) lenbytes > left)
                    return s_bad(err, pos, "truncated length");
                const uint64_t n = s_be(p + pos + 1, lenbytes);
                if (!container)
                    skip = n;
                else if (b == 0xde || b == 0xdf)
                    children = 2 * n;
                else
                    children = n;
            }
        }
        pos += 1 + (size_t) lenbytes;
        if (container) {
            /* every element takes at least one byte */
            if (children > size - pos)
                return s_bad(err, pos - 1 - lenbytes,
                             "container declares more elements than the frame holds");
            if (children > 0) {
                if (depth + 1 > WIRE_MAX_DEPTH)
                    return s_bad(err, pos - 1 - lenbytes, "nested too deeply");
                owed[++depth] = children;
            }
        }
        else {
            if (skip > size - pos)
                return s_bad(err, pos, "declared length exceeds the frame");
            pos += (size_t) skip;
        }
    }
    if (pos != size)
        return s_bad(err, pos, "trailing bytes after the message");
    return 0;
}

const msgpack_object *
wire_map_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    const size_t klen = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen
            && memcmp(k->via.str.ptr, key, klen) == 0)
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

void
wire_map_find(const msgpack_object *map, const wire_key_t *keys, size_t n,
              const msgpack_object **out)
{
    for (size_t j = 0; j < n; j++)
        out[j] = NULL;
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return;
    size_t next = 0; /* the key expected at this entry, in the encoders' order */
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type != MSGPACK_OBJECT_STR)
            continue;
        size_t j = next;
        if (j >= n || k->via.str.size != keys[j].len
            || memcmp(k->via.str.ptr, keys[j].name, keys[j].len) != 0)
            for (j = 0; j < n; j++) /* out of the expected order: any key */
                if (k->via.str.size == keys[j].len
                    && memcmp(k->via.str.ptr, keys[j].name, keys[j].len) == 0)
                    break;
        if (j == n)
            continue; /* a key not asked for ("v", "type", an extension) */
        if (!out[j])
            out[j] = &map->via.map.ptr[i].val; /* the first entry wins */
        next = j + 1;
    }
}

/* Returns the value, or NULL with *rc set when it is absent or nil. */
static const msgpack_object *
s_present(const msgpack_object *v, const char *key, bool required, wire_err_t *err, int *rc)
{
    if (v && v->type != MSGPACK_OBJECT_NIL)
        return v;
    *rc = required ? wire_fail(err, "missing_field", "field '%s' is required", key) : 1;
    return NULL;
}

int
wire_field_str(const msgpack_object *value, const char *key, char *buf, size_t cap, bool required,
               wire_err_t *err)
{
    int rc = 0;
    const msgpack_object *v = s_present(value, key, required, err, &rc);
    if (!v)
        return rc;
    if (v->type != MSGPACK_OBJECT_STR)
        return wire_fail(err, "bad_field", "field '%s' must be a string", key);
    if (v->via.str.size >= cap)
        return wire_fail(err, "bad_field", "field '%s' is longer than %zu bytes", key, cap - 1);
    if (memchr(v->via.str.ptr, '\0', v->via.str.size))
        return wire_fail(err, "bad_field", "field '%s' contains a NUL byte", key);
    memcpy(buf, v->via.str.ptr, v->via.str.size);
    buf[v->via.str.size] = '\0';
    return 0;
}

int
wire_get_str(const msgpack_object *map, const char *key, char *buf, size_t cap, bool required,
             wire_err_t *err)
{
    return wire_field_str(wire_map_get(map, key), key, buf, cap, required, err);
}

int
wire_field_int(const msgpack_object *value, const char *key, int64_t *out, bool required,
               wire_err_t *err)
{
    int rc = 0;
    const msgpack_object *v = s_present(value, key, required, err, &rc);
    if (!v)
        return rc;
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 <= INT64_MAX)
        *out = (int64_t) v->via.u64;
    else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        *out = v->via.i64;
    else
        return wire_fail(err, "bad_field", "field '%s' must be an integer", key);
    return 0;
}

int
wire_get_int(const msgpack_object *map, const char *key, int64_t *out, bool required,
             wire_err_t *err)
{
    return wire_field_int(wire_map_get(map, key), key, out, required, err);
}

int
wire_get_bool(const msgpack_object *map, const char *key, bool *out, bool required, wire_err_t *err)
{
    int rc = 0;
    const msgpack_object *v = s_present(wire_map_get(map, key), key, required, err, &rc);
    if (!v)
        return rc;
    if (v->type != MSGPACK_OBJECT_BOOLEAN)
        return wire_fail(err, "bad_field", "field '%s' must be true or false", key);
    *out = v->via.boolean;
    return 0;
}

int
wire_field_date(const msgpack_object *value, const char *key, rdate_t *out, bool required,
                wire_err_t *err)
{
    *out = RDATE_NONE;
    int rc = 0;
    const msgpack_object *v = s_present(value, key, required, err, &rc);
    if (!v)
        return rc;
    if (v->type != MSGPACK_OBJECT_STR || rdate_parse_n(v->via.str.ptr, v->via.str.size, out) != 0)
        return wire_fail(err, "bad_field", "field '%s' must be a date YYYY-MM-DD", key);
    return 0;
}

int
wire_get_date(const msgpack_object *map, const char *key, rdate_t *out, bool required,
              wire_err_t *err)
{
    return wire_field_date(wire_map_get(map, key), key, out, required, err);
}

int
wire_pack_str(msgpack_packer *pk, const char *s)
{
    if (!s)
        return msgpack_pack_nil(pk);
    const size_t n = strlen(s);
    if (n < 32) {
        /* a fixstr: its header byte and body in one write (packing was
           one call for each, the registry's most frequent call) */
        char fix[32];
        fix[0] = (char) (0xa0 | n);
        memcpy(fix + 1, s, n);
        return pk->callback(pk->data, fix, n + 1);
    }
    int rc = msgpack_pack_str(pk, n);
    return rc ? rc : msgpack_pack_str_body(pk, s, n);
}

int
wire_pack_kv_str(msgpack_packer *pk, const char *key, const char *value)
{
    int rc = wire_pack_str(pk, key);
    return rc ? rc : wire_pack_str(pk, value);
}

int
wire_pack_kv_int(msgpack_packer *pk, const char *key, int64_t value)
{
    int rc = wire_pack_str(pk, key);
    return rc ? rc : msgpack_pack_int64(pk, value);
}

int
wire_pack_kv_bool(msgpack_packer *pk, const char *key, bool value)
{
    int rc = wire_pack_str(pk, key);
    return rc ? rc : value ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
}

int
wire_pack_kv_nil(msgpack_packer *pk, const char *key)
{
    int rc = wire_pack_str(pk, key);
    return rc ? rc : msgpack_pack_nil(pk);
}

int
wire_pack_kv_opt_str(msgpack_packer *pk, const char *key, const char *value)
{
    return wire_pack_kv_str(pk, key, value && *value ? value : NULL);
}

int
wire_pack_kv_date(msgpack_packer *pk, const char *key, rdate_t value)
{
    if (value == RDATE_NONE)
        return wire_pack_kv_nil(pk, key);
    char buf[RDATE_ISO_SIZE];
    return wire_pack_kv_str(pk, key, rdate_format(value, buf));
}
