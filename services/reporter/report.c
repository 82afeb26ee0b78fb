/*  report: the model of the ratification status as at a date.

    Building walks the events once: retractions first (their targets go into
    a sorted set), then every other event on or before the date is routed
    by instrument. Signatures stay here (the annex needs each signatory's
    first date, which the engine does not expose); consents and
    denunciations go to that instrument's rule engine. Instruments are then
    computed parents first (the engine needs the parent's result, and a
    projection needs the parent's projection), and each one's lists are
    gathered from the engine's party list.

    Lists are small (a few hundred participants per instrument), so the
    gathering favours plain code over clever indexes: finding a status
    row's latest participation is a linear scan, O(p^2) in the parties p of
    one instrument (the deposits list takes each participant's latest
    running one from a map). */
#include "report.h"

#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NOTE_SIZE 512 /* a footnote sentence, before falling back to malloc */
#define S_FOLD_SIZE 128 /* sort key of a name */

#define S_STR_(x) #x
#define S_STR(x)  S_STR_(x)
static const char s_method[] = "linear projection from the deposits of the "
                               "last " S_STR(REPORT_PROJECTION_WINDOW_DAYS) " days";

typedef struct {
    const catalog_participant_t *participant;
    rdate_t date;
    int64_t seq;
} s_sig_t;

typedef struct {
    const catalog_instrument_t *inst;
    rules_instrument_t *engine;
    int visit; /* 0: not computed, 1: computing (cycle guard), 2: done */
    rules_status_t status;
    report_instrument_t info;
    s_sig_t *sigs;
    size_t nsigs, capsigs;
    report_deposit_t *deposits;
    size_t ndeposits;
    report_row_t *rows;
    size_t nrows;
    char **annex_notes;
    size_t nannex;
    char **status_notes;
    size_t nstatus;
    report_point_t *points;
    size_t npoints;
} s_inst_t;

struct _report_t {
    const catalog_t *catalog;
    rdate_t as_of;
    char *title;
    size_t skipped;
    s_inst_t *insts;
    size_t ninsts;
};

/* ---- Small helpers ---------------------------------------------------- */

static bool
s_valid_date(rdate_t date)
{
    return date != RDATE_NONE && rdate_to_ymd(date, NULL, NULL, NULL) == 0;
}

static int
s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static char *
s_strdup(const char *text)
{
    size_t len = strlen(text) + 1;
    char *copy = malloc(len);
    if (copy)
        memcpy(copy, text, len);
    return copy;
}

/* Folds a name into a sort key: ASCII lower case, Latin-1 letters written
   in UTF-8 reduced to their base letter ("Türkiye" sorts as "turkiye"). */
static void
s_fold(const char *name, char *out, size_t len)
{
    static const char latin1[] = "aaaaaaaceeeeiiiidnoooooxouuuuyts"
                                 "aaaaaaaceeeeiiiidnoooooxouuuuyty";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *) name; *p && o + 1 < len; p++) {
        if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            out[o++] = latin1[p[1] - 0x80];
            p++;
        }
        else if (*p >= 'A' && *p <= 'Z')
            out[o++] = (char) (*p - 'A' + 'a');
        else
            out[o++] = (char) *p;
    }
    out[o] = '\0';
}

/* Returns the index of text in the note list, appending a copy when it is
   new; -1 when out of memory. */
static int
s_note(char ***notes, size_t *count, const char *text)
{
    for (size_t i = 0; i < *count; i++)
        if (strcmp((*notes)[i], text) == 0)
            return (int) i;
    char **grown = realloc(*notes, (*count + 1) * sizeof(char *));
    if (!grown)
        return -1;
    *notes = grown;
    char *copy = s_strdup(text);
    if (!copy)
        return -1;
    grown[*count] = copy;
    return (int) (*count)++;
}

/* Adds note text to a list and its index to marks. Returns 0, or -1 when
   out of memory. A mark beyond REPORT_MARKS_MAX is dropped with its note. */
static int
s_mark(char ***notes, size_t *count, int *marks, int *mark_count, const char *text)
{
    if (*mark_count >= REPORT_MARKS_MAX)
        return 0;
    int index = s_note(notes, count, text);
    if (index < 0)
        return -1;
    for (int i = 0; i < *mark_count; i++)
        if (marks[i] == index)
            return 0;
    marks[(*mark_count)++] = index;
    return 0;
}

/* Marks every change of name of p dated in (after, until]. Returns 0 or -1
   when out of memory. */
static int
s_mark_renames(const catalog_participant_t *p, rdate_t after, rdate_t until, char ***notes,
               size_t *count, int *marks, int *mark_count)
{
    catalog_rename_t renames[REPORT_MARKS_MAX];
    size_t n = catalog_participant_renames(p, after, until, renames, REPORT_MARKS_MAX);
    if (n > REPORT_MARKS_MAX)
        n = REPORT_MARKS_MAX;
    for (size_t i = 0; i < n; i++) {
        char small[S_NOTE_SIZE];
        int len = catalog_rename_sentence(&renames[i], small, sizeof small);
        if (len < 0)
            continue;
        int rc;
        if ((size_t) len < sizeof small)
            rc = s_mark(notes, count, marks, mark_count, small);
        else {
            char *big = malloc((size_t) len + 1);
            if (!big)
                return -1;
            catalog_rename_sentence(&renames[i], big, (size_t) len + 1);
            rc = s_mark(notes, count, marks, mark_count, big);
            free(big);
        }
        if (rc)
            return -1;
    }
    return 0;
}

/* ---- Reading events --------------------------------------------------- */

static int
s_add_signature(s_inst_t *s, const catalog_participant_t *p, rdate_t date, int64_t seq)
{
    if (s->nsigs == s->capsigs) {
        size_t cap = s->capsigs ? s->capsigs * 2 : 64;
        s_sig_t *grown = realloc(s->sigs, cap * sizeof(s_sig_t));
        if (!grown)
            return REPORT_ENOMEM;
        s->sigs = grown;
        s->capsigs = cap;
    }
    s->sigs[s->nsigs++] = (s_sig_t){p, date, seq};
    return REPORT_OK;
}

static long
s_instrument_index(const report_t *self, const catalog_instrument_t *inst)
{
    for (size_t i = 0; i < self->ninsts; i++)
        if (self->insts[i].inst == inst)
            return (long) i;
    return -1;
}

/* Routes the first count events of the table that survive retraction and
   the date cut-off. The table's instrument indexes are the catalog's, the
   order of self->insts. */
static int
s_read_events(report_t *self, const evtab_t *events, size_t count)
{
    evtab_entry_t e;
    size_t nret = 0;
    for (size_t i = 0; i < count; i++)
        if (evtab_get(events, i, &e) == 0 && e.action == ACTION_RETRACTION)
            nret++;
    int64_t *retracted = NULL;
    if (nret) {
        retracted = malloc(nret * sizeof(int64_t));
        if (!retracted)
            return REPORT_ENOMEM;
        nret = 0;
        for (size_t i = 0; i < count; i++)
            if (evtab_get(events, i, &e) == 0 && e.action == ACTION_RETRACTION)
                retracted[nret++] = e.retracts;
        qsort(retracted, nret, sizeof(int64_t), s_cmp_i64);
    }

    /* The engine reads seq, action, date and participant of an act (never
       the instrument, the reason or the recording time); it keys parties
       by the participant id, so it gets the catalog's spelling, which the
       lookups here match. */
    event_t copy;
    memset(&copy, 0, sizeof copy);
    int rc = REPORT_OK;
    for (size_t i = 0; i < count && rc == REPORT_OK; i++) {
        if (evtab_get(events, i, &e) != 0 || e.action == ACTION_RETRACTION)
            continue;
        if (nret && bsearch(&e.seq, retracted, nret, sizeof(int64_t), s_cmp_i64))
            continue;
        if (!s_valid_date(e.date) || e.seq < 1) {
            self->skipped++;
            continue;
        }
        if (e.date > self->as_of)
            continue;
        if (e.instrument == EVTAB_UNKNOWN || e.participant == EVTAB_UNKNOWN
            || e.instrument >= self->ninsts) {
            self->skipped++;
            continue;
        }
        const catalog_participant_t *p = catalog_participant_at(self->catalog, e.participant);
        s_inst_t *s = &self->insts[e.instrument];
        if (!p) {
            self->skipped++;
            continue;
        }
        if (e.action == ACTION_SIGNATURE) {
            rc = s_add_signature(s, p, e.date, e.seq);
            continue;
        }
        copy.seq = e.seq;
        copy.action = e.action;
        copy.date = e.date;
        snprintf(copy.instrument, sizeof copy.instrument, "%s", catalog_instrument_id(s->inst));
        snprintf(copy.participant, sizeof copy.participant, "%s", catalog_participant_id(p));
        int added = rules_instrument_add(s->engine, &copy, catalog_participant_is_reio(p));
        if (added == RULES_ENOMEM)
            rc = REPORT_ENOMEM;
        else if (added == RULES_EINVAL)
            self->skipped++;
    }
    free(retracted);
    return rc;
}

/* ---- Gathering one instrument ----------------------------------------- */

static int
s_cmp_sig(const void *a, const void *b)
{
    const s_sig_t *x = a, *y = b;
    int c = strcmp(catalog_participant_id(x->participant), catalog_participant_id(y->participant));
    if (c)
        return c;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Deposit order; one day's deposits in registry sequence order. */
static int
s_cmp_party(const void *a, const void *b)
{
    const rules_party_t *x = a, *y = b;
    if (x->deposit != y->deposit)
        return x->deposit < y->deposit ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
s_cmp_row(const void *a, const void *b)
{
    const report_row_t *x = a, *y = b;
    char kx[S_FOLD_SIZE], ky[S_FOLD_SIZE];
    s_fold(x->name, kx, sizeof kx);
    s_fold(y->name, ky, sizeof ky);
    int c = strcmp(kx, ky);
    if (c)
        return c;
    c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->participant, y->participant);
}

static int
s_cmp_date(const void *a, const void *b)
{
    rdate_t x = *(const rdate_t *) a, y = *(const rdate_t *) b;
    return (x > y) - (x < y);
}

/* Reads the engine's party list, sorted in deposit order. */
static int
s_parties(const s_inst_t *s, rules_party_t **out, size_t *n)
{
    *n = rules_instrument_party_count(s->engine);
    *out = NULL;
    if (*n == 0)
        return REPORT_OK;
    *out = calloc(*n, sizeof(rules_party_t));
    if (!*out)
        return REPORT_ENOMEM;
    for (size_t i = 0; i < *n; i++)
        if (rules_instrument_party(s->engine, i, &(*out)[i]) != RULES_OK)
            return REPORT_EENGINE;
    qsort(*out, *n, sizeof(rules_party_t), s_cmp_party);
    return REPORT_OK;
}

/* Returns whether the participation is still running on as_of. */
static bool
s_party_active(const rules_party_t *party, rdate_t as_of)
{
    return party->end == RDATE_NONE || party->end > as_of;
}

static int
s_gather_deposits(report_t *self, s_inst_t *s, const rules_party_t *parties, size_t nparties)
{
    s->deposits = calloc(nparties ? nparties : 1, sizeof(report_deposit_t));
    /* a participant that joined again while its denunciation was pending
       is one party (the engine counts it once), listed by its latest
       instrument: each participant's last running entry, found from the
       end (parties are in deposit order; the first insert of a key stays) */
    strmap_t *latest = strmap_new();
    int rc = s->deposits && latest ? REPORT_OK : REPORT_ENOMEM;
    for (size_t i = nparties; rc == REPORT_OK && i > 0; i--)
        if (s_party_active(&parties[i - 1], self->as_of)
            && strmap_insert(latest, parties[i - 1].participant, (uint32_t) (i - 1)) < 0)
            rc = REPORT_ENOMEM;
    for (size_t i = 0; rc == REPORT_OK && i < nparties; i++) {
        const rules_party_t *party = &parties[i];
        uint32_t last = 0;
        if (!s_party_active(party, self->as_of))
            continue; /* no longer a party on the date */
        if (!strmap_get(latest, party->participant, &last) || last != i)
            continue; /* an earlier participation of a party listed by its latest */
        const catalog_participant_t *p =
            catalog_participant_by_id(self->catalog, party->participant);
        if (!p) {
            rc = REPORT_EENGINE;
            break;
        }
        report_deposit_t *d = &s->deposits[s->ndeposits++];
        *d = (report_deposit_t){
            .participant = catalog_participant_id(p),
            .name = catalog_participant_name_at(p, self->as_of),
            .action = party->action,
            .deposit = party->deposit,
            .seq = party->seq,
            .counted = party->counted,
            .reio = party->reio,
            .eif = party->eif,
        };
        if (s_mark_renames(p, party->deposit, self->as_of, &s->annex_notes, &s->nannex, d->marks,
                           &d->mark_count))
            rc = REPORT_ENOMEM;
    }
    strmap_destroy(&latest);
    return rc;
}

/* The note on a participation that ended or will end. */
static int
s_mark_end(report_t *self, s_inst_t *s, report_row_t *row, const rules_party_t *party)
{
    char note[S_NOTE_SIZE], end[RDATE_LONG_SIZE], received[RDATE_LONG_SIZE];
    rdate_format_long(party->end, end);
    if (party->ended_by_parent) {
        const catalog_instrument_t *parent =
            catalog_instrument_find(self->catalog, catalog_instrument_parent(s->inst));
        snprintf(note, sizeof note,
                 "%s ceased to be a party on %s, its participation in the %s "
                 "having ended.",
                 row->name, end,
                 parent ? catalog_instrument_short_title(parent) : "parent instrument");
    }
    else if (party->denounced != RDATE_NONE) {
        rdate_format_long(party->denounced, received);
        if (party->end != RDATE_NONE)
            snprintf(note, sizeof note,
                     "On %s, %s notified its denunciation, which %s effect "
                     "on %s.",
                     received, row->name, party->end <= self->as_of ? "took" : "takes", end);
        else
            snprintf(note, sizeof note, "On %s, %s notified its denunciation.", received,
                     row->name);
    }
    else
        return REPORT_OK;
    return s_mark(&s->status_notes, &s->nstatus, row->marks, &row->mark_count, note) ? REPORT_ENOMEM
                                                                                     : REPORT_OK;
}

static int
s_gather_rows(report_t *self, s_inst_t *s, const rules_party_t *parties, size_t nparties)
{
    /* Distinct signatories (sigs sorted by participant, then date) plus
       parties that never signed: at most nsigs + nparties rows. */
    s->rows = calloc(s->nsigs + nparties + 1, sizeof(report_row_t));
    if (!s->rows)
        return REPORT_ENOMEM;
    for (size_t i = 0; i < s->nsigs; i++) {
        if (i > 0 && s->sigs[i].participant == s->sigs[i - 1].participant)
            continue;
        s->rows[s->nrows++] = (report_row_t){
            .participant = catalog_participant_id(s->sigs[i].participant),
            .signature = s->sigs[i].date,
        };
    }
    size_t nsigners = s->nrows;
    for (size_t i = 0; i < nparties; i++) {
        bool known = false;
        for (size_t r = 0; r < s->nrows && !known; r++)
            known = strcmp(s->rows[r].participant, parties[i].participant) == 0;
        if (!known) {
            const catalog_participant_t *p =
                catalog_participant_by_id(self->catalog, parties[i].participant);
            if (!p)
                return REPORT_EENGINE;
            s->rows[s->nrows++] = (report_row_t){
                .participant = catalog_participant_id(p),
                .signature = RDATE_NONE,
            };
        }
    }
    s->info.signatures = (int) nsigners;

    for (size_t r = 0; r < s->nrows; r++) {
        report_row_t *row = &s->rows[r];
        const catalog_participant_t *p = catalog_participant_by_id(self->catalog, row->participant);
        row->name = catalog_participant_name_at(p, self->as_of);
        row->action = ACTION_NONE;
        row->consent = row->eif = row->denounced = row->end = RDATE_NONE;
    }
    qsort(s->rows, s->nrows, sizeof(report_row_t), s_cmp_row);

    /* Marks are lettered in table order, so they are made after sorting. */
    for (size_t r = 0; r < s->nrows; r++) {
        report_row_t *row = &s->rows[r];
        const catalog_participant_t *p = catalog_participant_by_id(self->catalog, row->participant);
        const rules_party_t *latest = NULL;
        rdate_t first = row->signature;
        for (size_t i = 0; i < nparties; i++)
            if (strcmp(parties[i].participant, row->participant) == 0) {
                latest = &parties[i]; /* parties are in deposit order */
                if (first == RDATE_NONE || parties[i].deposit < first)
                    first = parties[i].deposit;
            }
        if (latest) {
            row->action = latest->action;
            row->consent = latest->deposit;
            row->eif = latest->eif;
            row->denounced = latest->denounced;
            row->end = latest->end;
        }
        if (s_mark_renames(p, first, self->as_of, &s->status_notes, &s->nstatus, row->marks,
                           &row->mark_count))
            return REPORT_ENOMEM;
        if (latest && s_mark_end(self, s, row, latest))
            return REPORT_ENOMEM;
    }
    return REPORT_OK;
}

static int
s_gather_points(report_t *self, s_inst_t *s, const rules_party_t *parties, size_t nparties)
{
    rdate_t *dates = malloc((2 * nparties + 1) * sizeof(rdate_t));
    s->points = calloc(2 * nparties + 1, sizeof(report_point_t));
    if (!dates || !s->points) {
        free(dates);
        return REPORT_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < nparties; i++) {
        dates[n++] = parties[i].deposit;
        if (parties[i].end != RDATE_NONE && parties[i].end <= self->as_of)
            dates[n++] = parties[i].end;
    }
    qsort(dates, n, sizeof(rdate_t), s_cmp_date);
    int previous = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && dates[i] == dates[i - 1])
            continue;
        int count = rules_instrument_count_at(s->engine, dates[i]);
        if (count < 0) {
            free(dates);
            return REPORT_EENGINE;
        }
        if (count != previous)
            s->points[s->npoints++] = (report_point_t){dates[i], count};
        previous = count;
    }
    free(dates);
    return REPORT_OK;
}

/* The EIF a threshold date gives under rule, floored at the parent's EIF
   (known or projected); RDATE_NONE when the parent's is unknowable. */
static rdate_t
s_projected_eif(const report_t *self, const s_inst_t *s, rdate_t threshold)
{
    const rules_rule_t *rule = catalog_instrument_rule(s->inst);
    rdate_t eif = rdate_add_days(threshold, rule->delay_days);
    if (rule->first_of_next_month)
        eif = rdate_first_of_next_month(eif);
    if (!s->info.parent)
        return eif;
    const catalog_instrument_t *pinst = catalog_instrument_find(self->catalog, s->info.parent);
    long pi = pinst ? s_instrument_index(self, pinst) : -1;
    if (pi < 0)
        return RDATE_NONE;
    const report_instrument_t *parent = &self->insts[pi].info;
    rdate_t floor = parent->eif != RDATE_NONE      ? parent->eif
                    : parent->projection.available ? parent->projection.eif
                                                   : RDATE_NONE;
    if (floor == RDATE_NONE)
        return RDATE_NONE;
    return eif > floor ? eif : floor;
}

static void
s_project(report_t *self, s_inst_t *s)
{
    report_projection_t *pr = &s->info.projection;
    *pr = (report_projection_t){
        .available = false,
        .method = s_method,
        .window_days = REPORT_PROJECTION_WINDOW_DAYS,
        .threshold_date = RDATE_NONE,
        .eif = RDATE_NONE,
    };
    int now = rules_instrument_count_at(s->engine, self->as_of);
    rdate_t start = rdate_add_days(self->as_of, -REPORT_PROJECTION_WINDOW_DAYS);
    int before = rules_instrument_count_at(s->engine, start);
    if (now >= 0 && before >= 0)
        pr->window_deposits = now - before;
    pr->remaining = s->info.threshold - s->info.counted;
    if (pr->remaining < 0)
        pr->remaining = 0;
    if (s->info.eif != RDATE_NONE)
        return; /* known: nothing to project */
    if (s->info.threshold_date != RDATE_NONE) {
        pr->threshold_date = s->info.threshold_date;
        pr->eif = s_projected_eif(self, s, s->info.threshold_date);
        pr->available = pr->eif != RDATE_NONE;
        return;
    }
    if (pr->window_deposits <= 0)
        return;
    long long days =
        ((long long) pr->remaining * REPORT_PROJECTION_WINDOW_DAYS + pr->window_deposits - 1)
        / pr->window_deposits;
    if (days > 365LL * 1000)
        return; /* beyond any useful horizon (and rdate's range) */
    rdate_t threshold = rdate_add_days(self->as_of, (int) days);
    if (!s_valid_date(threshold))
        return;
    pr->threshold_date = threshold;
    pr->eif = s_projected_eif(self, s, threshold);
    if (pr->eif != RDATE_NONE && !s_valid_date(pr->eif))
        pr->eif = RDATE_NONE;
    pr->available = true;
}

static int
s_gather(report_t *self, s_inst_t *s)
{
    const catalog_instrument_t *inst = s->inst;
    const rules_rule_t *rule = catalog_instrument_rule(inst);
    s->info = (report_instrument_t){
        .id = catalog_instrument_id(inst),
        .reference = catalog_instrument_reference(inst),
        .title = catalog_instrument_title(inst),
        .short_title = catalog_instrument_short_title(inst),
        .parent = catalog_instrument_parent(inst),
        .threshold = rule->threshold,
        .delay_days = rule->delay_days,
        .counted = s->status.counted,
        .threshold_date = s->status.threshold_date,
        .eif = s->status.eif,
        .stage = s->status.stage,
        .waiting_for_parent = s->status.waiting_for_parent,
    };
    if (s->nsigs)
        qsort(s->sigs, s->nsigs, sizeof(s_sig_t), s_cmp_sig);

    rules_party_t *parties = NULL;
    size_t nparties = 0;
    int rc = s_parties(s, &parties, &nparties);
    if (rc == REPORT_OK)
        rc = s_gather_deposits(self, s, parties, nparties);
    if (rc == REPORT_OK)
        rc = s_gather_rows(self, s, parties, nparties);
    if (rc == REPORT_OK)
        rc = s_gather_points(self, s, parties, nparties);
    free(parties);
    if (rc != REPORT_OK)
        return rc;
    s->info.deposits = (int) s->ndeposits;
    s_project(self, s);
    return REPORT_OK;
}

/* Computes instrument index (its parent first) and gathers its lists. */
static int
s_compute(report_t *self, size_t index)
{
    s_inst_t *s = &self->insts[index];
    if (s->visit == 2)
        return REPORT_OK;
    if (s->visit == 1)
        return REPORT_EENGINE; /* a cycle of parents */
    s->visit = 1;
    const rules_instrument_t *parent = NULL;
    const char *parent_id = catalog_instrument_parent(s->inst);
    if (parent_id) {
        const catalog_instrument_t *pinst = catalog_instrument_find(self->catalog, parent_id);
        long pi = pinst ? s_instrument_index(self, pinst) : -1;
        if (pi < 0)
            return REPORT_EENGINE;
        int rc = s_compute(self, (size_t) pi);
        if (rc != REPORT_OK)
            return rc;
        parent = self->insts[pi].engine;
    }
    int rc = rules_instrument_compute(s->engine, self->as_of, parent, &s->status);
    if (rc == RULES_ENOMEM)
        return REPORT_ENOMEM;
    if (rc != RULES_OK)
        return REPORT_EENGINE;
    rc = s_gather(self, s);
    s->visit = 2;
    return rc;
}

/* ---- Title ------------------------------------------------------------ */

/* "Status of ratifications of the <root> and the Protocols thereto as at
   <date>" when one instrument supplements all others, else a plain
   "Status of ratifications as at <date>". */
static int
s_build_title(report_t *self)
{
    char date[RDATE_LONG_SIZE];
    rdate_format_long(self->as_of, date);
    const char *root = NULL;
    size_t roots = 0;
    bool protocols = true, all_children = true;
    for (size_t i = 0; i < self->ninsts; i++)
        if (!catalog_instrument_parent(self->insts[i].inst)) {
            roots++;
            root = catalog_instrument_id(self->insts[i].inst);
        }
    for (size_t i = 0; i < self->ninsts && roots == 1; i++) {
        const catalog_instrument_t *inst = self->insts[i].inst;
        const char *parent = catalog_instrument_parent(inst);
        if (!parent)
            continue;
        if (strcmp(parent, root) != 0)
            all_children = false;
        if (strncmp(catalog_instrument_title(inst), "Protocol", 8) != 0)
            protocols = false;
    }
    const char *root_title = "";
    if (roots == 1)
        root_title = catalog_instrument_title(catalog_instrument_find(self->catalog, root));
    size_t len = strlen(root_title) + strlen(date) + 128;
    self->title = malloc(len);
    if (!self->title)
        return REPORT_ENOMEM;
    if (roots == 1 && self->ninsts == 1)
        snprintf(self->title, len, "Status of ratifications of the %s as at %s", root_title, date);
    else if (roots == 1 && all_children)
        snprintf(self->title, len,
                 "Status of ratifications of the %s and the %s thereto as at "
                 "%s",
                 root_title, protocols ? "Protocols" : "instruments", date);
    else
        snprintf(self->title, len, "Status of ratifications as at %s", date);
    return REPORT_OK;
}

/* ---- Public ----------------------------------------------------------- */

/* Builds the report from the first count events of the table. */
static report_t *
s_new(const catalog_t *catalog, const evtab_t *events, size_t count, rdate_t as_of, int *error)
{
    int rc = REPORT_OK;
    report_t *self = calloc(1, sizeof(report_t));
    if (!self) {
        rc = REPORT_ENOMEM;
        goto done;
    }
    self->catalog = catalog;
    self->as_of = as_of;
    self->ninsts = catalog_instrument_count(catalog);
    self->insts = calloc(self->ninsts ? self->ninsts : 1, sizeof(s_inst_t));
    if (!self->insts) {
        rc = REPORT_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < self->ninsts; i++) {
        s_inst_t *s = &self->insts[i];
        s->inst = catalog_instrument_at(catalog, i);
        s->engine = rules_instrument_new(catalog_instrument_rule(s->inst));
        if (!s->engine) {
            rc = rules_rule_check(catalog_instrument_rule(s->inst)) == RULES_OK ? REPORT_ENOMEM
                                                                                : REPORT_EENGINE;
            goto done;
        }
    }
    rc = s_read_events(self, events, count);
    for (size_t i = 0; i < self->ninsts && rc == REPORT_OK; i++)
        rc = s_compute(self, i);
    if (rc == REPORT_OK)
        rc = s_build_title(self);
    /* The engines' results are copied out; free them now. */
    for (size_t i = 0; i < self->ninsts; i++)
        rules_instrument_destroy(&self->insts[i].engine);

done:
    if (rc != REPORT_OK)
        report_destroy(&self);
    if (error)
        *error = rc;
    return self;
}

report_t *
report_new(const catalog_t *catalog, const event_t *events, size_t count, rdate_t as_of, int *error)
{
    if (!catalog || (count && !events) || !s_valid_date(as_of)) {
        if (error)
            *error = REPORT_EINVAL;
        return NULL;
    }
    evtab_t *table = evtab_new(catalog);
    int rc = table && evtab_reserve(table, count) == 0 ? REPORT_OK : REPORT_ENOMEM;
    for (size_t i = 0; i < count && rc == REPORT_OK; i++)
        if (evtab_append(table, &events[i]) != 0)
            rc = REPORT_ENOMEM;
    report_t *self = NULL;
    if (rc == REPORT_OK)
        self = s_new(catalog, table, count, as_of, &rc);
    evtab_destroy(&table);
    if (error)
        *error = rc;
    return self;
}

report_t *
report_new_from_table(const evtab_t *events, size_t count, rdate_t as_of, int *error)
{
    if (!events || count > evtab_count(events) || !s_valid_date(as_of)) {
        if (error)
            *error = REPORT_EINVAL;
        return NULL;
    }
    return s_new(evtab_catalog(events), events, count, as_of, error);
}

void
report_destroy(report_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    report_t *self = *self_p;
    for (size_t i = 0; self->insts && i < self->ninsts; i++) {
        s_inst_t *s = &self->insts[i];
        rules_instrument_destroy(&s->engine);
        free(s->sigs);
        free(s->deposits);
        free(s->rows);
        for (size_t k = 0; k < s->nannex; k++)
            free(s->annex_notes[k]);
        free(s->annex_notes);
        for (size_t k = 0; k < s->nstatus; k++)
            free(s->status_notes[k]);
        free(s->status_notes);
        free(s->points);
    }
    free(self->insts);
    free(self->title);
    free(self);
    *self_p = NULL;
}

rdate_t
report_as_of(const report_t *self)
{
    return self ? self->as_of : RDATE_NONE;
}

const catalog_t *
report_catalog(const report_t *self)
{
    return self ? self->catalog : NULL;
}

const char *
report_title(const report_t *self)
{
    return self ? self->title : NULL;
}

size_t
report_skipped(const report_t *self)
{
    return self ? self->skipped : 0;
}

size_t
report_instrument_count(const report_t *self)
{
    return self ? self->ninsts : 0;
}

static const s_inst_t *
s_inst(const report_t *self, size_t i)
{
    return self && i < self->ninsts ? &self->insts[i] : NULL;
}

const report_instrument_t *
report_instrument(const report_t *self, size_t i)
{
    const s_inst_t *s = s_inst(self, i);
    return s ? &s->info : NULL;
}

size_t
report_deposit_count(const report_t *self, size_t i)
{
    const s_inst_t *s = s_inst(self, i);
    return s ? s->ndeposits : 0;
}

const report_deposit_t *
report_deposit(const report_t *self, size_t i, size_t j)
{
    const s_inst_t *s = s_inst(self, i);
    return s && j < s->ndeposits ? &s->deposits[j] : NULL;
}

size_t
report_annex_footnote_count(const report_t *self, size_t i)
{
    const s_inst_t *s = s_inst(self, i);
    return s ? s->nannex : 0;
}

const char *
report_annex_footnote(const report_t *self, size_t i, size_t k)
{
    const s_inst_t *s = s_inst(self, i);
    return s && k < s->nannex ? s->annex_notes[k] : NULL;
}

size_t
report_row_count(const report_t *self, size_t i)
{
    const s_inst_t *s = s_inst(self, i);
    return s ? s->nrows : 0;
}

const report_row_t *
report_row(const report_t *self, size_t i, size_t j)
{
    const s_inst_t *s = s_inst(self, i);
    return s && j < s->nrows ? &s->rows[j] : NULL;
}

size_t
report_status_footnote_count(const report_t *self, size_t i)
{
    const s_inst_t *s = s_inst(self, i);
    return s ? s->nstatus : 0;
}

const char *
report_status_footnote(const report_t *self, size_t i, size_t k)
{
    const s_inst_t *s = s_inst(self, i);
    return s && k < s->nstatus ? s->status_notes[k] : NULL;
}

size_t
report_point_count(const report_t *self, size_t i)
{
    const s_inst_t *s = s_inst(self, i);
    return s ? s->npoints : 0;
}

const report_point_t *
report_point(const report_t *self, size_t i, size_t j)
{
    const s_inst_t *s = s_inst(self, i);
    return s && j < s->npoints ? &s->points[j] : NULL;
}

char *
report_mark(size_t k, char *buf, size_t len)
{
    char reversed[16];
    size_t n = 0;
    size_t v = k + 1; /* bijective base 26: a..z, aa.. */
    while (v > 0 && n < sizeof reversed) {
        v--;
        reversed[n++] = (char) ('a' + v % 26);
        v /= 26;
    }
    if (!buf || len == 0)
        return buf;
    if (n + 1 > len) {
        buf[0] = '\0';
        return buf;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = reversed[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

const char *
report_stage_name(rules_stage_t stage)
{
    switch (stage) {
    case RULES_STAGE_SCHEDULED:
        return "scheduled";
    case RULES_STAGE_IN_FORCE:
        return "in force";
    default:
        return "pending";
    }
}
