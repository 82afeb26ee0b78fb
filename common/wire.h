/*  wire: msgpack frames that never trust their sender.

    msgpack-c 4.0 reserves memory from the sizes a frame *declares*: a
    7-byte frame announcing a 2^32-entry array asks for ~100 GiB. So before
    anything is unpacked, wire_check walks the raw bytes and proves that
    every declared string, binary and container fits in the bytes actually
    present (a container of n elements needs at least n more bytes), that
    nesting stays within WIRE_MAX_DEPTH, and that the frame is exactly one
    object. After that the unpacker's allocations are bounded by a small
    multiple of the frame size. Extension types are refused: the protocol
    uses none.

    The rest of the module is the vocabulary the typed codecs in msg.c are
    written in: pack a key/value, fetch a typed field from a map with a
    clear error naming the field. */
#ifndef RATIFY_WIRE_H
#define RATIFY_WIRE_H

#include "rdate.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAX_DEPTH 8 /* maps and arrays nested deeper are refused */

/* A decoding or validation failure: a stable code, a message for people and,
   for malformed bytes, the offset where decoding stopped. */
typedef struct {
    char code[32];
    char message[256];
    size_t offset;
} wire_err_t;

/* Fills err with code and a printf-style message (offset 0). Returns -1 so
   callers can `return wire_fail(err, ...)`. err may be NULL. */
int wire_fail(wire_err_t *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks that data[0..size) is exactly one well-formed msgpack object whose
   declared sizes fit the bytes present, nested at most WIRE_MAX_DEPTH deep.
   Returns 0, or -1 with err->code "bad_frame" and the failing offset. Pure. */
int wire_check(const void *data, size_t size, wire_err_t *err);

/* Returns the value stored under `key` in a msgpack map, or NULL when the
   object is not a map or has no such key. Borrowed pointer. */
const msgpack_object *wire_map_get(const msgpack_object *map, const char *key);

/* A key to look up, with its length: WIRE_KEY("seq"). */
typedef struct {
    const char *name;
    size_t len;
} wire_key_t;
/* clang-format off */
#define WIRE_KEY(literal) {(literal), sizeof(literal) - 1}
/* clang-format on */

/* Finds the values of `n` keys in one pass over a map, for a decoder that
   reads several fields of one map (wire_map_get scans the map once per
   field). out[i] is what wire_map_get(map, keys[i].name) would return: the
   value of the first entry with that key, or NULL. Listed in the order our
   encoders write them, each key is found at its first comparison; any
   order finds the same values. Borrowed pointers. A map that is not a map
   finds nothing. The keys must be distinct. */
void wire_map_find(const msgpack_object *map, const wire_key_t *keys, size_t n,
                   const msgpack_object **out);

/* Field readers: each returns 0 when the field was read, 1 when it is absent
   (or nil) and not required, -1 with err filled ("missing_field" or
   "bad_field", naming the field) otherwise. */
int wire_get_str(const msgpack_object *map, const char *key, char *buf, size_t cap, bool required,
                 wire_err_t *err);
int wire_get_int(const msgpack_object *map, const char *key, int64_t *out, bool required,
                 wire_err_t *err);
int wire_get_bool(const msgpack_object *map, const char *key, bool *out, bool required,
                  wire_err_t *err);
/* A date travels as "YYYY-MM-DD" or nil; absent or nil reads RDATE_NONE. */
int wire_get_date(const msgpack_object *map, const char *key, rdate_t *out, bool required,
                  wire_err_t *err);

/* The same readers over a value already found (wire_map_find; NULL when
   the field is absent), `key` naming it in errors. Same returns. */
int wire_field_str(const msgpack_object *value, const char *key, char *buf, size_t cap,
                   bool required, wire_err_t *err);
int wire_field_int(const msgpack_object *value, const char *key, int64_t *out, bool required,
                   wire_err_t *err);
int wire_field_date(const msgpack_object *value, const char *key, rdate_t *out, bool required,
                    wire_err_t *err);

/* Packers: a string (NULL packs nil), and key/value pairs for maps. They
   return msgpack-c's result: 0, or negative when memory ran out. */
int wire_pack_str(msgpack_packer *pk, const char *s);
int wire_pack_kv_str(msgpack_packer *pk, const char *key, const char *value);
int wire_pack_kv_int(msgpack_packer *pk, const char *key, int64_t value);
int wire_pack_kv_bool(msgpack_packer *pk, const char *key, bool value);
int wire_pack_kv_nil(msgpack_packer *pk, const char *key);
/* Packs the string, or nil when it is NULL or "". */
int wire_pack_kv_opt_str(msgpack_packer *pk, const char *key, const char *value);
/* Packs the date as "YYYY-MM-DD", or nil for RDATE_NONE. */
int wire_pack_kv_date(msgpack_packer *pk, const char *key, rdate_t value);

#endif
