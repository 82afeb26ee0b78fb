/*  rules: the entry-into-force rule engine.

    The instrument keeps a slim copy of each event it is given (no reason
    text) in an append-only array; nothing is derived on add, so events may
    arrive in any order and a retraction may precede what it retracts.
    compute() rebuilds the whole result from that set in five passes:

    1. drop retracted events (a sorted array of retracted seqs, binary
       searched) and those dated after as_of; merge duplicates of one seq;
    2. sort by (participant, date, seq) and walk each participant's
       history once: first signature, participations (consent ... end),
       second consents and stray denunciations ignored; a participation
       opened here looks up, in the parent's last result, the parent
       participation in effect on its deposit date, whose end also ends it;
    3. sweep the +1 (deposit) / -1 (end) changes of counted participations,
       merged per participant, in date order into a step function of the count, which gives the
       threshold date, the approaching dates and count_at();
    4. derive the general EIF (delay, first of next month, parent's EIF),
       then each party's EIF;
    5. list the parties by (deposit, participant, seq).

    Every sort key ends in the registry seq, unique once duplicates are
    merged, so the result is a function of the set of events alone. Same-day
    deposits all land in one step of the sweep, so the threshold date does
    not depend on their order. Cost: O(k log k) in this instrument's k
    events, plus O(log q) per participation for the parent lookup; nothing
    is shared between instruments. The result is rebuilt in full on each
    compute: simpler to prove right than incremental upkeep, and cheap at a
    depositary's scale (a few hundred events per instrument). */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULES_INITIAL_EVENTS 64

/* One event as the engine needs it. */
typedef struct {
    int64_t seq;
    int64_t retracts; /* ACTION_RETRACTION only */
    rdate_t date;
    action_t action;
    bool reio;
    char participant[EVENT_PARTICIPANT_MAX];
} rec_t;

/* A participation, participant-major; parent_eif is the parent party's own
   EIF (RDATE_NONE when unknown or not a parent party). */
typedef struct {
    rules_party_t pub;
    rdate_t parent_eif;
} spell_t;

/* Count of counted instruments from `date` on, until the next step. */
typedef struct {
    rdate_t date;
    int count;
} step_t;

typedef struct {
    rdate_t date;
    int delta;
} change_t;

struct rules_instrument_t {
    rules_rule_t rule;
    rec_t *recs;
    size_t nrecs;
    size_t caprecs;

    /* The last compute's result; valid while `computed`. */
    bool computed;
    rdate_t as_of;
    rdate_t eif;
    spell_t *spells; /* by (participant, deposit) */
    size_t nspells;
    rules_party_t *parties; /* by (deposit, participant, seq) */
    size_t *crossing;       /* indices into spells */
    size_t ncrossing;
    rdate_t *sigs; /* first-signature dates, sorted */
    size_t nsigs;
    step_t *steps; /* by date */
    size_t nsteps;
};

/* --- small helpers ------------------------------------------------------ */

static int
s_cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static int
s_cmp_date(const void *a, const void *b)
{
    const rdate_t x = *(const rdate_t *) a, y = *(const rdate_t *) b;
    return (x > y) - (x < y);
}

static int
s_cmp_change(const void *a, const void *b)
{
    const change_t *x = a, *y = b;
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    return (x->delta > y->delta) - (x->delta < y->delta);
}

/* Full order on records with seq first: duplicates of one seq become
   adjacent, and the one kept does not depend on input order. */
static int
s_cmp_rec_seq(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    if (x->seq != y->seq)
        return (x->seq > y->seq) - (x->seq < y->seq);
    if (x->action != y->action)
        return (x->action > y->action) - (x->action < y->action);
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    const int c = strcmp(x->participant, y->participant);
    if (c)
        return c;
    if (x->reio != y->reio)
        return x->reio ? 1 : -1;
    return (x->retracts > y->retracts) - (x->retracts < y->retracts);
}

/* A participant's history by date, and within one day in the registry's
   recording order (seq), the order in which the registry validated it: a
   denunciation then a consent on one day is a re-accession. */
static int
s_cmp_rec_walk(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    const int c = strcmp(x->participant, y->participant);
    if (c)
        return c;
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
s_cmp_party(const void *a, const void *b)
{
    const rules_party_t *x = a, *y = b;
    if (x->deposit != y->deposit)
        return (x->deposit > y->deposit) - (x->deposit < y->deposit);
    const int c = strcmp(x->participant, y->participant);
    if (c)
        return c;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static rdate_t
s_later(rdate_t a, rdate_t b)
{
    if (a == RDATE_NONE)
        return b;
    if (b == RDATE_NONE)
        return a;
    return a > b ? a : b;
}

static bool
s_valid_date(rdate_t date)
{
    return rdate_to_ymd(date, NULL, NULL, NULL) == 0;
}

static void
s_clear_result(rules_instrument_t *self)
{
    free(self->spells);
    free(self->parties);
    free(self->crossing);
    free(self->sigs);
    free(self->steps);
    self->spells = NULL;
    self->parties = NULL;
    self->crossing = NULL;
    self->sigs = NULL;
    self->steps = NULL;
    self->nspells = self->ncrossing = self->nsigs = self->nsteps = 0;
    self->computed = false;
    self->eif = RDATE_NONE;
}

/* Returns the parent participation of participant in effect on date (its
   deposit on or before date, its end after it), or NULL. O(log q). */
static const spell_t *
s_parent_spell(const rules_instrument_t *parent, const char *participant,
               rdate_t date)
{
    size_t lo = 0, hi = parent->nspells;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (strcmp(parent->spells[mid].pub.participant, participant) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const spell_t *found = NULL;
    for (size_t i = lo; i < parent->nspells; i++) {
        const rules_party_t *p = &parent->spells[i].pub;
        if (strcmp(p->participant, participant) != 0)
            break;
        if (p->deposit <= date && (p->end == RDATE_NONE || p->end > date))
            found = &parent->spells[i];
    }
    return found;
}

/* Returns the last step's count on or before date (0 before the first). */
static int
s_count_at(const step_t *steps, size_t nsteps, rdate_t date)
{
    size_t lo = 0, hi = nsteps;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (steps[mid].date <= date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : steps[lo - 1].count;
}

/* Returns the first step date whose count is at least target, or
   RDATE_NONE. */
static rdate_t
s_first_reaching(const step_t *steps, size_t nsteps, int target)
{
    for (size_t i = 0; i < nsteps; i++)
        if (steps[i].count >= target)
            return steps[i].date;
    return RDATE_NONE;
}

/* --- compute passes ----------------------------------------------------- */

/* Pass 1: copies into *work_p the records that apply as at cutoff.
   Returns the count, or -1 on allocation failure. */
static long
s_filter(const rules_instrument_t *self, rdate_t cutoff, rec_t **work_p)
{
    *work_p = NULL;
    size_t nretracted = 0;
    int64_t *retracted = malloc((self->nrecs ? self->nrecs : 1) * sizeof *retracted);
    rec_t *work = malloc((self->nrecs ? self->nrecs : 1) * sizeof *work);
    if (!retracted || !work) {
        free(retracted);
        free(work);
        return -1;
    }
    for (size_t i = 0; i < self->nrecs; i++)
        if (self->recs[i].action == ACTION_RETRACTION)
            retracted[nretracted++] = self->recs[i].retracts;
    qsort(retracted, nretracted, sizeof *retracted, s_cmp_i64);

    size_t n = 0;
    for (size_t i = 0; i < self->nrecs; i++) {
        const rec_t *r = &self->recs[i];
        if (r->action == ACTION_RETRACTION || r->date > cutoff)
            continue;
        if (nretracted
            && bsearch(&r->seq, retracted, nretracted, sizeof *retracted,
                       s_cmp_i64))
            continue;
        work[n++] = *r;
    }
    free(retracted);

    qsort(work, n, sizeof *work, s_cmp_rec_seq);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || work[kept - 1].seq != work[i].seq)
            work[kept++] = work[i];
    qsort(work, kept, sizeof *work, s_cmp_rec_walk);
    *work_p = work;
    return (long) kept;
}

/* Pass 2: walks each participant's history into self->spells and
   self->sigs. Returns RULES_OK or RULES_ENOMEM. */
static int
s_walk(rules_instrument_t *self, const rec_t *work, size_t n,
       const rules_instrument_t *parent)
{
    const size_t cap = n ? n : 1;
    self->spells = malloc(cap * sizeof *self->spells);
    self->sigs = malloc(cap * sizeof *self->sigs);
    if (!self->spells || !self->sigs)
        return RULES_ENOMEM;

    size_t i = 0;
    while (i < n) {
        const char *who = work[i].participant;
        rdate_t first_signature = RDATE_NONE;
        spell_t *active = NULL;
        for (; i < n && strcmp(work[i].participant, who) == 0; i++) {
            const rec_t *r = &work[i];
            if (r->action == ACTION_SIGNATURE) {
                if (first_signature == RDATE_NONE)
                    first_signature = r->date;
            }
            else if (action_is_consent(r->action)) {
                if (active && active->pub.denounced == RDATE_NONE
                    && (active->pub.end == RDATE_NONE || r->date < active->pub.end))
                    continue; /* a second consent while a party */
                spell_t *s = &self->spells[self->nspells++];
                memset(s, 0, sizeof *s);
                memcpy(s->pub.participant, r->participant,
                       sizeof s->pub.participant);
                s->pub.action = r->action;
                s->pub.seq = r->seq;
                s->pub.deposit = r->date;
                s->pub.reio = r->reio;
                s->pub.counted = !r->reio || self->rule.reio_counted;
                s->pub.eif = RDATE_NONE;
                s->pub.denounced = RDATE_NONE;
                s->pub.end = RDATE_NONE;
                s->parent_eif = RDATE_NONE;
                if (parent) {
                    const spell_t *ps = s_parent_spell(parent, who, r->date);
                    if (ps) {
                        s->parent_eif = ps->pub.eif;
                        if (ps->pub.end != RDATE_NONE) {
                            s->pub.end = ps->pub.end;
                            s->pub.ended_by_parent = true;
                        }
                    }
                }
                active = s;
            }
            else if (r->action == ACTION_DENUNCIATION) {
                if (!active || active->pub.denounced != RDATE_NONE)
                    continue;
                if (active->pub.end != RDATE_NONE && r->date >= active->pub.end)
                    continue; /* no longer a party */
                const rdate_t effect =
                    rdate_add_months(r->date, self->rule.denunciation_months);
                active->pub.denounced = r->date;
                if (effect != RDATE_NONE
                    && (active->pub.end == RDATE_NONE || effect <= active->pub.end)) {
                    active->pub.end = effect;
                    active->pub.ended_by_parent = false;
                }
            }
        }
        if (first_signature != RDATE_NONE)
            self->sigs[self->nsigs++] = first_signature;
    }
    qsort(self->sigs, self->nsigs, sizeof *self->sigs, s_cmp_date);
    return RULES_OK;
}

/* Pass 3: the count as a step function of the date. Returns RULES_OK or
   RULES_ENOMEM. */
static int
s_sweep(rules_instrument_t *self)
{
    const size_t cap = self->nspells ? 2 * self->nspells : 1;
    change_t *changes = malloc(cap * sizeof *changes);
    self->steps = malloc(cap * sizeof *self->steps);
    if (!changes || !self->steps) {
        free(changes);
        return RULES_ENOMEM;
    }
    /* A participant counts once while any of its counted participations
       runs: a re-accession during a pending denunciation overlaps the old
       participation, so each participant's spans are merged first. */
    size_t nchanges = 0;
    for (size_t i = 0; i < self->nspells;) {
        const char *who = self->spells[i].pub.participant;
        bool open = false;
        rdate_t start = RDATE_NONE, end = RDATE_NONE;
        for (; i < self->nspells && strcmp(self->spells[i].pub.participant, who) == 0; i++) {
            const rules_party_t *p = &self->spells[i].pub;
            if (!p->counted)
                continue;
            if (open && (end == RDATE_NONE || p->deposit < end)) {
                if (end != RDATE_NONE && (p->end == RDATE_NONE || p->end > end))
                    end = p->end;
                continue;
            }
            if (open) {
                changes[nchanges++] = (change_t){start, +1};
                changes[nchanges++] = (change_t){end, -1};
            }
            open = true;
            start = p->deposit;
            end = p->end;
        }
        if (open) {
            changes[nchanges++] = (change_t){start, +1};
            if (end != RDATE_NONE)
                changes[nchanges++] = (change_t){end, -1};
        }
    }
    qsort(changes, nchanges, sizeof *changes, s_cmp_change);
    int count = 0;
    for (size_t i = 0; i < nchanges;) {
        const rdate_t date = changes[i].date;
        for (; i < nchanges && changes[i].date == date; i++)
            count += changes[i].delta;
        self->steps[self->nsteps++] = (step_t){date, count};
    }
    free(changes);
    return RULES_OK;
}

/* Pass 4 (per party): the date the instrument enters into force for p. */
static rdate_t
s_party_eif(const rules_rule_t *rule, const spell_t *s, rdate_t threshold,
            rdate_t eif)
{
    if (threshold == RDATE_NONE || eif == RDATE_NONE)
        return RDATE_NONE;
    rdate_t own = eif;
    if (s->pub.deposit > threshold) {
        /* Never before the instrument's own EIF (DOMAIN rule 5), whether or
           not the text says "whichever is later". */
        rdate_t t = rdate_add_days(s->pub.deposit, rule->later_party_days);
        if (rule->later_party_first_of_next_month)
            t = rdate_first_of_next_month(t);
        own = t == RDATE_NONE ? RDATE_NONE : s_later(t, eif);
    }
    if (own != RDATE_NONE && s->parent_eif != RDATE_NONE)
        own = s_later(own, s->parent_eif);
    return own;
}

/* --- public API --------------------------------------------------------- */

int
rules_rule_check(const rules_rule_t *rule)
{
    if (!rule || rule->threshold < 1)
        return RULES_EINVAL;
    if (rule->delay_days < 0 || rule->delay_days > RULES_DELAY_DAYS_MAX)
        return RULES_EINVAL;
    if (rule->later_party_days < 0 || rule->later_party_days > RULES_DELAY_DAYS_MAX)
        return RULES_EINVAL;
    if (rule->denunciation_months < 0
        || rule->denunciation_months > RULES_DENUNCIATION_MONTHS_MAX)
        return RULES_EINVAL;
    if (rule->approaching_count < 0 || rule->approaching_count > RULES_APPROACHING_MAX)
        return RULES_EINVAL;
    return RULES_OK;
}

rules_instrument_t *
rules_instrument_new(const rules_rule_t *rule)
{
    if (rules_rule_check(rule) != RULES_OK)
        return NULL;
    rules_instrument_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->rule = *rule;
    self->as_of = RDATE_NONE;
    self->eif = RDATE_NONE;
    return self;
}

void
rules_instrument_destroy(rules_instrument_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rules_instrument_t *self = *self_p;
    s_clear_result(self);
    free(self->recs);
    free(self);
    *self_p = NULL;
}

const rules_rule_t *
rules_instrument_rule(const rules_instrument_t *self)
{
    return self ? &self->rule : NULL;
}

int
rules_instrument_add(rules_instrument_t *self, const event_t *ev,
                     bool participant_is_reio)
{
    if (!self || !ev || ev->seq < 1)
        return RULES_EINVAL;
    const bool retraction = ev->action == ACTION_RETRACTION;
    if (retraction) {
        if (ev->retracts < 1)
            return RULES_EINVAL;
    }
    else if (ev->action == ACTION_SIGNATURE || action_is_consent(ev->action)
             || ev->action == ACTION_DENUNCIATION) {
        if (!memchr(ev->participant, '\0', sizeof ev->participant)
            || ev->participant[0] == '\0' || !s_valid_date(ev->date))
            return RULES_EINVAL;
    }
    else
        return RULES_IGNORED;

    if (self->nrecs == self->caprecs) {
        const size_t cap = self->caprecs ? 2 * self->caprecs : RULES_INITIAL_EVENTS;
        rec_t *grown = realloc(self->recs, cap * sizeof *grown);
        if (!grown)
            return RULES_ENOMEM;
        self->recs = grown;
        self->caprecs = cap;
    }
    rec_t *r = &self->recs[self->nrecs++];
    memset(r, 0, sizeof *r);
    r->seq = ev->seq;
    r->action = ev->action;
    if (retraction) {
        r->retracts = ev->retracts;
        r->date = RDATE_NONE;
    }
    else {
        r->date = ev->date;
        r->reio = participant_is_reio;
        memcpy(r->participant, ev->participant, sizeof r->participant);
    }
    self->computed = false;
    return RULES_OK;
}

size_t
rules_instrument_event_count(const rules_instrument_t *self)
{
    return self ? self->nrecs : 0;
}

int
rules_instrument_compute(rules_instrument_t *self, rdate_t as_of,
                         const rules_instrument_t *parent, rules_status_t *out)
{
    if (!self || !out || parent == self)
        return RULES_EINVAL;
    if (parent && (!parent->computed || parent->as_of != as_of))
        return RULES_EPARENT;
    s_clear_result(self);

    /* The date the stage is judged on, and the events' cut-off. */
    const rdate_t ref = as_of == RDATE_NONE ? INT32_MAX : as_of;
    rec_t *work = NULL;
    const long n = s_filter(self, ref, &work);
    if (n < 0)
        return RULES_ENOMEM;
    int rc = s_walk(self, work, (size_t) n, parent);
    free(work);
    if (rc == RULES_OK)
        rc = s_sweep(self);
    if (rc == RULES_OK) {
        self->parties = malloc((self->nspells ? self->nspells : 1) * sizeof *self->parties);
        self->crossing = malloc((self->nspells ? self->nspells : 1) * sizeof *self->crossing);
        if (!self->parties || !self->crossing)
            rc = RULES_ENOMEM;
    }
    if (rc != RULES_OK) {
        s_clear_result(self);
        return rc;
    }

    const rules_rule_t *rule = &self->rule;
    rules_status_t st;
    memset(&st, 0, sizeof st);
    st.as_of = as_of;
    st.threshold_date = s_first_reaching(self->steps, self->nsteps, rule->threshold);
    st.own_eif = RDATE_NONE;
    if (st.threshold_date != RDATE_NONE) {
        st.own_eif = rdate_add_days(st.threshold_date, rule->delay_days);
        if (rule->first_of_next_month)
            st.own_eif = rdate_first_of_next_month(st.own_eif);
    }
    st.eif = st.own_eif;
    if (st.own_eif != RDATE_NONE && parent) {
        if (parent->eif == RDATE_NONE) {
            st.eif = RDATE_NONE;
            st.waiting_for_parent = true;
        }
        else
            st.eif = s_later(st.own_eif, parent->eif);
    }
    if (st.eif == RDATE_NONE)
        st.stage = RULES_STAGE_PENDING;
    else
        st.stage = st.eif <= ref ? RULES_STAGE_IN_FORCE : RULES_STAGE_SCHEDULED;

    st.approaching_count = rule->approaching_count;
    for (int i = 0; i < rule->approaching_count; i++) {
        const int k = rule->approaching[i];
        st.approaching[i] = k >= 1 && k < rule->threshold
                                ? s_first_reaching(self->steps, self->nsteps,
                                                   rule->threshold - k)
                                : RDATE_NONE;
    }

    const char *last_active = NULL; /* participants are counted once */
    for (size_t i = 0; i < self->nspells; i++) {
        spell_t *s = &self->spells[i];
        s->pub.later = st.threshold_date != RDATE_NONE && s->pub.deposit > st.threshold_date;
        s->pub.crossing = s->pub.counted && s->pub.deposit == st.threshold_date;
        s->pub.eif = s_party_eif(rule, s, st.threshold_date, st.eif);
        if (s->pub.crossing)
            self->crossing[self->ncrossing++] = i;
        if ((s->pub.end == RDATE_NONE || s->pub.end > ref)
            && (!last_active || strcmp(last_active, s->pub.participant) != 0)) {
            st.parties++;
            last_active = s->pub.participant;
        }
        self->parties[i] = s->pub;
    }
    qsort(self->parties, self->nspells, sizeof *self->parties, s_cmp_party);

    st.counted = s_count_at(self->steps, self->nsteps, ref);
    st.signatures = (int) self->nsigs;
    st.crossing_count = (int) self->ncrossing;

    self->as_of = as_of;
    self->eif = st.eif;
    self->computed = true;
    *out = st;
    return RULES_OK;
}

int
rules_instrument_count_at(const rules_instrument_t *self, rdate_t date)
{
    if (!self || !self->computed)
        return -1;
    return s_count_at(self->steps, self->nsteps, date);
}

int
rules_instrument_signatures_at(const rules_instrument_t *self, rdate_t date)
{
    if (!self || !self->computed)
        return -1;
    size_t lo = 0, hi = self->nsigs;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (self->sigs[mid] <= date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int) lo;
}

size_t
rules_instrument_party_count(const rules_instrument_t *self)
{
    return self && self->computed ? self->nspells : 0;
}

int
rules_instrument_party(const rules_instrument_t *self, size_t i,
                       rules_party_t *out)
{
    if (!self || !out || !self->computed || i >= self->nspells)
        return RULES_EINVAL;
    *out = self->parties[i];
    return RULES_OK;
}

const char *
rules_instrument_crossing(const rules_instrument_t *self, size_t i)
{
    if (!self || !self->computed || i >= self->ncrossing)
        return NULL;
    return self->spells[self->crossing[i]].pub.participant;
}
