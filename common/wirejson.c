/*  wirejson: recursive conversion; depth is bounded by wire_check
    (WIRE_MAX_DEPTH) on the msgpack side and by jansson's parser depth
    limit on the JSON side. */
#include "wirejson.h"

#include <string.h>

static json_t *
s_hex(const char *data, uint32_t size)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = malloc((size_t) size * 2 + 1);
    if (!hex)
        return NULL;
    for (uint32_t i = 0; i < size; i++) {
        hex[2 * i] = digits[(unsigned char) data[i] >> 4];
        hex[2 * i + 1] = digits[(unsigned char) data[i] & 15];
    }
    hex[(size_t) size * 2] = '\0';
    json_t *v = json_pack("{s:s}", "$bin", hex);
    free(hex);
    return v;
}

json_t *
wirejson_from_msgpack(const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        return json_null();
    case MSGPACK_OBJECT_BOOLEAN:
        return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        if (o->via.u64 > (uint64_t) INT64_MAX)
            return json_real((double) o->via.u64);
        return json_integer((json_int_t) o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return json_integer((json_int_t) o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        return json_real(o->via.f64);
    case MSGPACK_OBJECT_STR:
        return json_stringn(o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_BIN:
        return s_hex(o->via.bin.ptr, o->via.bin.size);
    case MSGPACK_OBJECT_ARRAY: {
        json_t *arr = json_array();
        for (uint32_t i = 0; arr && i < o->via.array.size; i++) {
            json_t *item = wirejson_from_msgpack(&o->via.array.ptr[i]);
            if (!item || json_array_append_new(arr, item) != 0) {
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *obj = json_object();
        for (uint32_t i = 0; obj && i < o->via.map.size; i++) {
            const msgpack_object *k = &o->via.map.ptr[i].key;
            char key[256];
            if (k->type == MSGPACK_OBJECT_STR && k->via.str.size < sizeof key) {
                memcpy(key, k->via.str.ptr, k->via.str.size);
                key[k->via.str.size] = '\0';
            }
            else if (k->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
                snprintf(key, sizeof key, "%llu", (unsigned long long) k->via.u64);
            else
                snprintf(key, sizeof key, "(key %u)", i);
            json_t *val = wirejson_from_msgpack(&o->via.map.ptr[i].val);
            if (!val || json_object_set_new(obj, key, val) != 0) {
                json_decref(obj);
                return NULL;
            }
        }
        return obj;
    }
    default:
        return json_null();
    }
}

int
wirejson_to_msgpack(const json_t *v, msgpack_packer *pk)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
        return msgpack_pack_nil(pk) ? -1 : 0;
    case JSON_TRUE:
        return msgpack_pack_true(pk) ? -1 : 0;
    case JSON_FALSE:
        return msgpack_pack_false(pk) ? -1 : 0;
    case JSON_INTEGER:
        return msgpack_pack_int64(pk, json_integer_value(v)) ? -1 : 0;
    case JSON_REAL:
        return msgpack_pack_double(pk, json_real_value(v)) ? -1 : 0;
    case JSON_STRING: {
        const size_t n = json_string_length(v);
        return msgpack_pack_str(pk, n) || msgpack_pack_str_body(pk, json_string_value(v), n) ? -1
                                                                                             : 0;
    }
    case JSON_ARRAY: {
        if (msgpack_pack_array(pk, json_array_size(v)))
            return -1;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) if (wirejson_to_msgpack(item, pk) != 0) return -1;
        return 0;
    }
    case JSON_OBJECT: {
        if (msgpack_pack_map(pk, json_object_size(v)))
            return -1;
        const char *key;
        json_t *item;
        json_object_foreach((json_t *) v, key, item)
        {
            const size_t n = strlen(key);
            if (msgpack_pack_str(pk, n) || msgpack_pack_str_body(pk, key, n)
                || wirejson_to_msgpack(item, pk) != 0)
                return -1;
        }
        return 0;
    }
    }
    return -1;
}
