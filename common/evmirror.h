/*  evmirror: the registry's events as a follower mirrors them in SQLite
    (the threshold service's and the reporter's `events` table), inserted
    several to a statement.

    One INSERT's step costs about as much as its rows: a follower's event
    took 9.6 k instructions alone and 7.9 k in a statement of eight
    (callgrind, bench/RESULTS.md session 11). So events are queued, and
    go EVMIRROR_ROWS at a time in one multi-row INSERT OR IGNORE, the rest
    when the owner flushes, before its COMMIT. The owner decides what may
    wait: an event it knows to be new (its seq above every seq held). A
    queued event is not in the table until flushed: flush before reading
    the table, and drop the queue when the transaction is rolled back.

    The mirror does not own the connection: it prepares two statements on
    it, and is destroyed before the connection is closed. */
#ifndef RATIFY_EVMIRROR_H
#define RATIFY_EVMIRROR_H

#include "event.h"

#include <sqlite3.h>
#include <stddef.h>

#define EVMIRROR_ROWS 16 /* events per multi-row INSERT */

/* The table, for a schema script: seq is the registry's sequence number;
   date NULL when the event has none; retracts and reason set for a
   retraction only. */
#define EVMIRROR_SCHEMA                                                                            \
    "CREATE TABLE IF NOT EXISTS events ("                                                          \
    "  seq INTEGER PRIMARY KEY,"                                                                   \
    "  action TEXT NOT NULL,"                                                                      \
    "  instrument TEXT NOT NULL,"                                                                  \
    "  participant TEXT NOT NULL,"                                                                 \
    "  date TEXT,"                                                                                 \
    "  retracts INTEGER,"                                                                          \
    "  reason TEXT,"                                                                               \
    "  recorded_ms INTEGER NOT NULL);"

typedef struct _evmirror_t evmirror_t;

/* Returns a mirror writing to db's `events` table (which must exist), or
   NULL with a reason in err. Caller destroys it, before closing db. */
evmirror_t *evmirror_new(sqlite3 *db, char *err, size_t errlen);

/* Destroys the mirror (its queue is dropped); accepts NULL and sets
   *self_p to NULL. */
void evmirror_destroy(evmirror_t **self_p);

/* Inserts ev now (INSERT OR IGNORE), after the queued events. Returns 1
   when it was stored, 0 when an event with its seq was there already, -1
   with the reason in err (the queue is then dropped, some of it maybe
   inserted: roll the transaction back). */
int evmirror_insert(evmirror_t *self, const event_t *ev, char *err, size_t errlen);

/* Queues a copy of ev, which the caller knows to be new, and inserts the
   queue when it is full. Returns 0, or -1 with the reason in err (the
   queue is then dropped: roll the transaction back). */
int evmirror_queue(evmirror_t *self, const event_t *ev, char *err, size_t errlen);

/* Inserts the queued events. Returns 0, or -1 with the reason in err
   (the queue is dropped either way, some of it maybe inserted: roll the
   transaction back). */
int evmirror_flush(evmirror_t *self, char *err, size_t errlen);

/* Forgets the queued events (their transaction was rolled back). */
void evmirror_drop(evmirror_t *self);

/* Returns how many events are queued. */
size_t evmirror_queued(const evmirror_t *self);

#endif
