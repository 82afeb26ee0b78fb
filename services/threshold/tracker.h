/*  tracker: which milestones an instrument's new status makes due (pure,
    no I/O, no globals).

    The threshold service recomputes an instrument after each event and
    asks the tracker what to announce, given the status the rule engine
    computed as at today and what was already announced for the
    instrument (tracker_announced_t, rebuilt at start from the service's
    milestones table with tracker_note). The rules, checked in this order:

      threshold.approaching k  the threshold is not reached, the count is
                               in N-k .. N-1 (k from rule.approaching,
                               1 <= k < N) and k was not announced; largest
                               k first;
      threshold.reached        the threshold date is known and no reached is
                               standing (a threshold date that becomes
                               unknown again, after a retraction, clears
                               the standing one);
      entry_into_force.scheduled  the EIF is known and none was ever
                               announced for the instrument;
      entry_into_force.revised the EIF (a date, or unknown) differs from the
                               last one announced by scheduled or revised;
      entry_into_force.effective  the EIF is known, on or before today,
                               and not the date last announced effective.

    Each due milestone carries what its deterministic id is made of (kind,
    level, date: see milestone_make_id), and the tracker notes it as
    announced at once. The caller also drops a due milestone whose id it
    already published (a threshold reached again on the same date after a
    retraction and a new deposit, say): an id is emitted once, so a restart, a replay, a repeated
    event or a change of mind (retract, deposit again) never produces a
    second milestone with the same id, nor one with a new id for the same
    fact. A revision is the exception: it is due only when the EIF differs
    from the last one announced, so it is always news, and one back to a
    date (or "none") an earlier revision announced gets that id's next
    repetition ("<id>/2", ...; threshold.c) instead of being dropped, which
    would leave subscribers with the date in between. Cost:
    O(RULES_APPROACHING_MAX), no allocation. */
#ifndef RATIFY_THRESHOLD_TRACKER_H
#define RATIFY_THRESHOLD_TRACKER_H

#include "milestone.h"
#include "rules.h"

#include <stdbool.h>
#include <stddef.h>

/* The most milestones one status can make due: every approaching level,
   reached, scheduled or revised, effective. */
#define TRACKER_DUE_MAX (RULES_APPROACHING_MAX + 3)

/* What was announced for one instrument; plain data owned by the caller. */
typedef struct {
    int approaching[RULES_APPROACHING_MAX]; /* levels k announced (N-k) */
    int napproaching;
    bool reached;      /* a threshold.reached stands */
    bool scheduled;    /* an entry_into_force.scheduled was announced */
    rdate_t eif;       /* the EIF last announced by scheduled or revised
                          (RDATE_NONE: "no longer known", or nothing yet) */
    rdate_t effective; /* the EIF last announced effective, or RDATE_NONE */
} tracker_announced_t;

/* One milestone that is due. */
typedef struct {
    milestone_kind_t kind;
    int level;    /* approaching: k (the count reached N-k); else 0 */
    rdate_t date; /* what the id is about (RDATE_NONE: "none"); for
                     approaching, the date the count reached N-k as far as
                     the engine knows (not part of the id) */
} tracker_due_t;

/* Sets *a to "nothing announced". */
void tracker_announced_init(tracker_announced_t *a);

/* Writes into out[0..TRACKER_DUE_MAX) the milestones due for the status st
   (computed as at today under rule) given what *a records, in the order to
   emit them, and notes each in *a. Returns how many. Pure. */
size_t tracker_step(const rules_rule_t *rule, const rules_status_t *st, rdate_t today,
                    tracker_announced_t *a, tracker_due_t *out);

/* Records in *a a milestone announced earlier (one row of the milestones
   table, read in sequence order at start): its kind, level (approaching)
   and date. */
void tracker_note(tracker_announced_t *a, milestone_kind_t kind, int level, rdate_t date);

#endif
