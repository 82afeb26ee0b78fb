/*  event: one entry of the registry's append-only log, and the actions a
    participant can take.

    Every service that reads the registry's stream (threshold, notifier,
    reporter) works on this one value type. Instruments and participants are
    named by their stable catalog ids ("UNTOC", "SRB"), never by a display
    name, so a later change of name never changes history. */
#ifndef RATIFY_EVENT_H
#define RATIFY_EVENT_H

#include "rdate.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    ACTION_NONE = 0,
    ACTION_SIGNATURE,
    ACTION_RATIFICATION,
    ACTION_ACCEPTANCE,
    ACTION_APPROVAL,
    ACTION_ACCESSION,
    ACTION_SUCCESSION,
    ACTION_DENUNCIATION,
    ACTION_RETRACTION, /* marks the event `retracts` as erroneous */
} action_t;

#define EVENT_INSTRUMENT_MAX  32  /* catalog id, NUL included */
#define EVENT_PARTICIPANT_MAX 16  /* catalog id, NUL included */
#define EVENT_REASON_MAX      512 /* retraction reason, NUL included */

typedef struct {
    int64_t seq; /* registry sequence number, 1-based */
    action_t action;
    char instrument[EVENT_INSTRUMENT_MAX];
    char participant[EVENT_PARTICIPANT_MAX];
    rdate_t date;                  /* date of the act; for a retraction, the day it was recorded */
    int64_t retracts;              /* ACTION_RETRACTION only: seq of the retracted event */
    char reason[EVENT_REASON_MAX]; /* ACTION_RETRACTION only */
    int64_t recorded_ms;           /* wall-clock time the registry stored it (Unix ms) */
} event_t;

/* Returns the protocol name of an action ("ratification"), or "" for
   ACTION_NONE. Static string. */
const char *action_name(action_t action);

/* Returns the action named by text (case-insensitive; protocol names only),
   or ACTION_NONE. */
action_t action_parse(const char *text);

/* Returns true for the instruments of consent that count toward entry into
   force: ratification, acceptance, approval, accession, succession. */
bool action_is_consent(action_t action);

/* Returns the letter UNTC status tables print after the date: "A", "AA",
   "a", "d", or "" for ratification and every other action. Static string. */
const char *action_untc_suffix(action_t action);

#endif
