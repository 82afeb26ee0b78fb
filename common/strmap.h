/*  strmap: a map from a string (an instrument, participant or milestone
    id) to a small integer, for the services' hot paths: the registry's
    names index (every deposit's validation), the threshold service's
    instruments and published milestones, the reporter's id cache.

    Open addressing with linear probing on FNV-1a, at most half full; the
    slots double as keys come. The map copies each key, its bytes and NUL
    and nothing more, into one pool of its own: most keys come from
    buffers that do not outlive the call (an event being stored, a
    milestone id being made, a bounded copy of a wire field), and the pool
    takes no allocation per key. A slot is 8 bytes: the key's offset in
    the pool and its value. Keys are never removed; the map is freed whole.

    Cost: lookup and insert O(1) expected, plus the hash and a strcmp,
    O(key length); memory: 8 bytes a slot, 2 to 4 slots a key (past the
    first 32 keys), and the keys' bytes with up to half again of slack.
    Keys may total just under 4 GiB. Not thread-safe.

    Example:
        strmap_t *ids = strmap_new();
        if (strmap_insert(ids, "UNTOC", 7) < 0)
            ...out of memory...
        uint32_t id;
        if (strmap_get(ids, "UNTOC", &id))
            ...id is 7...
        strmap_destroy(&ids); */
#ifndef RATIFY_STRMAP_H
#define RATIFY_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _strmap_t strmap_t;

/* Returns a new, empty map, or NULL when out of memory. Caller owns it and
   must destroy it with strmap_destroy. */
strmap_t *strmap_new(void);

/* Frees the map and the keys it copied; accepts NULL and sets *self_p to
   NULL. */
void strmap_destroy(strmap_t **self_p);

/* Looks key up. Returns true and sets *value (when value is not NULL) when
   the key is present, false when it is absent. Key is only read. */
bool strmap_get(const strmap_t *self, const char *key, uint32_t *value);

/* Inserts key -> value; the map copies key (the caller keeps its own).
   Returns 0 when inserted, 1 when the key was present already (its value
   unchanged), -1 when out of memory (the map holds what it held). */
int strmap_insert(strmap_t *self, const char *key, uint32_t value);

/* Returns the number of keys. */
size_t strmap_count(const strmap_t *self);

/* Returns the bytes the map holds on the heap: itself, its slots and its
   key pool. */
size_t strmap_memory(const strmap_t *self);

#endif
