/*  rules: the entry-into-force rule engine (pure, no I/O, no globals).

    An instrument's final clauses, as data: the catalog file fills a
    rules_rule_t, so an operator adds a treaty with a count-based rule
    without changing code.

    A rules_instrument_t holds one instrument's rule and the raw registry
    events the caller gives it, in any order. rules_instrument_compute()
    derives, as at a date, everything the services report: the number of
    counted instruments and of signatures, the date the threshold was reached
    and the deposits that crossed it, the approaching points, the
    entry-into-force (EIF) date and stage, and every party's own EIF and end
    of participation. The result depends only on the set of events, never on
    the order they were added in.

    Cost: rules_instrument_add is O(log n) amortised (n participants seen
    by this instrument; O(n) when the participant is new to it).
    rules_instrument_compute is O(k + t log t + e log e) in the
    instrument's own k events, t of them added since its last compute and
    e ends of participation (the events are kept in walking order, so one
    new event costs a merge, not a sort), plus O(p log q) when a parent is
    given (p parties here, q parties of the parent, whose result is read,
    not recomputed): independent of every other instrument's history.
    After an event whose seq is not above every seq held (never the case
    for the registry's stream) it is O(k log k) once, and after a new
    retraction O(k log r) once (r retracted seqs). The per-date queries are
    O(log k). Memory is O(k): about 16 bytes an event, 12 per distinct
    participant (ids of 3 characters), and for the last result
    (rules_instrument_release frees it) 28 bytes a participation, 4 a
    signature, 8 a date the count changes on, 4 a participant.

    How events are read (rules_instrument_add):
    - Signatures, the five instruments of consent, denunciations and
      retractions are accepted; anything else is ignored.
    - A retraction (ACTION_RETRACTION, `retracts` = seq) removes the event
      with that seq from every view, whatever the dates: it marks a recording
      error, not a legal act. It may arrive before or after the event it
      retracts, and may be given to every instrument (it only affects an
      event this instrument holds). A retraction of a retraction is ignored.
    - Events with the same seq are one event (re-delivery is harmless).
    - One participant's events are read by date, and within a day in seq
      (recording) order, the order the registry validated them in.
    - A participant's second consent while it is a party is ignored. A
      denunciation of a party sets the end of its participation at receipt +
      denunciation_months; from that date it is no longer counted.
    - A consent after a denunciation (re-accession; the registry accepts
      it, as did the depositary for Trinidad and Tobago in 1998, on the day
      of its denunciation) starts a new participation, listed as a second
      party entry with its own EIF. If it precedes the old end, the old
      participation still ends then, and the participant is counted once
      throughout, never twice.
    - A denunciation by a participant that is not a party, or a second one
      while the first is pending, is ignored.

    How dates are derived (rules_instrument_compute):
    - threshold date: the first date on which the count of counted
      instruments (REIO ones excluded unless reio_counted; ended
      participations excluded from their end date) reaches N. All deposits
      of that day "cross" it, whatever their order.
    - EIF: threshold date + delay_days, then the first of the next month if
      first_of_next_month; then no earlier than the parent's EIF. A parent
      whose EIF is unknown leaves this EIF unknown (waiting_for_parent).
    - a party that deposited on or before the threshold date: the EIF.
      A later party: deposit + later_party_days (then the first of the next
      month if later_party_first_of_next_month), never before the EIF: the
      floor applies whether or not later_party_whichever_later is set
      (DOMAIN rule 5: depositary practice gives the same result where the
      text omits the words), so that field only records the text. Given a
      parent, a party's EIF is also never before its parent party's EIF.

    Usage:
        rules_instrument_t *conv = rules_instrument_new(&untoc_rule);
        rules_instrument_t *tip = rules_instrument_new(&tip_rule);
        ... rules_instrument_add(conv, &ev, is_reio) for each event ...
        rules_status_t cs, ts;
        rules_instrument_compute(conv, today, NULL, &cs);
        rules_instrument_compute(tip, today, conv, &ts);  // parent first
        for (size_t i = 0; i < rules_instrument_party_count(tip); i++)
            rules_instrument_party(tip, i, &party);
        rules_instrument_destroy(&tip);
        rules_instrument_destroy(&conv);
*/
#ifndef RATIFY_RULES_H
#define RATIFY_RULES_H

#include "event.h"
#include "rdate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RULES_APPROACHING_MAX 4

typedef struct {
    int threshold;                        /* N: counted instruments of consent needed */
    int delay_days;                       /* EIF on the D-th day after the N-th deposit */
    bool first_of_next_month;             /* ...then moved to the first day of the next month */
    bool reio_counted;                    /* false: a REIO's instrument is not counted */
    int later_party_days;                 /* later parties: L days after their own deposit */
    bool later_party_first_of_next_month; /* ...then the first of the next month */
    bool later_party_whichever_later;     /* or the instrument's EIF, whichever is later */
    int denunciation_months;              /* a denunciation takes effect this long after receipt */
    int approaching[RULES_APPROACHING_MAX]; /* announce at N - k for each k > 0 listed */
    int approaching_count;
} rules_rule_t;

/* Return codes. */
#define RULES_OK      0
#define RULES_IGNORED 1    /* add: the event has no bearing on this engine */
#define RULES_EINVAL  (-1) /* a NULL argument, a bad date, seq or rule */
#define RULES_ENOMEM  (-2) /* out of memory; the object is left usable */
#define RULES_EPARENT (-3) /* compute: parent not computed at the same as_of */

/* The most distinct participants one instrument accepts events from
   (rules_instrument_add returns RULES_ENOMEM beyond). */
#define RULES_PARTICIPANTS_MAX 65535

/* Bounds rules_rule_check enforces, in their units. */
#define RULES_DELAY_DAYS_MAX          36600
#define RULES_DENUNCIATION_MONTHS_MAX 1200

typedef enum {
    RULES_STAGE_PENDING = 0, /* EIF not known as at the date */
    RULES_STAGE_SCHEDULED,   /* EIF known and after the date */
    RULES_STAGE_IN_FORCE,    /* EIF on or before the date */
} rules_stage_t;

/* The instrument's state as at a date; plain data, owned by the caller. */
typedef struct {
    rdate_t as_of;          /* as given to compute (RDATE_NONE: no cut-off) */
    int counted;            /* counted instruments in force-count at as_of */
    int parties;            /* participants that are parties at as_of (not
                               ended), REIOs included */
    int signatures;         /* participants that had signed by as_of */
    rdate_t threshold_date; /* date the count first reached N, or RDATE_NONE */
    rdate_t own_eif;        /* EIF from this rule alone, or RDATE_NONE */
    rdate_t eif;            /* EIF after the parent's constraint, or RDATE_NONE */
    rules_stage_t stage;
    bool waiting_for_parent; /* threshold reached, parent's EIF unknown */
    int crossing_count;      /* counted deposits on threshold_date */
    /* approaching[i]: date the count first reached N - rule.approaching[i],
       or RDATE_NONE (not yet, or k out of 1..N-1); i < approaching_count. */
    rdate_t approaching[RULES_APPROACHING_MAX];
    int approaching_count;
} rules_status_t;

/* One participation of one participant (a party that denounced and later
   joined again has two); plain data, owned by the caller. */
typedef struct {
    char participant[EVENT_PARTICIPANT_MAX]; /* catalog id */
    action_t action;                         /* the instrument of consent */
    int64_t seq;                             /* its registry seq */
    rdate_t deposit;                         /* its date of deposit */
    bool reio;                               /* deposited by a REIO */
    bool counted;  /* counts toward the threshold (false: REIO, !reio_counted) */
    bool crossing; /* a counted deposit on the threshold date */
    bool later;    /* deposited after the threshold date */
    /* Date the instrument enters (entered) into force for this party, or
       RDATE_NONE while unknown. It may be on or after `end`: then it never
       entered into force for the party. */
    rdate_t eif;
    rdate_t denounced; /* receipt of its own denunciation, or RDATE_NONE */
    /* First day it is no longer a party: its own denunciation's effect, or
       the parent participation's end, whichever is earlier; RDATE_NONE if
       none is known. */
    rdate_t end;
    bool ended_by_parent; /* `end` comes from the parent instrument */
} rules_party_t;

typedef struct rules_instrument_t rules_instrument_t;

/* Returns RULES_OK when the rule can be used: threshold >= 1, delays in
   0..RULES_DELAY_DAYS_MAX, denunciation_months in
   0..RULES_DENUNCIATION_MONTHS_MAX, approaching_count in
   0..RULES_APPROACHING_MAX; RULES_EINVAL otherwise. */
int rules_rule_check(const rules_rule_t *rule);

/* Returns a new, empty instrument with a copy of rule, or NULL when the rule
   fails rules_rule_check or memory runs out. Caller owns it and must
   destroy it with rules_instrument_destroy. */
rules_instrument_t *rules_instrument_new(const rules_rule_t *rule);

/* Destroys the instrument and sets *self_p to NULL. Accepts NULL and a
   pointer to NULL. */
void rules_instrument_destroy(rules_instrument_t **self_p);

/* Returns the instrument's copy of its rule; owned by self. */
const rules_rule_t *rules_instrument_rule(const rules_instrument_t *self);

/* Records one registry event, copied (the caller keeps ev). The caller
   routes events by instrument; the engine does not read ev->instrument.
   participant_is_reio says whether ev's participant is a REIO (read for
   consents). Returns RULES_OK; RULES_IGNORED for an action the engine does
   not use; RULES_EINVAL for a NULL argument, seq < 1, an empty participant
   or a date outside rdate's range (the retraction's own date is not read);
   RULES_ENOMEM (also for a participant beyond RULES_PARTICIPANTS_MAX).
   Invalidates the last compute's result. */
int rules_instrument_add(rules_instrument_t *self, const event_t *ev, bool participant_is_reio);

/* Drops the last compute's result and frees what it held, keeping the
   events: the queries below then answer as with no result, and a child
   cannot be computed against self until self is computed again. For a
   caller that keeps the rules_status_t it needs and has no use for the
   party list until the next compute. Accepts NULL. */
void rules_instrument_release(rules_instrument_t *self);

/* Returns the number of events held (retractions included, duplicates
   not yet merged). */
size_t rules_instrument_event_count(const rules_instrument_t *self);

/* Computes the state as at as_of from the events dated on or before it
   (RDATE_NONE: every event, the stage judged at the end of time) and
   writes it into *out. parent is the instrument this one cannot enter into
   force before (NULL: none); it must have been computed with the same
   as_of and not changed since, so compute parents first. A parent
   denunciation's end also ends the participation its party has here.
   Returns RULES_OK; RULES_EINVAL for NULL self/out or parent == self;
   RULES_EPARENT; RULES_ENOMEM (then no result is held). The result and the
   party list stay readable until the next add or compute. */
int rules_instrument_compute(rules_instrument_t *self, rdate_t as_of,
                             const rules_instrument_t *parent, rules_status_t *out);

/* Returns the number of counted instruments on date, from the events of the
   last compute (ends of participation already known are applied, so dates
   after as_of give the count the known events imply); -1 when there is no
   result. O(log k). */
int rules_instrument_count_at(const rules_instrument_t *self, rdate_t date);

/* Returns the number of participants that had signed on or before date,
   from the events of the last compute; -1 when there is no result. */
int rules_instrument_signatures_at(const rules_instrument_t *self, rdate_t date);

/* Returns the number of party entries of the last compute (0 when there is
   no result), ordered by (deposit, participant, seq). */
size_t rules_instrument_party_count(const rules_instrument_t *self);

/* Copies party entry i into *out. Returns RULES_OK, or RULES_EINVAL when i
   is out of range or there is no result. */
int rules_instrument_party(const rules_instrument_t *self, size_t i, rules_party_t *out);

/* Returns the participant id of the i-th deposit that crossed the threshold
   (i < status.crossing_count, ordered by participant id), or NULL. Owned by
   self; valid until the next add, compute or destroy. */
const char *rules_instrument_crossing(const rules_instrument_t *self, size_t i);

#endif
