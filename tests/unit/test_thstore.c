/*  test_thstore: the threshold service's mirror of the registry's events
    (services/threshold/thstore.h) on a real SQLite file in a fresh
    temporary directory.

    Covered: inside a transaction, events above every seq held are stored
    whether they fill a multi-row INSERT (16) or not, and read back in
    order with every column (a retraction's reason and retracted seq, an
    event without a date); an event at or below a seq held is told apart:
    already there (0) or new (1, a gap filled); the cursor counts events
    not yet inserted; a rolled-back transaction keeps none of its events
    and the same seqs are new again; an event stored outside a transaction
    is known as a duplicate in the next one; everything survives closing
    and reopening the file; and a failed write (a trigger refusing one
    event, met at the flush a replay makes) refuses the commit, leaving
    nothing of the transaction in the file. */
#include "check.h"
#include "thstore.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EVENTS_MAX 128

static char s_dir[256];
static char s_path[512];

/* Returns an event of seq n: a ratification of instrument I<n%7> by
   participant P<n>, dated 2003-01-01 plus n days; every 10th a retraction
   of seq n-1 with a reason; every 13th without a date. */
static event_t
s_event(int64_t n)
{
    event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.seq = n;
    ev.action = ACTION_RATIFICATION;
    snprintf(ev.instrument, sizeof ev.instrument, "I%d", (int) (n % 7));
    snprintf(ev.participant, sizeof ev.participant, "P%lld", (long long) n);
    ev.date = rdate_add_days(rdate_from_ymd(2003, 1, 1), (int) n);
    if (n % 10 == 0) {
        ev.action = ACTION_RETRACTION;
        ev.retracts = n - 1;
        snprintf(ev.reason, sizeof ev.reason, "entered in error (%lld)", (long long) n);
    }
    if (n % 13 == 0)
        ev.date = RDATE_NONE;
    ev.recorded_ms = 1000000 + n;
    return ev;
}

typedef struct {
    event_t got[EVENTS_MAX];
    int n;
} s_seen_t;

static int
s_collect(void *ctx, const event_t *ev)
{
    s_seen_t *seen = ctx;
    if (seen->n < EVENTS_MAX)
        seen->got[seen->n] = *ev;
    seen->n++;
    return 0;
}

/* Checks that the file holds exactly the events of the given seqs, in
   order, each as s_event made it. */
static void
s_check_file(thstore_t *store, const int64_t *seqs, int n)
{
    s_seen_t *seen = calloc(1, sizeof *seen);
    CHECK(seen != NULL);
    if (!seen)
        return;
    CHECK_INT(thstore_each_event(store, s_collect, seen), 0);
    CHECK_INT(seen->n, n);
    for (int i = 0; i < n && i < seen->n; i++) {
        const event_t want = s_event(seqs[i]);
        const event_t *got = &seen->got[i];
        CHECK_INT(got->seq, want.seq);
        CHECK_INT(got->action, want.action);
        CHECK_STR(got->instrument, want.instrument);
        CHECK_STR(got->participant, want.participant);
        CHECK_INT(got->date, want.date);
        CHECK_INT(got->retracts, want.retracts);
        CHECK_STR(got->reason, want.reason);
        CHECK_INT(got->recorded_ms, want.recorded_ms);
    }
    free(seen);
}

/* Adds seq n; returns what thstore_add_event returned. */
static int
s_add(thstore_t *store, int64_t n)
{
    char err[256] = "";
    const event_t ev = s_event(n);
    const int rc = thstore_add_event(store, &ev, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "thstore_add_event(%lld): %s\n", (long long) n, err);
    return rc;
}

int
main(void)
{
    snprintf(s_dir, sizeof s_dir, "/tmp/ratify-test-thstore.XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(s_path, sizeof s_path, "%s/threshold.db", s_dir);
    char err[256] = "";
    int64_t want[EVENTS_MAX];
    int nwant = 0;

    thstore_t *store = thstore_open(s_path, err, sizeof err);
    CHECK(store != NULL);
    if (!store) {
        fprintf(stderr, "thstore_open: %s\n", err);
        return check_report("test_thstore");
    }
    CHECK_INT(thstore_cursor(store), 0);

    /* 1..40, leaving 20 and 21 out: two full multi-row INSERTs and a rest */
    CHECK_INT(thstore_begin(store, err, sizeof err), 0);
    for (int64_t n = 1; n <= 40; n++) {
        if (n == 20 || n == 21)
            continue;
        CHECK_INT(s_add(store, n), 1);
    }
    CHECK_INT(thstore_cursor(store), 40); /* some of them not inserted yet */
    CHECK_INT(s_add(store, 40), 0);       /* a duplicate of a waiting one */
    CHECK_INT(s_add(store, 5), 0);        /* of an inserted one */
    CHECK_INT(s_add(store, 21), 1);       /* a gap filled */
    CHECK_INT(s_add(store, 21), 0);
    CHECK_INT(s_add(store, 41), 1);
    CHECK_INT(thstore_commit(store, err, sizeof err), 0);
    for (int64_t n = 1; n <= 41; n++)
        if (n != 20)
            want[nwant++] = n;
    CHECK_INT(thstore_cursor(store), 41);
    s_check_file(store, want, nwant);

    /* a rolled-back transaction keeps none of its events, waiting or not */
    CHECK_INT(thstore_begin(store, err, sizeof err), 0);
    for (int64_t n = 42; n <= 70; n++)
        CHECK_INT(s_add(store, n), 1);
    thstore_rollback(store);
    CHECK_INT(thstore_cursor(store), 41);
    s_check_file(store, want, nwant);
    CHECK_INT(thstore_begin(store, err, sizeof err), 0);
    CHECK_INT(s_add(store, 42), 1);
    CHECK_INT(s_add(store, 20), 1);
    CHECK_INT(thstore_commit(store, err, sizeof err), 0);

    /* stored outside a transaction, then seen again inside one */
    CHECK_INT(s_add(store, 43), 1);
    CHECK_INT(thstore_begin(store, err, sizeof err), 0);
    CHECK_INT(s_add(store, 43), 0);
    CHECK_INT(s_add(store, 44), 1);
    CHECK_INT(thstore_commit(store, err, sizeof err), 0);
    thstore_destroy(&store);
    CHECK(store == NULL);

    /* the file, reopened */
    nwant = 0;
    for (int64_t n = 1; n <= 44; n++)
        want[nwant++] = n;
    store = thstore_open(s_path, err, sizeof err);
    CHECK(store != NULL);
    if (store) {
        CHECK_INT(thstore_cursor(store), 44);
        s_check_file(store, want, nwant);
        /* events waiting when the store is closed are rolled back */
        CHECK_INT(thstore_begin(store, err, sizeof err), 0);
        CHECK_INT(s_add(store, 45), 1);
        thstore_destroy(&store);
        store = thstore_open(s_path, err, sizeof err);
        CHECK(store != NULL);
        if (store)
            CHECK_INT(thstore_cursor(store), 44);
        thstore_destroy(&store);
    }

    /* a failed write refuses the commit: 104 is refused by a trigger, and
       its failure (at the flush a replay makes) loses 104 and 105, which
       were reported as stored */
    char refusing[600];
    snprintf(refusing, sizeof refusing, "%s/refusing.db", s_dir);
    store = thstore_open(refusing, err, sizeof err);
    CHECK(store != NULL);
    sqlite3 *other = NULL;
    CHECK_INT(sqlite3_open(refusing, &other), SQLITE_OK);
    CHECK_INT(sqlite3_exec(other,
                           "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.seq = 104"
                           " BEGIN SELECT RAISE(ABORT, 'refused 104'); END;",
                           NULL, NULL, NULL),
              SQLITE_OK);
    sqlite3_close(other);
    if (store) {
        CHECK_INT(thstore_begin(store, err, sizeof err), 0);
        for (int64_t n = 101; n <= 105; n++)
            CHECK_INT(s_add(store, n), 1);
        const event_t replay = s_event(102);
        CHECK_INT(thstore_add_event(store, &replay, err, sizeof err), -1);
        CHECK(strstr(err, "refused 104") != NULL);
        CHECK_INT(thstore_commit(store, err, sizeof err), -1);
        CHECK(strstr(err, "could not be written") != NULL);
        CHECK_INT(thstore_cursor(store), 0);
        /* the next transaction starts clean */
        CHECK_INT(thstore_begin(store, err, sizeof err), 0);
        CHECK_INT(s_add(store, 101), 1);
        CHECK_INT(thstore_commit(store, err, sizeof err), 0);
        CHECK_INT(thstore_cursor(store), 101);
        thstore_destroy(&store);
    }

    static const char *sides[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char side[700];
        snprintf(side, sizeof side, "%s%s", s_path, sides[i]);
        unlink(side);
        snprintf(side, sizeof side, "%s%s", refusing, sides[i]);
        unlink(side);
    }
    rmdir(s_dir);
    return check_report("test_thstore");
}
