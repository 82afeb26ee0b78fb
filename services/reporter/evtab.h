/*  evtab: the registry's events, kept compactly for building reports.

    A report reads, of each event, its seq, action, date, instrument and
    participant, and of a retraction the seq it retracts (report.h). An
    event_t carries far more (a 512-byte retraction reason, the ids as
    fixed strings, the recording time): some 600 bytes an event. This table
    keeps 24 bytes an event: the instrument and participant resolved once,
    on append, to their index in the catalog (the catalog does not change
    while the table lives, so resolving later would give the same answer),
    and the retracted seq in place of the date and participant a report
    never reads of a retraction. Nothing else is kept: the reporter's
    SQLite file holds every field.

    Example:
        evtab_t *tab = evtab_new(catalog);
        evtab_append(tab, &ev);                 // for each event, in log order
        evtab_entry_t e;
        for (size_t i = 0; i < evtab_count(tab); i++)
            evtab_get(tab, i, &e);
        evtab_destroy(&tab);

    Memory: 24 bytes an event (2.4 MB for 100 000), plus two small indexes
    of the catalog's instruments and participants and a cache of the ids
    seen as spelled (a strmap: 8 bytes a slot, at most half full, and the
    id's bytes; at most 4096 ids each for instruments and participants:
    375 kB for both at worst); the array doubles as it grows. Not
    thread-safe: the caller serialises every call (view.c holds its
    mutex). */
#ifndef RATIFY_REPORTER_EVTAB_H
#define RATIFY_REPORTER_EVTAB_H

#include "catalog.h"
#include "event.h"
#include "rdate.h"

#include <stddef.h>
#include <stdint.h>

/* An index that names nothing in the catalog (an id it does not know). */
#define EVTAB_UNKNOWN UINT32_MAX

typedef struct _evtab_t evtab_t;

/* One event as a report reads it. */
typedef struct {
    int64_t seq;
    action_t action;
    rdate_t date;         /* RDATE_NONE for a retraction */
    uint32_t instrument;  /* catalog_instrument_at index, or EVTAB_UNKNOWN */
    uint32_t participant; /* catalog_participant_at index, or EVTAB_UNKNOWN */
    int64_t retracts;     /* ACTION_RETRACTION only, else 0 */
} evtab_entry_t;

/* Creates an empty table resolving ids against catalog (borrowed: it must
   outlive the table and not change). Returns the table (caller destroys
   it), or NULL when catalog is NULL or out of memory. */
evtab_t *evtab_new(const catalog_t *catalog);

/* Frees the table; accepts NULL and sets *self_p to NULL. */
void evtab_destroy(evtab_t **self_p);

/* Returns the catalog the table resolves against (borrowed). */
const catalog_t *evtab_catalog(const evtab_t *self);

/* Returns the number of events held. */
size_t evtab_count(const evtab_t *self);

/* Returns how many more events evtab_append can take without allocating. */
size_t evtab_room(const evtab_t *self);

/* Makes room for at least extra more events (the array may move). Returns
   0, or -1 when out of memory (the table is unchanged). */
int evtab_reserve(evtab_t *self, size_t extra);

/* Appends ev (copied; its id fields need not end with a NUL), reserving
   room first when there is none. The ids are looked up as report_new
   looks them up: the instrument by catalog_instrument_find, the
   participant by catalog_participant_by_id. Returns 0, or -1 when out of
   memory (nothing appended). */
int evtab_append(evtab_t *self, const event_t *ev);

/* Drops the events from index count on (no-op when count >= the number
   held). Keeps the memory. */
void evtab_truncate(evtab_t *self, size_t count);

/* Fills *out with event i. Returns 0, or -1 when i is out of range. */
int evtab_get(const evtab_t *self, size_t i, evtab_entry_t *out);

/* Returns the bytes the table holds on the heap (for the metrics and the
   tests). */
size_t evtab_memory(const evtab_t *self);

#endif
