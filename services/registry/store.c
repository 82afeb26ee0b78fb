/*  store: SQLite event log. Statements are prepared once at open.

    The two lookups every deposit makes (the same action already stored, a
    participant's latest standing action) are answered from memory, from an
    index built at open by reading the log once and kept up to date by
    store_append: for each (instrument, participant), a chain of its events
    from the newest back, each as seq, date, action and "retracted". The log
    table itself has no index on (instrument, participant): the rows of one
    group commit go to random places in such an index, so a commit of 30
    deposits wrote about 30 index pages (120 kB) to the WAL and its fsync
    took 4 to 10 times a one-row commit; without it a commit writes the
    table's last page or two whatever the batch. A row is read back from
    SQLite (by seq) only when a lookup finds one.

    Cost: 16 bytes per event plus 12 per (instrument, participant) slot
    (about 3 MB for 100,000 events); lookups O(events of that participant
    for that instrument); open reads the whole log once (60 to 100 ms per
    100,000 events). Inside a transaction every change to the
    index is noted, and store_rollback undoes them in reverse order, so the
    index always matches what the log holds. */
#include "store.h"

#include "db.h"
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_schema =
    "CREATE TABLE IF NOT EXISTS events ("
    "  seq INTEGER PRIMARY KEY,"
    "  action TEXT NOT NULL,"
    "  instrument TEXT NOT NULL,"
    "  participant TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  retracts INTEGER,"
    "  reason TEXT,"
    "  recorded_ms INTEGER NOT NULL);"
    /* (instrument, participant) lookups are answered from memory (above);
       a log written by an earlier version loses the index it no longer needs */
    "DROP INDEX IF EXISTS events_by_party;"
    "CREATE INDEX IF NOT EXISTS events_by_retracts ON events(retracts) WHERE retracts IS NOT NULL;";

/* The page cache holds what appends and replays touch: the table's last
   pages and the pages a follower is reading. */
#define STORE_CACHE_KIB 1024

#define COLS "seq, action, instrument, participant, date, retracts, reason, recorded_ms"

enum {
    ST_LAST,
    ST_GET,
    ST_RETRACTION,
    ST_INSERT,
    ST_SINCE,
    ST_INDEX,
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_COUNT
};

static const char *s_sql[ST_COUNT] = {
    [ST_LAST] = "SELECT COALESCE(MAX(seq), 0) FROM events",
    [ST_GET] = "SELECT " COLS " FROM events e WHERE seq = ?1",
    [ST_RETRACTION] = "SELECT " COLS " FROM events e WHERE retracts = ?1 ORDER BY seq LIMIT 1",
    [ST_INSERT] = "INSERT INTO events (action, instrument, participant, date, retracts, reason,"
                  " recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_SINCE] = "SELECT " COLS " FROM events e WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
    [ST_INDEX] = "SELECT seq, action, instrument, participant, date, retracts FROM events"
                 " ORDER BY seq",
    /* prepared once: every group commit runs them, on a deposit's path */
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
};

/* ---- the in-memory index ---------------------------------------------------- */

/* One event other than a retraction. `link` packs the index + 1 of the
   same pair's previous event (0: none) in its low LINK_BITS, the action
   above them and "retracted" in the top bit. */
typedef struct {
    int64_t seq;
    rdate_t date;
    uint32_t link;
} s_rec_t;

#define LINK_BITS         27
#define LINK_MASK         ((1u << LINK_BITS) - 1)
#define LINK_ACTION_SHIFT LINK_BITS /* 4 bits: action_t fits */
#define LINK_RETRACTED    (1u << 31)
#define RECS_MAX          LINK_MASK /* 134 million events */

static inline uint32_t
s_rec_prev(const s_rec_t *r) /* index + 1, 0 for none */
{
    return r->link & LINK_MASK;
}

static inline action_t
s_rec_action(const s_rec_t *r)
{
    return (action_t) ((r->link >> LINK_ACTION_SHIFT) & 0xF);
}

static inline bool
s_rec_live(const s_rec_t *r)
{
    return (r->link & LINK_RETRACTED) == 0;
}

/* (instrument id, participant id) -> index + 1 of its newest event. A
   slot, once taken, stays with its pair (head 0 when its events were all
   rolled back), so probe sequences never break. */
typedef struct {
    uint32_t instrument1; /* instrument id + 1; 0: a free slot */
    uint32_t participant;
    uint32_t head; /* 0: no event */
} s_pair_t;

/* What store_rollback must undo, newest last. */
typedef struct {
    uint32_t rec; /* the record appended (then its pair's head) or retracted */
    uint32_t instrument, participant;
    bool retracted; /* false: an append */
} s_undo_t;

typedef struct {
    s_rec_t *recs;
    size_t nrecs, caprecs;
    strmap_t *instruments, *participants; /* id -> small integer, from 0 in order seen */
    s_pair_t *pairs;
    size_t cappairs, npairs;
    s_undo_t *undo;
    size_t nundo, capundo;
    bool logging; /* inside store_begin .. commit/rollback */
} s_index_t;

/* Returns the small integer of name, or UINT32_MAX when it was never
   interned. */
static uint32_t
s_names_find(const strmap_t *names, const char *name)
{
    uint32_t id;
    return strmap_get(names, name, &id) ? id : UINT32_MAX;
}

/* Returns the small integer of name, interning it (the next one) when new;
   UINT32_MAX when out of memory. */
static uint32_t
s_names_intern(strmap_t *names, const char *name)
{
    uint32_t id = s_names_find(names, name);
    if (id != UINT32_MAX)
        return id;
    id = (uint32_t) strmap_count(names);
    return strmap_insert(names, name, id) == 0 ? id : UINT32_MAX;
}

static size_t
s_pair_hash(uint32_t instrument, uint32_t participant, size_t cap)
{
    uint64_t h = (uint64_t) instrument << 32 | participant; /* splitmix64's finaliser */
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    return (size_t) (h ^ (h >> 31)) & (cap - 1);
}

/* Returns the slot of the pair, the free slot where it would go (when
   `free_slot`), or NULL. */
static s_pair_t *
s_pair_slot(const s_index_t *x, uint32_t instrument, uint32_t participant, bool free_slot)
{
    if (x->cappairs == 0 || instrument == UINT32_MAX || participant == UINT32_MAX)
        return NULL;
    for (size_t i = s_pair_hash(instrument, participant, x->cappairs);;
         i = (i + 1) & (x->cappairs - 1)) {
        s_pair_t *p = &x->pairs[i];
        if (p->instrument1 == 0)
            return free_slot ? p : NULL;
        if (p->instrument1 == instrument + 1 && p->participant == participant)
            return p;
    }
}

/* Returns the newest event of the pair (index + 1), 0 when none. */
static uint32_t
s_pair_head(const s_index_t *x, const char *instrument, const char *participant)
{
    const s_pair_t *p = s_pair_slot(x, s_names_find(x->instruments, instrument),
                                    s_names_find(x->participants, participant), false);
    return p ? p->head : 0;
}

/* Returns the pair's slot, made when new; NULL when out of memory. */
static s_pair_t *
s_pair_reserve(s_index_t *x, uint32_t instrument, uint32_t participant)
{
    s_pair_t *p = s_pair_slot(x, instrument, participant, false);
    if (p)
        return p;
    if (2 * (x->npairs + 1) > x->cappairs) {
        const size_t cap = x->cappairs ? 2 * x->cappairs : 1024;
        s_pair_t *grown = calloc(cap, sizeof *grown);
        if (!grown)
            return NULL;
        for (size_t i = 0; i < x->cappairs; i++)
            if (x->pairs[i].instrument1) {
                size_t j = s_pair_hash(x->pairs[i].instrument1 - 1, x->pairs[i].participant, cap);
                while (grown[j].instrument1)
                    j = (j + 1) & (cap - 1);
                grown[j] = x->pairs[i];
            }
        free(x->pairs);
        x->pairs = grown;
        x->cappairs = cap;
    }
    p = s_pair_slot(x, instrument, participant, true);
    *p = (s_pair_t){.instrument1 = instrument + 1, .participant = participant};
    x->npairs++;
    return p;
}

/* Returns the index of the event seq, or SIZE_MAX (records are in seq
   order: binary search). */
static size_t
s_rec_find(const s_index_t *x, int64_t seq)
{
    size_t lo = 0, hi = x->nrecs;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (x->recs[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->nrecs && x->recs[lo].seq == seq ? lo : SIZE_MAX;
}

/* Where an event goes: filled by s_index_reserve, used by s_index_add. */
typedef struct {
    s_pair_t *pair; /* NULL for a retraction */
    uint32_t instrument, participant;
} s_room_t;

/* Makes room for ev, so that s_index_add cannot fail; nothing else may
   change the index in between. Returns 0, or -1 when out of memory (what
   was reserved stays, unused). */
static int
s_index_reserve(s_index_t *x, const event_t *ev, s_room_t *room)
{
    room->pair = NULL;
    if (x->logging && x->nundo == x->capundo) {
        const size_t cap = x->capundo ? 2 * x->capundo : 256;
        s_undo_t *grown = realloc(x->undo, cap * sizeof *grown);
        if (!grown)
            return -1;
        x->undo = grown;
        x->capundo = cap;
    }
    if (ev->action == ACTION_RETRACTION)
        return 0;
    if (x->nrecs >= RECS_MAX)
        return -1;
    if (x->nrecs == x->caprecs) {
        const size_t cap = x->caprecs ? x->caprecs + x->caprecs / 2 : 4096;
        s_rec_t *grown = realloc(x->recs, (cap < RECS_MAX ? cap : RECS_MAX) * sizeof *grown);
        if (!grown)
            return -1;
        x->recs = grown;
        x->caprecs = cap < RECS_MAX ? cap : RECS_MAX;
    }
    room->instrument = s_names_intern(x->instruments, ev->instrument);
    room->participant = s_names_intern(x->participants, ev->participant);
    if (room->instrument == UINT32_MAX || room->participant == UINT32_MAX)
        return -1;
    room->pair = s_pair_reserve(x, room->instrument, room->participant);
    return room->pair ? 0 : -1;
}

/* Adds a stored event to the index, in the room s_index_reserve made. */
static void
s_index_add(s_index_t *x, const event_t *ev, const s_room_t *room)
{
    if (ev->action == ACTION_RETRACTION) {
        const size_t i = s_rec_find(x, ev->retracts);
        if (i == SIZE_MAX || !s_rec_live(&x->recs[i]))
            return; /* nothing known to retract, or retracted already */
        if (x->logging)
            x->undo[x->nundo++] = (s_undo_t){.rec = (uint32_t) i, .retracted = true};
        x->recs[i].link |= LINK_RETRACTED;
        return;
    }
    s_pair_t *p = room->pair;
    if (x->logging)
        x->undo[x->nundo++] = (s_undo_t){.rec = (uint32_t) x->nrecs,
                                         .instrument = room->instrument,
                                         .participant = room->participant};
    s_rec_t *r = &x->recs[x->nrecs];
    r->seq = ev->seq;
    r->date = ev->date;
    r->link = p->head | ((uint32_t) ev->action & 0xF) << LINK_ACTION_SHIFT;
    p->head = (uint32_t) ++x->nrecs;
}

/* Undoes every change since store_begin, newest first. */
static void
s_index_rollback(s_index_t *x)
{
    while (x->nundo > 0) {
        const s_undo_t u = x->undo[--x->nundo];
        s_rec_t *r = &x->recs[u.rec];
        if (u.retracted) {
            r->link &= ~LINK_RETRACTED;
            continue;
        }
        /* an append: the newest record, at the head of its pair */
        s_pair_t *p = s_pair_slot(x, u.instrument, u.participant, false);
        if (p && p->head == u.rec + 1)
            p->head = s_rec_prev(r);
        x->nrecs = u.rec;
    }
}

static void
s_index_clear(s_index_t *x)
{
    free(x->recs);
    free(x->pairs);
    free(x->undo);
    strmap_destroy(&x->instruments);
    strmap_destroy(&x->participants);
    memset(x, 0, sizeof *x);
}

/* ---- the store ---------------------------------------------------------------- */

struct _store_t {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int64_t last_seq;
    int64_t last_seq_at_begin; /* restored by store_rollback */
    s_index_t index;
};

/* Builds the index from the whole log. Returns 0, or -1 with err. */
static int
s_index_load(store_t *self, char *err, size_t errlen)
{
    self->index.instruments = strmap_new();
    self->index.participants = strmap_new();
    if (!self->index.instruments || !self->index.participants) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sqlite3_stmt *st = self->st[ST_INDEX];
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        event_t ev;
        ev.seq = sqlite3_column_int64(st, 0);
        const unsigned char *t = sqlite3_column_text(st, 1);
        ev.action = action_parse(t ? (const char *) t : "");
        db_column_copy(st, 2, ev.instrument, sizeof ev.instrument);
        db_column_copy(st, 3, ev.participant, sizeof ev.participant);
        t = sqlite3_column_text(st, 4);
        if (!t || rdate_parse((const char *) t, &ev.date) != 0)
            ev.date = RDATE_NONE;
        ev.retracts = sqlite3_column_int64(st, 5);
        s_room_t room;
        if (s_index_reserve(&self->index, &ev, &room) != 0) {
            snprintf(err, errlen, "out of memory indexing the log at event %lld",
                     (long long) ev.seq);
            sqlite3_reset(st);
            return -1;
        }
        s_index_add(&self->index, &ev, &room);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "cannot read the log: %s", sqlite3_errmsg(self->db));
        return -1;
    }
    return 0;
}

store_t *
store_open(const char *path, char *err, size_t errlen)
{
    store_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->db = db_open_cached(path, s_schema, STORE_CACHE_KIB, err, errlen);
    if (!self->db || db_prepare(self->db, s_sql, self->st, ST_COUNT, err, errlen) != 0)
        goto fail;
    if (db_scalar(self->st[ST_LAST], &self->last_seq) != 0) {
        snprintf(err, errlen, "cannot read the log: %s", sqlite3_errmsg(self->db));
        goto fail;
    }
    if (s_index_load(self, err, errlen) != 0)
        goto fail;
    return self;
fail:
    store_destroy(&self);
    return NULL;
}

void
store_destroy(store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    store_t *self = *self_p;
    db_finalize(self->st, ST_COUNT);
    db_close(&self->db);
    s_index_clear(&self->index);
    free(self);
    *self_p = NULL;
}

int64_t
store_last_seq(store_t *self)
{
    return self->last_seq;
}

static void
s_read_row(sqlite3_stmt *st, event_t *ev)
{
    char text[32];
    memset(ev, 0, sizeof *ev);
    ev->seq = sqlite3_column_int64(st, 0);
    db_column_copy(st, 1, text, sizeof text);
    ev->action = action_parse(text);
    db_column_copy(st, 2, ev->instrument, sizeof ev->instrument);
    db_column_copy(st, 3, ev->participant, sizeof ev->participant);
    db_column_copy(st, 4, text, sizeof text);
    if (rdate_parse(text, &ev->date) != 0)
        ev->date = RDATE_NONE;
    ev->retracts = sqlite3_column_int64(st, 5);
    db_column_copy(st, 6, ev->reason, sizeof ev->reason);
    ev->recorded_ms = sqlite3_column_int64(st, 7);
}

/* Steps a statement expected to give at most one row. */
static int
s_one(sqlite3_stmt *st, event_t *out)
{
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1 && out)
        s_read_row(st, out);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return found;
}

static void
s_bind_date(sqlite3_stmt *st, int idx, rdate_t date)
{
    char buf[RDATE_ISO_SIZE];
    if (date == RDATE_NONE)
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_text(st, idx, rdate_format(date, buf), -1, SQLITE_TRANSIENT);
}

int
store_get(store_t *self, int64_t seq, event_t *out)
{
    sqlite3_stmt *st = self->st[ST_GET];
    sqlite3_bind_int64(st, 1, seq);
    return s_one(st, out);
}

/* Reads the event a lookup found into *out. Returns 1, or -1 when the row
   cannot be read (the log and the index disagree: a storage error). */
static int
s_found(store_t *self, int64_t seq, event_t *out)
{
    if (!out)
        return 1;
    return store_get(self, seq, out) == 1 ? 1 : -1;
}

int
store_find_same(store_t *self, const event_t *like, event_t *out)
{
    const s_index_t *x = &self->index;
    int64_t best = -1; /* the first stored: smallest seq */
    uint32_t i = s_pair_head(x, like->instrument, like->participant);
    for (; i != 0; i = s_rec_prev(&x->recs[i - 1])) {
        const s_rec_t *r = &x->recs[i - 1];
        if (s_rec_action(r) == like->action && r->date == like->date && like->date != RDATE_NONE
            && s_rec_live(r))
            best = r->seq;
    }
    return best < 0 ? 0 : s_found(self, best, out);
}

int
store_find_latest(store_t *self, const char *instrument, const char *participant, unsigned actions,
                  rdate_t on_or_before, event_t *out)
{
    const s_index_t *x = &self->index;
    const s_rec_t *best = NULL; /* the latest date, then the largest seq */
    uint32_t i = s_pair_head(x, instrument, participant);
    for (; i != 0; i = s_rec_prev(&x->recs[i - 1])) {
        const s_rec_t *r = &x->recs[i - 1];
        const action_t a = s_rec_action(r);
        if (a == ACTION_NONE || a >= ACTION_RETRACTION || !((actions >> a) & 1u) || !s_rec_live(r)
            || r->date == RDATE_NONE || (on_or_before != RDATE_NONE && r->date > on_or_before))
            continue;
        if (!best || r->date > best->date || (r->date == best->date && r->seq > best->seq))
            best = r;
    }
    return best ? s_found(self, best->seq, out) : 0;
}

int
store_find_retraction(store_t *self, int64_t seq, event_t *out)
{
    sqlite3_stmt *st = self->st[ST_RETRACTION];
    sqlite3_bind_int64(st, 1, seq);
    return s_one(st, out);
}

int
store_append(store_t *self, event_t *ev, char *err, size_t errlen)
{
    if (self->index.logging && sqlite3_get_autocommit(self->db)) {
        /* SQLite rolled the group's transaction back on an error (a full
           disk, an I/O error): none of it is stored, and this is not
           stored alone either; store_commit fails, store_rollback undoes
           the index */
        snprintf(err, errlen, "the transaction was rolled back");
        return -1;
    }
    /* room in the index first: once the row is in, adding it cannot fail */
    s_room_t room;
    if (s_index_reserve(&self->index, ev, &room) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sqlite3_stmt *st = self->st[ST_INSERT];
    sqlite3_bind_text(st, 1, action_name(ev->action), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->instrument, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ev->participant, -1, SQLITE_STATIC);
    s_bind_date(st, 4, ev->date);
    if (ev->action == ACTION_RETRACTION) {
        sqlite3_bind_int64(st, 5, ev->retracts);
        sqlite3_bind_text(st, 6, ev->reason, -1, SQLITE_STATIC);
    }
    else {
        sqlite3_bind_null(st, 5);
        sqlite3_bind_null(st, 6);
    }
    sqlite3_bind_int64(st, 7, ev->recorded_ms);
    /* durable when step returns DONE outside a group, else at store_commit */
    if (db_run(st, err, errlen) != 0)
        return -1;
    ev->seq = sqlite3_last_insert_rowid(self->db);
    self->last_seq = ev->seq;
    s_index_add(&self->index, ev, &room);
    return 0;
}

int
store_begin(store_t *self, char *err, size_t errlen)
{
    self->last_seq_at_begin = self->last_seq;
    if (db_run(self->st[ST_BEGIN], err, errlen) != 0)
        return -1;
    self->index.nundo = 0;
    self->index.logging = true;
    return 0;
}

int
store_commit(store_t *self, char *err, size_t errlen)
{
    if (db_run(self->st[ST_COMMIT], err, errlen) != 0)
        return -1; /* the caller rolls back */
    self->index.logging = false;
    self->index.nundo = 0;
    return 0;
}

void
store_rollback(store_t *self)
{
    if (sqlite3_get_autocommit(self->db) == 0)
        db_run(self->st[ST_ROLLBACK], NULL, 0);
    self->last_seq = self->last_seq_at_begin;
    s_index_rollback(&self->index);
    self->index.logging = false;
}

int
store_since(store_t *self, int64_t from, event_t *out, size_t cap)
{
    sqlite3_stmt *st = self->st[ST_SINCE];
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, (sqlite3_int64) cap);
    int n = 0, rc = SQLITE_DONE;
    while ((size_t) n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s_read_row(st, &out[n++]);
    if ((size_t) n < cap && rc != SQLITE_DONE)
        n = -1;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return n;
}
