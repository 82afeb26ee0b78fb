/*  wirejson: msgpack <-> JSON, for people and scripts.

    The protocol's JSON form is the same map with the same field names:
    ratifyctl prints replies and stream messages with wirejson_from_msgpack
    and builds requests from JSON with wirejson_to_msgpack. Binary values
    (the protocol sends none) print as {"$bin": "<hex>"}. */
#ifndef RATIFY_WIREJSON_H
#define RATIFY_WIREJSON_H

#include <jansson.h>
#include <msgpack.h>

/* Returns a new JSON value for the object (caller decrefs it), or NULL
   when a string is not valid UTF-8 or memory ran out. */
json_t *wirejson_from_msgpack(const msgpack_object *obj);

/* Packs the JSON value as msgpack: objects as maps (keys in document
   order), integers as the smallest msgpack integer. Returns 0, or -1 when
   memory ran out. */
int wirejson_to_msgpack(const json_t *value, msgpack_packer *pk);

#endif
