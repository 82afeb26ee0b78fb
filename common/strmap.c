/*  strmap: a string -> small integer map (see strmap.h).

    A slot is the key's offset in the pool and the value, 8 bytes: an
    offset rather than a pointer because the pool moves when it grows. A
    slot holding a pointer to a strdup'd key would be 16 bytes and the key
    a malloc block of 32 bytes or more (a 5-letter id) or 64 (a milestone
    id); a slot holding the key inline would be as large as the longest
    key. The pool keeps the keys back to back, so the strcmp of a lookup
    reads memory the other keys share rather than a block of its own
    somewhere in the heap.

    The pool grows by half rather than doubling, so that its slack stays
    within half the keys' bytes. Byte 0 of the pool is no key's: offset 0
    marks a free slot, so a zeroed slot array is an empty one. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#define STRMAP_INITIAL_SLOTS      64 /* a power of two */
#define STRMAP_INITIAL_POOL_BYTES 256
#define STRMAP_POOL_MAX_BYTES     ((size_t) UINT32_MAX) /* offsets fit in a slot's 32 bits */

typedef struct {
    uint32_t key; /* the key's offset in the pool; 0: a free slot */
    uint32_t value;
} s_slot_t;

struct _strmap_t {
    s_slot_t *slots;
    size_t mask; /* the number of slots - 1; that number is a power of two */
    size_t count;
    char *pool; /* byte 0 unused, then each key and its NUL */
    size_t pool_len, pool_cap;
};

static uint64_t
s_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *) key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* Returns the slot holding key, or the free slot where it would go (the
   map is never full, so there is one). Inline, so that a lookup makes no
   call but strcmp's. */
static inline s_slot_t *
s_slot(const strmap_t *self, const char *key)
{
    for (size_t i = (size_t) s_hash(key) & self->mask;; i = (i + 1) & self->mask) {
        s_slot_t *slot = &self->slots[i];
        if (slot->key == 0 || strcmp(self->pool + slot->key, key) == 0)
            return slot;
    }
}

/* Doubles the slots. Returns 0, or -1 when out of memory (nothing
   changed). */
static int
s_grow_slots(strmap_t *self)
{
    const size_t cap = 2 * (self->mask + 1);
    s_slot_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i <= self->mask; i++) {
        const s_slot_t *old = &self->slots[i];
        if (old->key == 0)
            continue;
        size_t j = (size_t) s_hash(self->pool + old->key) & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = *old;
    }
    free(self->slots);
    self->slots = slots;
    self->mask = cap - 1;
    return 0;
}

/* Makes room in the pool for size more bytes. Returns 0, or -1 when out
   of memory or past STRMAP_POOL_MAX_BYTES (nothing changed). */
static int
s_grow_pool(strmap_t *self, size_t size)
{
    if (size > STRMAP_POOL_MAX_BYTES - self->pool_len)
        return -1;
    const size_t need = self->pool_len + size;
    if (need <= self->pool_cap)
        return 0;
    size_t cap = STRMAP_INITIAL_POOL_BYTES;
    if (self->pool_cap)
        cap = self->pool_cap < STRMAP_POOL_MAX_BYTES / 3 * 2 ? self->pool_cap + self->pool_cap / 2
                                                             : STRMAP_POOL_MAX_BYTES;
    if (cap < need)
        cap = need;
    char *pool = realloc(self->pool, cap);
    if (!pool)
        return -1;
    self->pool = pool;
    self->pool_cap = cap;
    return 0;
}

strmap_t *
strmap_new(void)
{
    strmap_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->slots = calloc(STRMAP_INITIAL_SLOTS, sizeof *self->slots);
    if (!self->slots) {
        free(self);
        return NULL;
    }
    self->mask = STRMAP_INITIAL_SLOTS - 1;
    self->pool_len = 1; /* the pool is allocated with the first key */
    return self;
}

void
strmap_destroy(strmap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    strmap_t *self = *self_p;
    free(self->slots);
    free(self->pool);
    free(self);
    *self_p = NULL;
}

bool
strmap_get(const strmap_t *self, const char *key, uint32_t *value)
{
    const s_slot_t *slot = s_slot(self, key);
    if (slot->key == 0)
        return false;
    if (value)
        *value = slot->value;
    return true;
}

int
strmap_insert(strmap_t *self, const char *key, uint32_t value)
{
    s_slot_t *slot = s_slot(self, key);
    if (slot->key != 0)
        return 1;
    const size_t size = strlen(key) + 1;
    if (s_grow_pool(self, size) != 0)
        return -1;
    if (2 * (self->count + 1) > self->mask + 1) {
        if (s_grow_slots(self) != 0)
            return -1;
        slot = s_slot(self, key);
    }
    memcpy(self->pool + self->pool_len, key, size);
    slot->key = (uint32_t) self->pool_len;
    slot->value = value;
    self->pool_len += size;
    self->count++;
    return 0;
}

size_t
strmap_count(const strmap_t *self)
{
    return self->count;
}

size_t
strmap_memory(const strmap_t *self)
{
    return sizeof *self + (self->mask + 1) * sizeof(s_slot_t) + self->pool_cap;
}
