/*  test_evmirror: several events to an INSERT (common/evmirror.h), on a
    real SQLite file in a fresh temporary directory.

    Covered: queued events are not in the table until flushed, and a full
    queue (EVMIRROR_ROWS) inserts itself; a flush of a part-full queue;
    every column read back (a retraction's retracted seq and reason, an
    event without a date as NULL); an insert goes after the queue and says
    whether its seq was new (1) or there (0); a dropped queue inserts
    nothing; a failing INSERT (here a trigger's ABORT) is reported
    with SQLite's reason and drops the queue; a mirror on a file without
    the table is refused. */
#include "check.h"
#include "db.h"
#include "evmirror.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char s_dir[256];

/* Returns an event of seq n (a retraction of n-1 when n is a multiple of
   5, without a date when of 7). */
static event_t
s_event(int64_t n)
{
    event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.seq = n;
    ev.action = n % 5 == 0 ? ACTION_RETRACTION : ACTION_ACCESSION;
    snprintf(ev.instrument, sizeof ev.instrument, "UNTOC");
    snprintf(ev.participant, sizeof ev.participant, "P%lld", (long long) n);
    ev.date = n % 7 == 0 ? RDATE_NONE : rdate_add_days(rdate_from_ymd(2003, 7, 1), (int) n);
    if (ev.action == ACTION_RETRACTION) {
        ev.retracts = n - 1;
        snprintf(ev.reason, sizeof ev.reason, "wrong date on %lld", (long long) (n - 1));
    }
    ev.recorded_ms = 5000 + n;
    return ev;
}

/* Returns the number of rows in events. */
static int64_t
s_rows(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM events", -1, &st, NULL) == SQLITE_OK)
        db_scalar(st, &n);
    sqlite3_finalize(st);
    return n;
}

/* Checks that row seq n holds s_event(n). */
static void
s_check_row(sqlite3 *db, int64_t n)
{
    const event_t want = s_event(n);
    sqlite3_stmt *st = NULL;
    CHECK_INT(sqlite3_prepare_v2(db,
                                 "SELECT action, instrument, participant, date, retracts, reason,"
                                 " recorded_ms FROM events WHERE seq = ?1",
                                 -1, &st, NULL),
              SQLITE_OK);
    sqlite3_bind_int64(st, 1, n);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *) sqlite3_column_text(st, 0), action_name(want.action));
    CHECK_STR((const char *) sqlite3_column_text(st, 1), want.instrument);
    CHECK_STR((const char *) sqlite3_column_text(st, 2), want.participant);
    char date[RDATE_ISO_SIZE];
    if (want.date == RDATE_NONE)
        CHECK_INT(sqlite3_column_type(st, 3), SQLITE_NULL);
    else
        CHECK_STR((const char *) sqlite3_column_text(st, 3), rdate_format(want.date, date));
    if (want.action == ACTION_RETRACTION) {
        CHECK_INT(sqlite3_column_int64(st, 4), want.retracts);
        CHECK_STR((const char *) sqlite3_column_text(st, 5), want.reason);
    }
    else {
        CHECK_INT(sqlite3_column_type(st, 4), SQLITE_NULL);
        CHECK_INT(sqlite3_column_type(st, 5), SQLITE_NULL);
    }
    CHECK_INT(sqlite3_column_int64(st, 6), want.recorded_ms);
    sqlite3_finalize(st);
}

/* Returns a fresh database at s_dir/name with the given schema, or NULL. */
static sqlite3 *
s_open(const char *name, const char *schema)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    sqlite3 *db = db_open(path, schema, err, sizeof err);
    if (!db)
        fprintf(stderr, "db_open %s: %s\n", path, err);
    return db;
}

static void
s_remove(const char *name)
{
    static const char *sides[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s%s", s_dir, name, sides[i]);
        unlink(path);
    }
}

int
main(void)
{
    snprintf(s_dir, sizeof s_dir, "/tmp/ratify-test-evmirror.XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return 1;
    }
    char err[256] = "";
    sqlite3 *db = s_open("mirror.db", EVMIRROR_SCHEMA);
    CHECK(db != NULL);
    evmirror_t *m = db ? evmirror_new(db, err, sizeof err) : NULL;
    CHECK(m != NULL);
    if (m) {
        /* a full queue inserts itself, the rest waits for the flush */
        for (int64_t n = 1; n <= EVMIRROR_ROWS + 3; n++) {
            const event_t ev = s_event(n);
            CHECK_INT(evmirror_queue(m, &ev, err, sizeof err), 0);
            if (n < EVMIRROR_ROWS)
                CHECK_INT(s_rows(db), 0);
        }
        CHECK_INT(s_rows(db), EVMIRROR_ROWS);
        CHECK_INT(evmirror_queued(m), 3);
        CHECK_INT(evmirror_flush(m, err, sizeof err), 0);
        CHECK_INT(evmirror_queued(m), 0);
        CHECK_INT(s_rows(db), EVMIRROR_ROWS + 3);
        for (int64_t n = 1; n <= EVMIRROR_ROWS + 3; n++)
            s_check_row(db, n);

        /* an insert goes after the queue, and tells new from there */
        event_t ev = s_event(30);
        CHECK_INT(evmirror_queue(m, &ev, err, sizeof err), 0);
        ev = s_event(30);
        CHECK_INT(evmirror_insert(m, &ev, err, sizeof err), 0); /* the queued one came first */
        ev = s_event(3);
        CHECK_INT(evmirror_insert(m, &ev, err, sizeof err), 0);
        ev = s_event(25);
        CHECK_INT(evmirror_insert(m, &ev, err, sizeof err), 1);
        s_check_row(db, 25);
        s_check_row(db, 30);

        /* a dropped queue inserts nothing */
        ev = s_event(31);
        CHECK_INT(evmirror_queue(m, &ev, err, sizeof err), 0);
        evmirror_drop(m);
        CHECK_INT(evmirror_flush(m, err, sizeof err), 0);
        CHECK_INT(s_rows(db), EVMIRROR_ROWS + 5);
    }
    evmirror_destroy(&m);
    CHECK(m == NULL);
    evmirror_destroy(&m); /* accepts NULL */
    db_close(&db);

    /* a failing INSERT (OR IGNORE does not cover a trigger's ABORT): the
       table refuses retractions */
    db = s_open("refusing.db", EVMIRROR_SCHEMA
                "CREATE TRIGGER IF NOT EXISTS no_retractions BEFORE INSERT ON events"
                " WHEN NEW.action = 'retraction'"
                " BEGIN SELECT RAISE(ABORT, 'no retractions here'); END;");
    m = db ? evmirror_new(db, err, sizeof err) : NULL;
    CHECK(m != NULL);
    if (m) {
        event_t ev = s_event(4);
        CHECK_INT(evmirror_queue(m, &ev, err, sizeof err), 0);
        ev = s_event(5); /* a retraction */
        CHECK_INT(evmirror_queue(m, &ev, err, sizeof err), 0);
        err[0] = '\0';
        CHECK_INT(evmirror_flush(m, err, sizeof err), -1);
        CHECK(strstr(err, "no retractions here") != NULL);
        CHECK_INT(evmirror_queued(m), 0);
        ev = s_event(10);
        CHECK_INT(evmirror_insert(m, &ev, err, sizeof err), -1);
        /* a full queue that fails: the call that filled it says so */
        int failed = 0;
        for (int64_t n = 1; n <= EVMIRROR_ROWS; n++) {
            ev = s_event(100 + n);
            failed += evmirror_queue(m, &ev, err, sizeof err) != 0;
        }
        CHECK_INT(failed, 1);
        CHECK_INT(evmirror_queued(m), 0);
    }
    evmirror_destroy(&m);
    db_close(&db);

    /* no table to write to */
    db = s_open("empty.db", "CREATE TABLE IF NOT EXISTS other (x)");
    m = db ? evmirror_new(db, err, sizeof err) : NULL;
    CHECK(m == NULL);
    CHECK(strstr(err, "no such table") != NULL);
    db_close(&db);

    s_remove("mirror.db");
    s_remove("refusing.db");
    s_remove("empty.db");
    rmdir(s_dir);
    return check_report("test_evmirror");
}
