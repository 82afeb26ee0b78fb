/*  evtab: the compact event table.

    A row is 24 bytes: seq, action, instrument index, and a union of the
    (date, participant index) an act needs and the seq a retraction names.
    Catalog ids are resolved with the catalog's own lookups, whose answer
    is a pointer into the catalog; a sorted array of the catalog's pointers
    turns that into an index. Those lookups fold case and search (92 M of
    the 680 M instructions of loading 100 000 events at start-up, before
    this cache), and a history names a few hundred ids many times over: a
    strmap remembers each id as spelled and its index (known or not: the
    catalog does not change), up to EVTAB_CACHE_MAX spellings, beyond which
    ids are looked up each time. */
#include "evtab.h"

#include "strmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define EVTAB_INITIAL_CAP 1024
#define EVTAB_CACHE_MAX   4096 /* spellings an id cache remembers at most */

typedef struct {
    int64_t seq;
    union {
        struct {
            rdate_t date;
            uint32_t participant;
        } act;
        int64_t retracts; /* ACTION_RETRACTION */
    } u;
    uint32_t instrument;
    uint8_t action;
} s_row_t;

_Static_assert(sizeof(s_row_t) <= 24, "an evtab row is 24 bytes");

typedef struct {
    const void *ptr;
    uint32_t index;
} s_ref_t;

struct _evtab_t {
    const catalog_t *catalog;
    s_row_t *rows;
    size_t count, cap;
    s_ref_t *insts; /* catalog instruments by address */
    size_t ninsts;
    s_ref_t *parts; /* catalog participants by address */
    size_t nparts;
    strmap_t *inst_cache, *part_cache; /* id as spelled -> index */
};

static int
s_cmp_ref(const void *a, const void *b)
{
    const s_ref_t *x = a, *y = b;
    const uintptr_t px = (uintptr_t) x->ptr, py = (uintptr_t) y->ptr;
    return (px > py) - (px < py);
}

/* Returns the index whose address is ptr, or EVTAB_UNKNOWN. */
static uint32_t
s_find_ref(const s_ref_t *refs, size_t n, const void *ptr)
{
    if (!ptr || n == 0)
        return EVTAB_UNKNOWN;
    const s_ref_t key = {.ptr = ptr};
    const s_ref_t *hit = bsearch(&key, refs, n, sizeof *refs, s_cmp_ref);
    return hit ? hit->index : EVTAB_UNKNOWN;
}

/* Copies a fixed-size id field into key (size len), stopping at its NUL
   or at len - 1 bytes, as snprintf("%.*s") would. */
static void
s_bounded(const char *field, size_t field_len, char *key, size_t len)
{
    size_t n = strnlen(field, field_len < len - 1 ? field_len : len - 1);
    memcpy(key, field, n);
    key[n] = '\0';
}

/* Resolves an instrument (inst true) or participant id as spelled. */
static uint32_t
s_resolve(evtab_t *self, bool inst, const char *key)
{
    strmap_t *cache = inst ? self->inst_cache : self->part_cache;
    uint32_t index;
    if (strmap_get(cache, key, &index))
        return index;
    index =
        inst ? s_find_ref(self->insts, self->ninsts, catalog_instrument_find(self->catalog, key))
             : s_find_ref(self->parts, self->nparts, catalog_participant_by_id(self->catalog, key));
    /* beyond EVTAB_CACHE_MAX, or out of memory, the key is simply not
       remembered */
    if (strmap_count(cache) < EVTAB_CACHE_MAX)
        (void) strmap_insert(cache, key, index);
    return index;
}

evtab_t *
evtab_new(const catalog_t *catalog)
{
    if (!catalog)
        return NULL;
    evtab_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->catalog = catalog;
    const size_t ninsts = catalog_instrument_count(catalog);
    const size_t nparts = catalog_participant_count(catalog);
    if (ninsts >= EVTAB_UNKNOWN || nparts >= EVTAB_UNKNOWN)
        goto fail;
    self->insts = calloc(ninsts ? ninsts : 1, sizeof *self->insts);
    self->parts = calloc(nparts ? nparts : 1, sizeof *self->parts);
    self->inst_cache = strmap_new();
    self->part_cache = strmap_new();
    if (!self->insts || !self->parts || !self->inst_cache || !self->part_cache)
        goto fail;
    for (size_t i = 0; i < ninsts; i++)
        self->insts[i] = (s_ref_t){catalog_instrument_at(catalog, i), (uint32_t) i};
    for (size_t i = 0; i < nparts; i++)
        self->parts[i] = (s_ref_t){catalog_participant_at(catalog, i), (uint32_t) i};
    self->ninsts = ninsts;
    self->nparts = nparts;
    qsort(self->insts, ninsts, sizeof *self->insts, s_cmp_ref);
    qsort(self->parts, nparts, sizeof *self->parts, s_cmp_ref);
    return self;
fail:
    evtab_destroy(&self);
    return NULL;
}

void
evtab_destroy(evtab_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    evtab_t *self = *self_p;
    free(self->rows);
    free(self->insts);
    free(self->parts);
    strmap_destroy(&self->inst_cache);
    strmap_destroy(&self->part_cache);
    free(self);
    *self_p = NULL;
}

const catalog_t *
evtab_catalog(const evtab_t *self)
{
    return self->catalog;
}

size_t
evtab_count(const evtab_t *self)
{
    return self->count;
}

size_t
evtab_room(const evtab_t *self)
{
    return self->cap - self->count;
}

int
evtab_reserve(evtab_t *self, size_t extra)
{
    if (extra <= self->cap - self->count)
        return 0;
    if (extra > SIZE_MAX / sizeof(s_row_t) - self->count)
        return -1;
    size_t cap = self->cap ? self->cap : EVTAB_INITIAL_CAP;
    while (cap < self->count + extra)
        cap = cap > SIZE_MAX / (2 * sizeof(s_row_t)) ? self->count + extra : cap * 2;
    s_row_t *grown = realloc(self->rows, cap * sizeof *grown);
    if (!grown)
        return -1;
    self->rows = grown;
    self->cap = cap;
    return 0;
}

int
evtab_append(evtab_t *self, const event_t *ev)
{
    if (self->count == self->cap && evtab_reserve(self, 1) != 0)
        return -1;
    s_row_t *row = &self->rows[self->count];
    memset(row, 0, sizeof *row);
    row->seq = ev->seq;
    /* an action no report knows reads as none (the engine ignores it) */
    row->action =
        (uint8_t) (ev->action > ACTION_NONE && ev->action <= ACTION_RETRACTION ? ev->action
                                                                               : ACTION_NONE);
    if (ev->action == ACTION_RETRACTION) {
        row->u.retracts = ev->retracts;
        row->instrument = EVTAB_UNKNOWN;
    }
    else {
        /* Bounded copies: an event decoded from the wire need not end its
           id fields with a NUL. */
        char inst_id[EVENT_INSTRUMENT_MAX], part_id[EVENT_PARTICIPANT_MAX];
        s_bounded(ev->instrument, sizeof ev->instrument, inst_id, sizeof inst_id);
        s_bounded(ev->participant, sizeof ev->participant, part_id, sizeof part_id);
        row->u.act.date = ev->date;
        row->instrument = s_resolve(self, true, inst_id);
        row->u.act.participant = s_resolve(self, false, part_id);
    }
    self->count++;
    return 0;
}

void
evtab_truncate(evtab_t *self, size_t count)
{
    if (count < self->count)
        self->count = count;
}

int
evtab_get(const evtab_t *self, size_t i, evtab_entry_t *out)
{
    if (i >= self->count)
        return -1;
    const s_row_t *row = &self->rows[i];
    out->seq = row->seq;
    out->action = (action_t) row->action;
    out->instrument = row->instrument;
    if (out->action == ACTION_RETRACTION) {
        out->date = RDATE_NONE;
        out->participant = EVTAB_UNKNOWN;
        out->retracts = row->u.retracts;
    }
    else {
        out->date = row->u.act.date;
        out->participant = row->u.act.participant;
        out->retracts = 0;
    }
    return 0;
}

size_t
evtab_memory(const evtab_t *self)
{
    return sizeof *self + self->cap * sizeof(s_row_t)
           + (self->ninsts + self->nparts) * sizeof(s_ref_t) + strmap_memory(self->inst_cache)
           + strmap_memory(self->part_cache);
}
