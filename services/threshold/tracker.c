/*  tracker: the emission rules, as a pure function of (rule, status,
    announced, today). See tracker.h for the rules; here only how. */
#include "tracker.h"

#include <string.h>

void
tracker_announced_init(tracker_announced_t *a)
{
    memset(a, 0, sizeof *a);
    a->eif = RDATE_NONE;
    a->effective = RDATE_NONE;
}

static bool
s_level_announced(const tracker_announced_t *a, int level)
{
    for (int i = 0; i < a->napproaching; i++)
        if (a->approaching[i] == level)
            return true;
    return false;
}

void
tracker_note(tracker_announced_t *a, milestone_kind_t kind, int level, rdate_t date)
{
    switch (kind) {
    case MILESTONE_APPROACHING:
        /* beyond RULES_APPROACHING_MAX levels (the catalog changed), the
           caller's check of published ids still holds */
        if (!s_level_announced(a, level) && a->napproaching < RULES_APPROACHING_MAX)
            a->approaching[a->napproaching++] = level;
        break;
    case MILESTONE_REACHED:
        a->reached = true;
        break;
    case MILESTONE_SCHEDULED:
    case MILESTONE_REVISED: /* a revision implies an announced date */
        a->scheduled = true;
        a->eif = date;
        break;
    case MILESTONE_EFFECTIVE:
        a->effective = date;
        break;
    default:
        break;
    }
}

/* Appends one due milestone and notes it. */
static size_t
s_due(tracker_due_t *out, size_t n, tracker_announced_t *a, milestone_kind_t kind, int level,
      rdate_t date)
{
    out[n] = (tracker_due_t){.kind = kind, .level = level, .date = date};
    tracker_note(a, kind, level, date);
    return n + 1;
}

size_t
tracker_step(const rules_rule_t *rule, const rules_status_t *st, rdate_t today,
             tracker_announced_t *a, tracker_due_t *out)
{
    size_t n = 0;
    const int threshold = rule->threshold;

    if (st->threshold_date == RDATE_NONE) {
        a->reached = false; /* lost (a retraction): a new reached may follow */
        /* approaching levels not yet announced, largest k (the earlier
           level) first; the engine's approaching[i] pairs with
           rule->approaching[i] */
        const int count = rule->approaching_count < st->approaching_count ? rule->approaching_count
                                                                          : st->approaching_count;
        bool taken[RULES_APPROACHING_MAX] = {false}; /* ends the loop even when
                                                        *a is full */
        for (;;) {
            int best = -1;
            for (int i = 0; i < count && i < RULES_APPROACHING_MAX; i++) {
                const int k = rule->approaching[i];
                if (taken[i] || k < 1 || k >= threshold || s_level_announced(a, k))
                    continue;
                if (st->counted >= threshold - k && st->counted < threshold
                    && (best < 0 || k > rule->approaching[best]))
                    best = i;
            }
            if (best < 0)
                break;
            taken[best] = true;
            bool repeated = false; /* a level listed twice, *a full */
            for (size_t j = 0; j < n; j++)
                repeated |= out[j].level == rule->approaching[best];
            if (!repeated)
                n = s_due(out, n, a, MILESTONE_APPROACHING, rule->approaching[best],
                          st->approaching[best]);
        }
    }
    else if (!a->reached)
        n = s_due(out, n, a, MILESTONE_REACHED, 0, st->threshold_date);

    if (!a->scheduled) {
        if (st->eif != RDATE_NONE)
            n = s_due(out, n, a, MILESTONE_SCHEDULED, 0, st->eif);
    }
    else if (st->eif != a->eif)
        n = s_due(out, n, a, MILESTONE_REVISED, 0, st->eif);

    if (st->eif != RDATE_NONE && today != RDATE_NONE && st->eif <= today && st->eif != a->effective)
        n = s_due(out, n, a, MILESTONE_EFFECTIVE, 0, st->eif);
    return n;
}
