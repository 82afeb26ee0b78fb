/*  rules: the entry-into-force rule engine.

    Storage. The instrument interns each participant id once (a packed
    table of the ids it has seen, with each id's rank in strcmp order), so
    an event is kept as a 16-byte record: seq, date, participant number,
    action, flags (no reason text, no id string). Records are kept sorted
    by (date, participant rank, seq), the order compute() walks them in:
    add() only appends, and the next compute() sorts what was appended
    since (usually one record) and merges it in, O(k). Adding a participant
    shifts ranks but keeps their order, so the sorted records stay sorted.
    Retractions are kept as a set of retracted seqs; a record carries a
    "retracted" flag, set when its retraction or the record itself is
    merged in, and a "duplicate" flag when another record has its seq
    (looked for only after a seq arrived that was not above every seq held,
    which the registry's stream never does).

    compute() rebuilds the result from that set in four passes:

    1. merge what add() appended, mark retractions and duplicate seqs; skip
       retracted records and those dated after as_of, and of the records
       sharing one seq keep one, the first by (action, date, participant,
       REIO) (only when duplicates exist);
    2. walk the records in date order with one state per participant (its
       active participation, whether it signed): each participant's
       history is read by date and within a day in seq order. First
       signatures come out by date; participations (consent ... end; second
       consents and stray denunciations ignored) come out by (deposit,
       participant, seq), the party list's order, and are chained per
       participant; a participation opened here looks up, in the parent's
       last result, the parent participation in effect on its deposit date,
       whose end also ends it;
    3. merge each participant's counted participations into spans and
       sweep the +1 (span start, already in date order) / -1 (span end,
       sorted: few) changes into a step function of the count, which gives
       the threshold date, the approaching dates and count_at();
    4. derive the general EIF (delay, first of next month, parent's EIF),
       then each party's EIF.

    Every order ends in the registry seq, unique once duplicates are
    merged, so the result is a function of the set of events alone. Same-day
    deposits all land in one step of the sweep, so the threshold date does
    not depend on their order.

    Cost of compute: O(k + t log t + e log e) for k events held, t of them
    added since the last compute and e ends of participation, plus O(log q
    + j) per participation for the parent lookup (j: that participant's
    participations in the parent); O(k log k) more after an event arrived
    with a seq not above all held, O(k log r) after a new retraction (r
    retracted seqs). Nothing is shared between instruments. The result is
    rebuilt in full on each compute (simpler to prove right than
    incremental upkeep); only what the queries read is kept (28 bytes a
    participation, 4 a signature, 8 a date the count changes on, 4 a
    participant), in buffers reused from one compute to the next until
    rules_instrument_release frees them. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES_INITIAL_EVENTS 16
#define RULES_INITIAL_NAMES  8 /* also the name table's growth step */

/* rec_t.flags */
#define REC_REIO      0x01u /* the participant is a REIO (consents) */
#define REC_RETRACTED 0x02u /* a retraction names this seq */
#define REC_DUP       0x04u /* another record has the same seq */

/* One event as the engine needs it (16 bytes). `who` is the participant's
   number in the instrument's name table. */
typedef struct {
    int64_t seq;
    rdate_t date;
    uint16_t who;
    uint8_t action;
    uint8_t flags;
} rec_t;

/* spell_t.flags */
#define SP_COUNTED         0x01u
#define SP_CROSSING        0x02u
#define SP_LATER           0x04u
#define SP_ENDED_BY_PARENT 0x08u
#define SP_START           0x10u /* starts a span of the count (pass 3) */

#define SPELL_NONE UINT32_MAX

/* A participation; `rec` is its consent's record, `next` the same
   participant's next participation (or SPELL_NONE). parent_eif is the
   parent party's own EIF (RDATE_NONE when unknown or not a parent
   party). */
typedef struct {
    uint32_t rec;
    uint32_t next;
    rdate_t eif;
    rdate_t denounced;
    rdate_t end;
    rdate_t parent_eif;
    uint8_t flags;
} spell_t;

/* Count of counted instruments from `date` on, until the next step. */
typedef struct {
    rdate_t date;
    int count;
} step_t;

/* A record as sorted for merging duplicates: the old full order. */
typedef struct {
    int64_t seq;
    rdate_t date;
    uint32_t idx;
    uint16_t rank;
    uint8_t action;
    uint8_t reio;
} dupkey_t;

struct rules_instrument_t {
    rules_rule_t rule;
    size_t nevents; /* accepted by add, retractions and duplicates included */

    /* Participant ids seen, packed: id number `who` is at pool + off[who]
       (short catalog ids: ~12 bytes a participant in all); by_name lists
       the numbers in strcmp order of their ids and rank is its inverse. */
    char *pool;
    size_t npool, cappool;
    uint32_t *off;
    uint16_t *by_name;
    uint16_t *rank;
    size_t nnames, capnames;

    /* recs[0, nsorted) in (date, rank, seq) order; the rest appended since. */
    rec_t *recs;
    size_t nrecs, caprecs, nsorted;
    int64_t max_seq; /* largest seq appended so far */
    bool check_dups; /* a seq arrived not above max_seq: look for duplicates */
    bool has_dups;   /* some record carries REC_DUP */

    /* Retracted seqs; sorted and unique unless retract_dirty. */
    int64_t *retracted;
    size_t nretracted, capretracted;
    bool retract_dirty;

    /* The last compute's result; valid while `computed`. Buffers are kept
       (and only grow) from one compute to the next. */
    bool computed;
    rdate_t as_of;
    rdate_t eif;
    spell_t *spells; /* by (deposit, participant, seq) */
    size_t nspells, capspells;
    uint32_t *first; /* per participant number: its first spell, or SPELL_NONE */
    size_t capfirst;
    uint32_t *crossing; /* spell indices, by participant */
    size_t ncrossing, capcrossing;
    rdate_t *sigs; /* first-signature dates, sorted */
    size_t nsigs, capsigs;
    step_t *steps; /* by date */
    size_t nsteps, capsteps;
};

/* --- small helpers ------------------------------------------------------ */

/* Makes *buf hold at least need elements of size bytes (a quarter more
   when it grows). Returns 0, or -1 (buffer unchanged) out of memory. */
static int
s_reserve(void *buf_p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t grown = need + need / 4 + 4;
    if (grown > SIZE_MAX / size)
        return -1;
    void **p = buf_p;
    void *fresh = realloc(*p, grown * size);
    if (!fresh)
        return -1;
    *p = fresh;
    *cap = grown;
    return 0;
}

static int
s_cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/* The order records are kept in: by date, then participant, then seq, so
   one participant's history is read by date and within one day in the
   registry's recording order (seq), the order in which the registry
   validated it (a denunciation then a consent on one day is a
   re-accession), and participations come out by (deposit, participant,
   seq); action and REIO flag only break ties between duplicates. rx, ry:
   the records' participant ranks. */
static int
s_cmp_walk(unsigned rx, const rec_t *x, unsigned ry, const rec_t *y)
{
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (x->seq != y->seq)
        return (x->seq > y->seq) - (x->seq < y->seq);
    if (x->action != y->action)
        return (x->action > y->action) - (x->action < y->action);
    return (int) (x->flags & REC_REIO) - (int) (y->flags & REC_REIO);
}

/* qsort order for records whose `who` holds their rank. */
static int
s_cmp_ranked(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    return s_cmp_walk(x->who, x, y->who, y);
}

/* The order duplicates of one seq are merged by (the first is kept):
   action, date, participant id, REIO last. */
static int
s_cmp_dupkey(const void *a, const void *b)
{
    const dupkey_t *x = a, *y = b;
    if (x->seq != y->seq)
        return (x->seq > y->seq) - (x->seq < y->seq);
    if (x->action != y->action)
        return (x->action > y->action) - (x->action < y->action);
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (int) x->reio - (int) y->reio;
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

static int
s_cmp_date(const void *a, const void *b)
{
    const rdate_t x = *(const rdate_t *) a, y = *(const rdate_t *) b;
    return (x > y) - (x < y);
}

static void
s_clear_result(rules_instrument_t *self)
{
    self->nspells = self->ncrossing = self->nsigs = self->nsteps = 0;
    self->computed = false;
    self->eif = RDATE_NONE;
}

/* Returns participant number who's id; owned by self. */
static const char *
s_name(const rules_instrument_t *self, unsigned who)
{
    return self->pool + self->off[who];
}

/* Returns the position in by_name where id is or would go; *found says
   which. O(log n). */
static size_t
s_name_pos(const rules_instrument_t *self, const char *id, bool *found)
{
    size_t lo = 0, hi = self->nnames;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = strcmp(s_name(self, self->by_name[mid]), id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* Sets *who to id's number, adding id to the table when new (O(n) then:
   ranks are renumbered). Returns RULES_OK or RULES_ENOMEM (also past
   RULES_PARTICIPANTS_MAX participants). */
static int
s_intern(rules_instrument_t *self, const char *id, uint16_t *who)
{
    bool found;
    const size_t pos = s_name_pos(self, id, &found);
    if (found) {
        *who = self->by_name[pos];
        return RULES_OK;
    }
    if (self->nnames >= RULES_PARTICIPANTS_MAX)
        return RULES_ENOMEM;
    const size_t len = strlen(id) + 1;
    if (self->npool + len > UINT32_MAX
        || s_reserve(&self->pool, &self->cappool, self->npool + len, 1) != 0)
        return RULES_ENOMEM;
    if (self->nnames == self->capnames) {
        size_t cap = self->capnames + self->capnames / 4 + RULES_INITIAL_NAMES;
        if (cap > RULES_PARTICIPANTS_MAX)
            cap = RULES_PARTICIPANTS_MAX;
        uint32_t *off = realloc(self->off, cap * sizeof *off);
        if (!off)
            return RULES_ENOMEM;
        self->off = off;
        uint16_t *by_name = realloc(self->by_name, cap * sizeof *by_name);
        if (!by_name)
            return RULES_ENOMEM;
        self->by_name = by_name;
        uint16_t *rank = realloc(self->rank, cap * sizeof *rank);
        if (!rank)
            return RULES_ENOMEM;
        self->rank = rank;
        self->capnames = cap;
    }
    const uint16_t n = (uint16_t) self->nnames;
    memcpy(self->pool + self->npool, id, len);
    self->off[n] = (uint32_t) self->npool;
    self->npool += len;
    memmove(&self->by_name[pos + 1], &self->by_name[pos],
            (self->nnames - pos) * sizeof *self->by_name);
    self->by_name[pos] = n;
    self->nnames++;
    for (size_t i = pos; i < self->nnames; i++)
        self->rank[self->by_name[i]] = (uint16_t) i;
    *who = n;
    return RULES_OK;
}

/* Returns true when seq is in the (sorted, unique) retracted set. */
static bool
s_is_retracted(const rules_instrument_t *self, int64_t seq)
{
    return self->nretracted
           && bsearch(&seq, self->retracted, self->nretracted, sizeof *self->retracted, s_cmp_i64);
}

/* Returns the parent participation of participant in effect on date (its
   deposit on or before date, its end after it; the latest such), or NULL.
   O(log q) plus the participant's own participations. */
static const spell_t *
s_parent_spell(const rules_instrument_t *parent, const char *participant, rdate_t date)
{
    bool found;
    const size_t pos = s_name_pos(parent, participant, &found);
    if (!found)
        return NULL;
    const spell_t *found_spell = NULL;
    for (uint32_t i = parent->first[parent->by_name[pos]]; i != SPELL_NONE;
         i = parent->spells[i].next) {
        const spell_t *p = &parent->spells[i];
        if (parent->recs[p->rec].date > date)
            break;
        if (p->end == RDATE_NONE || p->end > date)
            found_spell = p;
    }
    return found_spell;
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

/* Pass 1, storage: merges the records appended since the last compute into
   the sorted ones and brings the retracted and duplicate flags up to date.
   The set of events is unchanged. Returns RULES_OK or RULES_ENOMEM
   (nothing is lost: what is left is done next time). */
static int
s_settle(rules_instrument_t *self)
{
    if (self->retract_dirty) {
        qsort(self->retracted, self->nretracted, sizeof *self->retracted, s_cmp_i64);
        size_t kept = 0;
        for (size_t i = 0; i < self->nretracted; i++)
            if (kept == 0 || self->retracted[kept - 1] != self->retracted[i])
                self->retracted[kept++] = self->retracted[i];
        self->nretracted = kept;
        self->retract_dirty = false;
        for (size_t i = 0; i < self->nrecs; i++)
            if (s_is_retracted(self, self->recs[i].seq))
                self->recs[i].flags |= REC_RETRACTED;
    }
    else
        for (size_t i = self->nsorted; i < self->nrecs; i++)
            if (s_is_retracted(self, self->recs[i].seq))
                self->recs[i].flags |= REC_RETRACTED;

    if (self->check_dups) {
        int64_t *seqs = malloc((self->nrecs ? self->nrecs : 1) * sizeof *seqs);
        if (!seqs)
            return RULES_ENOMEM;
        for (size_t i = 0; i < self->nrecs; i++)
            seqs[i] = self->recs[i].seq;
        qsort(seqs, self->nrecs, sizeof *seqs, s_cmp_i64);
        size_t ndup = 0; /* the seqs held twice or more, unique */
        for (size_t i = 1; i < self->nrecs; i++)
            if (seqs[i] == seqs[i - 1] && (ndup == 0 || seqs[ndup - 1] != seqs[i]))
                seqs[ndup++] = seqs[i];
        for (size_t i = 0; ndup && i < self->nrecs; i++)
            if (bsearch(&self->recs[i].seq, seqs, ndup, sizeof *seqs, s_cmp_i64)) {
                self->recs[i].flags |= REC_DUP;
                self->has_dups = true;
            }
        free(seqs);
        self->check_dups = false;
    }

    const size_t t = self->nrecs - self->nsorted;
    if (t == 0)
        return RULES_OK;
    rec_t small[8];
    rec_t *tail = t <= sizeof small / sizeof small[0] ? small : malloc(t * sizeof *tail);
    if (!tail)
        return RULES_ENOMEM;
    for (size_t i = 0; i < t; i++) {
        tail[i] = self->recs[self->nsorted + i];
        tail[i].who = self->rank[tail[i].who]; /* sorted by rank, restored below */
    }
    qsort(tail, t, sizeof *tail, s_cmp_ranked);
    size_t i = self->nsorted, j = t, w = self->nrecs;
    while (j > 0) {
        const rec_t *x = i > 0 ? &self->recs[i - 1] : NULL;
        if (x && s_cmp_walk(self->rank[x->who], x, tail[j - 1].who, &tail[j - 1]) > 0)
            self->recs[--w] = self->recs[--i];
        else {
            rec_t r = tail[--j];
            r.who = self->by_name[r.who];
            self->recs[--w] = r;
        }
    }
    if (tail != small)
        free(tail);
    self->nsorted = self->nrecs;
    return RULES_OK;
}

/* Pass 1, selection: when some seqs are held twice, sets *skip_p to a
   flag per record, set on the duplicates not kept as at cutoff (the first
   by s_cmp_dupkey of those that apply is kept); NULL otherwise. Caller
   frees it. Returns RULES_OK or RULES_ENOMEM. */
static int
s_duplicates(const rules_instrument_t *self, rdate_t cutoff, uint8_t **skip_p)
{
    *skip_p = NULL;
    if (!self->has_dups)
        return RULES_OK;
    uint8_t *skip = calloc(self->nrecs ? self->nrecs : 1, 1);
    dupkey_t *keys = malloc((self->nrecs ? self->nrecs : 1) * sizeof *keys);
    if (!skip || !keys) {
        free(skip);
        free(keys);
        return RULES_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < self->nrecs; i++) {
        const rec_t *r = &self->recs[i];
        if (!(r->flags & REC_DUP) || (r->flags & REC_RETRACTED) || r->date > cutoff)
            continue;
        keys[n++] = (dupkey_t){.seq = r->seq,
                               .date = r->date,
                               .idx = (uint32_t) i,
                               .rank = self->rank[r->who],
                               .action = r->action,
                               .reio = (uint8_t) (r->flags & REC_REIO)};
    }
    qsort(keys, n, sizeof *keys, s_cmp_dupkey);
    for (size_t i = 1; i < n; i++)
        if (keys[i].seq == keys[i - 1].seq)
            skip[keys[i].idx] = 1;
    free(keys);
    *skip_p = skip;
    return RULES_OK;
}

/* Pass 2: walks the records in date order, each participant's history
   read in order, into self->spells (by deposit, participant, seq), chained
   per participant, and self->sigs (first signatures, by date). Returns
   RULES_OK or RULES_ENOMEM. */
static int
s_walk(rules_instrument_t *self, rdate_t cutoff, const uint8_t *skip,
       const rules_instrument_t *parent)
{
    const size_t nnames = self->nnames;
    if (s_reserve(&self->sigs, &self->capsigs, nnames, sizeof *self->sigs) != 0
        || s_reserve(&self->first, &self->capfirst, nnames, sizeof *self->first) != 0)
        return RULES_ENOMEM;
    /* per participant: its last participation (the active one), whether
       it signed */
    uint32_t *last = malloc((nnames ? nnames : 1) * sizeof *last);
    uint8_t *signed_ = calloc(nnames ? nnames : 1, 1);
    if (!last || !signed_) {
        free(last);
        free(signed_);
        return RULES_ENOMEM;
    }
    for (size_t w = 0; w < nnames; w++)
        last[w] = self->first[w] = SPELL_NONE;
    int rc = RULES_OK;
    const rec_t *recs = self->recs;
    for (size_t i = 0; i < self->nrecs; i++) {
        const rec_t *r = &recs[i];
        if ((r->flags & REC_RETRACTED) || r->date > cutoff || (skip && skip[i]))
            continue;
        const uint16_t who = r->who;
        spell_t *active = last[who] == SPELL_NONE ? NULL : &self->spells[last[who]];
        const action_t action = (action_t) r->action;
        if (action == ACTION_SIGNATURE) {
            if (!signed_[who]) {
                signed_[who] = 1;
                self->sigs[self->nsigs++] = r->date;
            }
        }
        else if (action_is_consent(action)) {
            if (active && active->denounced == RDATE_NONE
                && (active->end == RDATE_NONE || r->date < active->end))
                continue; /* a second consent while a party */
            if (s_reserve(&self->spells, &self->capspells, self->nspells + 1, sizeof *self->spells)
                != 0) {
                rc = RULES_ENOMEM;
                break;
            }
            const uint32_t n = (uint32_t) self->nspells++;
            spell_t *s = &self->spells[n];
            *s = (spell_t){.rec = (uint32_t) i,
                           .next = SPELL_NONE,
                           .eif = RDATE_NONE,
                           .denounced = RDATE_NONE,
                           .end = RDATE_NONE,
                           .parent_eif = RDATE_NONE,
                           .flags = (!(r->flags & REC_REIO) || self->rule.reio_counted) ? SP_COUNTED
                                                                                        : 0};
            if (last[who] == SPELL_NONE)
                self->first[who] = n;
            else
                self->spells[last[who]].next = n;
            last[who] = n;
            if (parent) {
                const spell_t *ps = s_parent_spell(parent, s_name(self, who), r->date);
                if (ps) {
                    s->parent_eif = ps->eif;
                    if (ps->end != RDATE_NONE) {
                        s->end = ps->end;
                        s->flags |= SP_ENDED_BY_PARENT;
                    }
                }
            }
        }
        else if (action == ACTION_DENUNCIATION) {
            if (!active || active->denounced != RDATE_NONE)
                continue;
            if (active->end != RDATE_NONE && r->date >= active->end)
                continue; /* no longer a party */
            const rdate_t effect = rdate_add_months(r->date, self->rule.denunciation_months);
            active->denounced = r->date;
            if (effect != RDATE_NONE && (active->end == RDATE_NONE || effect <= active->end)) {
                active->end = effect;
                active->flags &= (uint8_t) ~SP_ENDED_BY_PARENT;
            }
        }
    }
    free(last);
    free(signed_);
    return rc;
}

/* Pass 3: the count as a step function of the date. Returns RULES_OK or
   RULES_ENOMEM. */
static int
s_sweep(rules_instrument_t *self)
{
    /* A participant counts once while any of its counted participations
       runs: a re-accession during a pending denunciation overlaps the old
       participation, so each participant's spans are merged first. A span
       starts at a participation's deposit (flagged SP_START: the spells are
       in deposit order already); its ends are collected and sorted. */
    size_t nends = 0, nstarts = 0;
    rdate_t *ends = NULL;
    size_t capends = 0;
    for (size_t w = 0; w < self->nnames; w++) {
        spell_t *open = NULL;
        rdate_t end = RDATE_NONE;
        for (uint32_t i = self->first[w]; i != SPELL_NONE; i = self->spells[i].next) {
            spell_t *p = &self->spells[i];
            p->flags &= (uint8_t) ~SP_START;
            if (!(p->flags & SP_COUNTED))
                continue;
            const rdate_t deposit = self->recs[p->rec].date;
            if (open && (end == RDATE_NONE || deposit < end)) {
                if (end != RDATE_NONE && (p->end == RDATE_NONE || p->end > end))
                    end = p->end;
                continue;
            }
            if (open) {
                if (s_reserve(&ends, &capends, nends + 1, sizeof *ends) != 0)
                    goto nomem;
                ends[nends++] = end;
            }
            open = p;
            p->flags |= SP_START;
            nstarts++;
            end = p->end;
        }
        if (open && end != RDATE_NONE) {
            if (s_reserve(&ends, &capends, nends + 1, sizeof *ends) != 0)
                goto nomem;
            ends[nends++] = end;
        }
    }
    if (nends > 1)
        qsort(ends, nends, sizeof *ends, s_cmp_date);
    if (s_reserve(&self->steps, &self->capsteps, nstarts + nends, sizeof *self->steps) != 0)
        goto nomem;
    /* merge the starts (+1) and the ends (-1), one step per date */
    int count = 0;
    size_t si = 0, ei = 0;
    for (;;) {
        while (si < self->nspells && !(self->spells[si].flags & SP_START))
            si++;
        const bool more_starts = si < self->nspells;
        if (!more_starts && ei == nends)
            break;
        const rdate_t date = !more_starts
                                 ? ends[ei]
                                 : (ei == nends || self->recs[self->spells[si].rec].date <= ends[ei]
                                        ? self->recs[self->spells[si].rec].date
                                        : ends[ei]);
        for (; si < self->nspells; si++) {
            const spell_t *p = &self->spells[si];
            if (self->recs[p->rec].date != date)
                break;
            if (p->flags & SP_START)
                count++;
        }
        for (; ei < nends && ends[ei] == date; ei++)
            count--;
        self->steps[self->nsteps++] = (step_t){date, count};
    }
    free(ends);
    return RULES_OK;
nomem:
    free(ends);
    return RULES_ENOMEM;
}

/* Pass 4 (per party): the date the instrument enters into force for p. */
static rdate_t
s_party_eif(const rules_rule_t *rule, const spell_t *s, rdate_t deposit, rdate_t threshold,
            rdate_t eif)
{
    if (threshold == RDATE_NONE || eif == RDATE_NONE)
        return RDATE_NONE;
    rdate_t own = eif;
    if (deposit > threshold) {
        /* Never before the instrument's own EIF (DOMAIN rule 5), whether or
           not the text says "whichever is later". */
        rdate_t t = rdate_add_days(deposit, rule->later_party_days);
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
    if (rule->denunciation_months < 0 || rule->denunciation_months > RULES_DENUNCIATION_MONTHS_MAX)
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
    free(self->pool);
    free(self->off);
    free(self->by_name);
    free(self->rank);
    free(self->recs);
    free(self->retracted);
    free(self->spells);
    free(self->first);
    free(self->crossing);
    free(self->sigs);
    free(self->steps);
    free(self);
    *self_p = NULL;
}

const rules_rule_t *
rules_instrument_rule(const rules_instrument_t *self)
{
    return self ? &self->rule : NULL;
}

int
rules_instrument_add(rules_instrument_t *self, const event_t *ev, bool participant_is_reio)
{
    if (!self || !ev || ev->seq < 1)
        return RULES_EINVAL;
    if (ev->action == ACTION_RETRACTION) {
        if (ev->retracts < 1)
            return RULES_EINVAL;
        if (s_reserve(&self->retracted, &self->capretracted, self->nretracted + 1,
                      sizeof *self->retracted)
            != 0)
            return RULES_ENOMEM;
        self->retracted[self->nretracted++] = ev->retracts;
        self->retract_dirty = true;
        self->nevents++;
        s_clear_result(self);
        return RULES_OK;
    }
    if (ev->action != ACTION_SIGNATURE && !action_is_consent(ev->action)
        && ev->action != ACTION_DENUNCIATION)
        return RULES_IGNORED;
    if (!memchr(ev->participant, '\0', sizeof ev->participant) || ev->participant[0] == '\0'
        || !s_valid_date(ev->date))
        return RULES_EINVAL;

    if (self->nrecs >= UINT32_MAX) /* records are numbered in 32 bits */
        return RULES_ENOMEM;
    if (self->nrecs == self->caprecs) {
        /* grows by a quarter: records are most of the engine's memory */
        const size_t cap = self->caprecs ? self->caprecs + self->caprecs / 4 : RULES_INITIAL_EVENTS;
        rec_t *grown = realloc(self->recs, cap * sizeof *grown);
        if (!grown)
            return RULES_ENOMEM;
        self->recs = grown;
        self->caprecs = cap;
    }
    uint16_t who = 0;
    const int rc = s_intern(self, ev->participant, &who);
    if (rc != RULES_OK)
        return rc;
    self->recs[self->nrecs++] = (rec_t){.seq = ev->seq,
                                        .date = ev->date,
                                        .who = who,
                                        .action = (uint8_t) ev->action,
                                        .flags = participant_is_reio ? REC_REIO : 0};
    if (ev->seq <= self->max_seq)
        self->check_dups = true;
    else
        self->max_seq = ev->seq;
    self->nevents++;
    s_clear_result(self);
    return RULES_OK;
}

void
rules_instrument_release(rules_instrument_t *self)
{
    if (!self)
        return;
    s_clear_result(self);
    free(self->spells);
    free(self->first);
    free(self->crossing);
    free(self->sigs);
    free(self->steps);
    self->spells = NULL;
    self->first = NULL;
    self->crossing = NULL;
    self->sigs = NULL;
    self->steps = NULL;
    self->capspells = self->capfirst = self->capcrossing = self->capsigs = self->capsteps = 0;
}

size_t
rules_instrument_event_count(const rules_instrument_t *self)
{
    return self ? self->nevents : 0;
}

int
rules_instrument_compute(rules_instrument_t *self, rdate_t as_of, const rules_instrument_t *parent,
                         rules_status_t *out)
{
    if (!self || !out || parent == self)
        return RULES_EINVAL;
    if (parent && (!parent->computed || parent->as_of != as_of))
        return RULES_EPARENT;
    s_clear_result(self);

    /* The date the stage is judged on, and the events' cut-off. */
    const rdate_t ref = as_of == RDATE_NONE ? INT32_MAX : as_of;
    uint8_t *skip = NULL;
    int rc = s_settle(self);
    if (rc == RULES_OK)
        rc = s_duplicates(self, ref, &skip);
    if (rc == RULES_OK)
        rc = s_walk(self, ref, skip, parent);
    free(skip);
    if (rc == RULES_OK)
        rc = s_sweep(self);
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
                                ? s_first_reaching(self->steps, self->nsteps, rule->threshold - k)
                                : RDATE_NONE;
    }

    for (size_t i = 0; i < self->nspells; i++) {
        spell_t *s = &self->spells[i];
        const rec_t *r = &self->recs[s->rec];
        s->flags &= (uint8_t) ~(SP_LATER | SP_CROSSING);
        if (st.threshold_date != RDATE_NONE && r->date > st.threshold_date)
            s->flags |= SP_LATER;
        if ((s->flags & SP_COUNTED) && r->date == st.threshold_date) {
            s->flags |= SP_CROSSING;
            if (s_reserve(&self->crossing, &self->capcrossing, self->ncrossing + 1,
                          sizeof *self->crossing)
                != 0) {
                s_clear_result(self);
                return RULES_ENOMEM;
            }
            self->crossing[self->ncrossing++] = (uint32_t) i;
        }
        s->eif = s_party_eif(rule, s, r->date, st.threshold_date, st.eif);
    }
    for (size_t w = 0; w < self->nnames; w++) /* participants are counted once */
        for (uint32_t i = self->first[w]; i != SPELL_NONE; i = self->spells[i].next)
            if (self->spells[i].end == RDATE_NONE || self->spells[i].end > ref) {
                st.parties++;
                break;
            }

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
rules_instrument_party(const rules_instrument_t *self, size_t i, rules_party_t *out)
{
    if (!self || !out || !self->computed || i >= self->nspells)
        return RULES_EINVAL;
    const spell_t *s = &self->spells[i];
    const rec_t *r = &self->recs[s->rec];
    memset(out, 0, sizeof *out);
    snprintf(out->participant, sizeof out->participant, "%s", s_name(self, r->who));
    out->action = (action_t) r->action;
    out->seq = r->seq;
    out->deposit = r->date;
    out->reio = (r->flags & REC_REIO) != 0;
    out->counted = (s->flags & SP_COUNTED) != 0;
    out->crossing = (s->flags & SP_CROSSING) != 0;
    out->later = (s->flags & SP_LATER) != 0;
    out->eif = s->eif;
    out->denounced = s->denounced;
    out->end = s->end;
    out->ended_by_parent = (s->flags & SP_ENDED_BY_PARENT) != 0;
    return RULES_OK;
}

const char *
rules_instrument_crossing(const rules_instrument_t *self, size_t i)
{
    if (!self || !self->computed || i >= self->ncrossing)
        return NULL;
    return s_name(self, self->recs[self->spells[self->crossing[i]].rec].who);
}
