/*  view: the reporter's copy of the registry's event log, and the reports
    built from it.

    The reporter follows the registry's stream (follow.h) and keeps every
    event twice: in its own SQLite file (<RATIFY_DATA_DIR>/reporter.db, WAL,
    synchronous=NORMAL: see db_set_derived), so a restart resumes after the
    last event it holds instead of replaying the whole log, and in memory,
    where a report is built from. The file is a cache of the registry's log:
    deleting it is safe (the reporter then replays everything), a commit
    lost to a power cut takes its cursor with it (those events are read
    again), and a malformed row makes view_open fail with a message saying
    so.

    Writes come from one thread, the service's loop: view_append (or
    view_skip, for an event the loop could not read) stages events in an
    open transaction; view_commit makes them durable and then visible.
    Reports are built from any thread (the HTTP server has its own): a
    mutex guards the in-memory table, held while report_new_from_table
    reads it (a few milliseconds for the seed's 527 events, 100 to 200 ms
    for 100 000) and while the loop appends to it, drops what is staged or
    publishes a commit. So a report always sees a prefix of the log
    that ends on a commit: never half a batch, never an event the file does
    not hold.

    Memory: 24 bytes an event in memory (evtab.h: ids resolved to catalog
    indexes; the retraction's reason and the recording time are read by no
    report and stay in the file), 2.4 MB for 100 000 events; SQLite's page
    cache is capped at 512 kB. A report's own model and the rule engines it
    runs are freed when it is (view_activity tells the caller when to hand
    that memory back). */
#ifndef RATIFY_REPORTER_VIEW_H
#define RATIFY_REPORTER_VIEW_H

#include "catalog.h"
#include "event.h"
#include "evtab.h"
#include "report.h"
#include "reportreq.h"
#include "strbuf.h"

#include <stddef.h>
#include <stdint.h>

typedef struct _view_t view_t;

/* What view_render did: the last registry sequence the report includes and
   the time spent building the model and rendering it. */
typedef struct {
    int64_t last_seq;
    int64_t build_us;
    int64_t render_us;
} view_info_t;

/* Opens (creating when missing) the mirror at path and loads its events.
   catalog is borrowed and must outlive the view. Returns the view (caller
   destroys it), or NULL with a reason in err. */
view_t *view_open(const char *path, const catalog_t *catalog, char *err, size_t errlen);

/* Rolls back what is staged, closes the file and frees the events; accepts
   NULL and sets *self_p to NULL. No other thread may use the view any
   more (stop the HTTP server first). */
void view_destroy(view_t **self_p);

/* Returns the last registry sequence committed (the follower's cursor):
   the highest stored or skipped, 0 for an empty view. Any thread. */
int64_t view_last_seq(view_t *self);

/* Returns the number of events committed and visible. Any thread. */
size_t view_count(view_t *self);

/* Stages one event (the loop's thread only). An event at or below the last
   staged sequence is ignored (returns 0). Returns 0, or -1 with the SQLite
   reason in err: then nothing staged since the last commit is kept (the
   caller resumes following from view_last_seq). */
int view_append(view_t *self, const event_t *ev, char *err, size_t errlen);

/* Moves the cursor past seq without storing an event (one that could not
   be read), so that it is not asked for again. Returns as view_append. */
int view_skip(view_t *self, int64_t seq, char *err, size_t errlen);

/* Returns a counter that grows on every commit that made events visible
   and every report built: unchanged between two calls means the view was
   quiet (nothing allocated or freed for it). Any thread. */
uint64_t view_activity(view_t *self);

/* Returns the number of events staged and not yet committed. */
size_t view_pending(const view_t *self);

/* Commits what is staged and makes it visible to reports. Returns 0 (also
   when nothing was staged), or -1 with the reason in err: then everything
   staged is dropped and view_last_seq is unchanged. */
int view_commit(view_t *self, char *err, size_t errlen);

/* Builds the report as at as_of from the events committed so far. Returns
   a new report (caller owns it: report_destroy; it borrows the catalog),
   or NULL with *error set as report_new sets it. *last_seq (may be NULL)
   gets the last sequence included. Any thread. */
report_t *view_report(view_t *self, rdate_t as_of, int64_t *last_seq, int *error);

/* Builds the report req asks for and renders it into out. Returns
   REPORTREQ_OK, or a REPORTREQ_* code with one sentence in err (see
   reportreq.h; a model that cannot be built is REPORTREQ_EINTERNAL).
   info (may be NULL) is filled in every case. Any thread. */
int view_render(view_t *self, const reportreq_t *req, strbuf_t *out, view_info_t *info, char *err,
                size_t errlen);

#endif
