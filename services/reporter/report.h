/*  report: the reporter's model of the ratification status as at a date.

    A report is rebuilt from scratch, for any date, from the catalog and the
    registry's event log: nothing is stored between two reports, so a
    correction in the log (a retraction) or a report for a past date never
    needs a migration. Building one is pure (no I/O, no clock); the
    renderers (render_*.h, svg.h) turn it into text.

    What the model holds, per catalog instrument, as at the date:
    - the counts the seed's table A prints (signatories; instruments of
      consent of the current parties), the counted total the threshold
      reads, and the rule engine's threshold and entry-into-force (EIF)
      dates and stage (common/rules.h);
    - the deposit list the annex tables B.. print: one entry per
      participation not ended by the date, in deposit order, deposits of
      one day in registry sequence order (the order the depositary
      recorded them), each with the participant's name in use on the date
      and its own EIF;
    - one status row per participant that signed or deposited (the UNTC
      status table), sorted by the name in use on the date;
    - footnotes: a participant whose name changed after its act and on or
      before the date carries a mark to the sentence from
      catalog_rename_sentence ("On 4 February 2003, the Federal Republic
      of Yugoslavia changed its name to Serbia and Montenegro."); a
      denunciation is a status-table footnote too. Marks are lettered per
      table in order of first use, as the seed's annex does;
    - the cumulative counted instruments over time (a step series) and, for
      an instrument not yet known to enter into force, a projection (see
      report_projection_t for the method).

    How events are read: a retraction removes the event it names whatever
    the dates (it marks a recording error); a retraction of a retraction is
    ignored; events dated after the as-at date are left out; an event whose
    instrument or participant the catalog does not know is skipped and
    counted (report_skipped). Signatures are read here; instruments of
    consent and denunciations go to the rule engine, whose party list is
    authoritative (a second consent while a party, a re-accession...).

    Cost: O(e log e) in the events e, plus one rule-engine compute per
    instrument. The report borrows the catalog, which must outlive it; every
    pointer an accessor returns is owned by the report and lives until
    report_destroy. */
#ifndef RATIFY_REPORT_H
#define RATIFY_REPORT_H

#include "catalog.h"
#include "event.h"
#include "evtab.h"
#include "rdate.h"
#include "rules.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes of report_new (through *error) and of the renderers. */
#define REPORT_OK     0
#define REPORT_EINVAL (-1) /* a NULL argument or a date out of range */
#define REPORT_ENOMEM (-2) /* out of memory */
#define REPORT_EENGINE                                                                             \
    (-3) /* the rule engine refused a rule (or a cycle of
                               parents): the catalog is inconsistent */

/* The projection reads the deposits of this many days before the date. */
#define REPORT_PROJECTION_WINDOW_DAYS 365
/* Footnote marks one deposit or status row carries at most (a participant
   renamed more often within one report keeps the first ones). */
#define REPORT_MARKS_MAX 8

/* One entry of an annex list (tables B..): a participation not ended. */
typedef struct {
    const char *participant;     /* catalog id */
    const char *name;            /* the name in use on the as-at date */
    action_t action;             /* the instrument of consent */
    rdate_t deposit;             /* its date of deposit */
    int64_t seq;                 /* its registry seq */
    bool counted;                /* counts toward the threshold */
    bool reio;                   /* deposited by a REIO */
    rdate_t eif;                 /* EIF for this party, or RDATE_NONE */
    int marks[REPORT_MARKS_MAX]; /* report_annex_footnote indexes */
    int mark_count;
} report_deposit_t;

/* One row of the UNTC status table: a participant that signed or
   deposited on or before the date. */
typedef struct {
    const char *participant;     /* catalog id */
    const char *name;            /* the name in use on the as-at date */
    rdate_t signature;           /* first signature, or RDATE_NONE */
    action_t action;             /* its latest instrument of consent, or ACTION_NONE */
    rdate_t consent;             /* that instrument's deposit, or RDATE_NONE */
    rdate_t eif;                 /* EIF for this party, or RDATE_NONE */
    rdate_t denounced;           /* receipt of its denunciation, or RDATE_NONE */
    rdate_t end;                 /* first day no longer a party, or RDATE_NONE */
    int marks[REPORT_MARKS_MAX]; /* report_status_footnote indexes */
    int mark_count;
} report_row_t;

/* One step of the cumulative series: from `date` on, `count` counted
   instruments (until the next point). */
typedef struct {
    rdate_t date;
    int count;
} report_point_t;

/* When an instrument not yet known to enter into force may reach its
   threshold. Method: the net number n of counted instruments gained in
   the window_days days ending on the date, (date - window_days, date],
   is taken as the rate; the r instruments
   still needed then take ceil(r * window_days / n) days. The EIF follows
   from the instrument's rule and is never before the parent's EIF (known
   or projected). */
typedef struct {
    bool available;         /* false: in force or scheduled, or n <= 0 */
    const char *method;     /* one sentence stating the method; static */
    int window_days;        /* REPORT_PROJECTION_WINDOW_DAYS */
    int window_deposits;    /* n (net, may be 0 or negative) */
    int remaining;          /* r: instruments still needed (0 if reached) */
    rdate_t threshold_date; /* projected (or actual, if reached) */
    rdate_t eif;            /* projected EIF, or RDATE_NONE when the parent's
                             EIF can be neither known nor projected */
} report_projection_t;

/* One instrument's figures as at the date. */
typedef struct {
    const char *id;          /* catalog id ("UNTOC") */
    const char *reference;   /* UNTC reference ("XVIII-12") */
    const char *title;       /* full title */
    const char *short_title; /* short title (the title when none) */
    const char *parent;      /* parent's catalog id, or NULL */
    int threshold;           /* N of the rule */
    int delay_days;          /* D of the rule */
    int signatures;          /* signatories as at the date */
    int deposits;            /* entries of the annex list (current parties) */
    int counted;             /* counted toward the threshold, at the date */
    rdate_t threshold_date;  /* date N was reached, or RDATE_NONE */
    rdate_t eif;             /* EIF, or RDATE_NONE while unknown */
    rules_stage_t stage;
    bool waiting_for_parent; /* threshold reached, parent's EIF unknown */
    report_projection_t projection;
} report_instrument_t;

typedef struct _report_t report_t;

/* Builds the report as at as_of from the catalog (borrowed: it must
   outlive the report) and count events (copied as needed; events may be
   NULL when count is 0; they are read into a compact table, evtab.h,
   24 bytes each, for the call). Returns a new report (caller owns it:
   report_destroy), or NULL with *error set to REPORT_EINVAL (NULL catalog,
   as_of not a valid date), REPORT_ENOMEM or REPORT_EENGINE. error may be
   NULL; it is set to REPORT_OK on success. */
report_t *report_new(const catalog_t *catalog, const event_t *events, size_t count, rdate_t as_of,
                     int *error);

/* Builds the report as at as_of from the first count events of a compact
   table (evtab.h; borrowed for the call only), with the table's catalog
   (borrowed: it must outlive the report). Reads events as report_new does
   and gives the same report. Returns a new report (caller owns it:
   report_destroy), or NULL with *error set to REPORT_EINVAL (NULL table,
   count beyond the table, as_of not a valid date), REPORT_ENOMEM or
   REPORT_EENGINE. error may be NULL. */
report_t *report_new_from_table(const evtab_t *events, size_t count, rdate_t as_of, int *error);

/* Destroys the report and sets *self_p to NULL. Accepts NULL and a pointer
   to NULL. */
void report_destroy(report_t **self_p);

/* Returns the as-at date. */
rdate_t report_as_of(const report_t *self);

/* Returns the catalog the report was built from (borrowed). */
const catalog_t *report_catalog(const report_t *self);

/* Returns the report's title, e.g. "Status of ratifications of the United
   Nations Convention against Transnational Organized Crime and the
   Protocols thereto as at 2 July 2003". Owned by the report. */
const char *report_title(const report_t *self);

/* Returns the number of events skipped because the catalog knows neither
   their instrument nor their participant, or the rule engine refused them
   (seq < 1, date out of range). */
size_t report_skipped(const report_t *self);

/* Returns the number of instruments (the catalog's, in its order). */
size_t report_instrument_count(const report_t *self);

/* Returns instrument i's figures, or NULL when i is out of range. Owned by
   the report. */
const report_instrument_t *report_instrument(const report_t *self, size_t i);

/* Return the length of instrument i's annex list, and its entry j (NULL
   when out of range; owned by the report). */
size_t report_deposit_count(const report_t *self, size_t i);
const report_deposit_t *report_deposit(const report_t *self, size_t i, size_t j);

/* Return the number of footnotes of instrument i's annex list, and the
   text of footnote k (mark report_mark(k)), or NULL when out of range.
   Owned by the report. */
size_t report_annex_footnote_count(const report_t *self, size_t i);
const char *report_annex_footnote(const report_t *self, size_t i, size_t k);

/* Return the number of status rows of instrument i, and row j (NULL when
   out of range; owned by the report). */
size_t report_row_count(const report_t *self, size_t i);
const report_row_t *report_row(const report_t *self, size_t i, size_t j);

/* Return the number of footnotes of instrument i's status table, and the
   text of footnote k, or NULL. Owned by the report. */
size_t report_status_footnote_count(const report_t *self, size_t i);
const char *report_status_footnote(const report_t *self, size_t i, size_t k);

/* Return the number of steps of instrument i's cumulative series (dates
   on or before the as-at date where the counted total changed, oldest
   first), and step j (NULL when out of range; owned by the report). */
size_t report_point_count(const report_t *self, size_t i);
const report_point_t *report_point(const report_t *self, size_t i, size_t j);

/* Writes footnote mark k into buf: "a".."z", then "aa", "ab"... Returns
   buf ("" when len is too small). A buffer of 16 bytes always suffices. */
char *report_mark(size_t k, char *buf, size_t len);

/* Returns a static name for a stage: "pending", "scheduled", "in force". */
const char *report_stage_name(rules_stage_t stage);

#endif
