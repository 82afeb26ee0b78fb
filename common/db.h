/*  db: SQLite opened the one way every service needs it.

    WAL journal, synchronous=FULL (a committed transaction survives power
    loss: an acknowledgement means the data is on disk), a busy timeout, and
    a schema applied in one transaction at open. Thin on purpose: services
    write their own statements, and the helpers below only prepare, step
    and finalise them.

    A handle is used by one thread at a time: it is opened without SQLite's
    own mutexes (SQLITE_OPEN_NOMUTEX), and a thread that needs the database
    opens its own handle (the notifier's deliverer does). The first db_open
    also turns SQLite's memory statistics off for the process. The two cost
    a mutex lock and unlock per SQLite call and per allocation: 6-13% of
    a service's instructions while it takes events in batches.

    Checkpoints (copying the WAL back into the database file) never run in
    a commit: past 1,000 pages of WAL, a thread of the connection's own runs
    a PASSIVE checkpoint on a second connection, so the commit that crosses
    the mark costs what any other does. db_close stops that thread. The
    thread is the connection's WAL hook: never set another one (nor
    `PRAGMA wal_autocheckpoint`, which does) on a db_open handle.
    The WAL is preallocated: db_open writes zeros to it up to the size it
    reaches between two checkpoints (~4.2 MB with 4 KiB pages), so that a
    commit overwrites blocks the file already has. A commit that extends
    the file also has its new size and blocks flushed, which on our disks
    costs a third more than the overwrite, and a WAL only stops growing
    after its first 1,000 pages, which at a few deposits a day is never.
    SQLite ignores the zeros: a frame is read only up to the first that
    does not carry the current header's salt and checksum. The closing of
    the last connection still removes the WAL, and the next db_open
    writes it again.

    A database db_open creates is readable and writable by its owner only
    (mode 0600, whatever the umask), and so are its WAL and shared-memory
    files, which SQLite creates with the database's mode: the notifier's
    holds webhook secrets, and no service's is anyone else's business. An
    existing file keeps its mode; db_make_private narrows it. */
#ifndef RATIFY_DB_H
#define RATIFY_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Opens (creating when missing, mode 0600) the database at path, sets the pragmas,
   runs `schema` (a script of CREATE ... IF NOT EXISTS statements, may be
   NULL) and preallocates the WAL (a warning is logged when it cannot: the
   database works without). Returns the handle, or NULL with a reason in
   err. Caller closes it with db_close. */
sqlite3 *db_open(const char *path, const char *schema, char *err, size_t errlen);

/* Takes the group's and others' permissions off the database at path and
   its -wal and -shm files, those that exist (the owner's stay). Returns
   how many files it changed (0 when none needed it), or -1 with a reason
   in err. */
int db_make_private(const char *path, char *err, size_t errlen);

/* db_open, then the page cache capped at cache_kib KiB (db_set_cache_kib).
   Returns the handle, or NULL with a reason in err. Caller closes it with
   db_close. */
sqlite3 *db_open_cached(const char *path, const char *schema, int cache_kib, char *err,
                        size_t errlen);

/* Caps the connection's page cache at kib KiB (SQLite's default is
   2,000 KiB, and a connection keeps what it filled). Returns 0, or -1 with
   the SQLite message in err. */
int db_set_cache_kib(sqlite3 *db, int kib, char *err, size_t errlen);

/* For a database that only holds what can be read again from another
   service's log, and acknowledges nothing (the reporter's view of the
   registry's events, with its cursor in the same transactions): commits
   are no longer flushed to disk (synchronous=NORMAL). A crash of the
   process loses nothing; a power cut may take back the last commits, and
   the cursor with them, so they are read again. Its fsyncs no longer
   compete on the disk with those of the services that acknowledge or
   publish. Returns 0, or -1 with the SQLite message in err. */
int db_set_derived(sqlite3 *db, char *err, size_t errlen);

/* Closes a handle from db_open (finalising nothing: callers finalise their
   statements first) and stops its checkpointer thread; accepts NULL and
   sets *db_p to NULL. Never call sqlite3_close on a db_open handle. */
void db_close(sqlite3 **db_p);

/* Runs a statement script with no results. Returns 0, or -1 with the
   SQLite message in err. */
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* A store keeps its statements in a table, sql[i] prepared into st[i] at
   open and finalised before db_close; each use binds, steps and resets:
       if (db_prepare(db, s_sql, self->st, ST_COUNT, err, errlen) != 0) ...
       sqlite3_bind_int64(self->st[ST_ADD], 1, seq);
       if (db_run(self->st[ST_ADD], err, errlen) != 0) ...
       db_finalize(self->st, ST_COUNT);
   Prepares each of the `count` statements sql[i] into st[i], persistent.
   Returns 0, or -1 with the failing statement's index and SQLite's reason
   in err; either way st[] holds what was prepared, for db_finalize. */
int db_prepare(sqlite3 *db, const char *const *sql, sqlite3_stmt **st, int count, char *err,
               size_t errlen);

/* Finalises the `count` statements of st[] (a NULL one is skipped) and sets
   each to NULL. */
void db_finalize(sqlite3_stmt **st, int count);

/* Steps a statement that gives no rows (BEGIN, COMMIT, an INSERT ...) to
   its end, then resets it and clears its bindings. Returns 0, or -1 with
   SQLite's message in err (when err is not NULL). */
int db_run(sqlite3_stmt *st, char *err, size_t errlen);

/* Steps a statement that gives one row, reads its first column as an
   integer into *out, and resets it. Returns 0, or -1 when no row came
   (sqlite3_errmsg says why, when the step failed). */
int db_scalar(sqlite3_stmt *st, int64_t *out);

/* Copies the text of column col of the statement's current row into buf,
   cut to cap - 1 bytes (cap > 0) and terminated; NULL copies as "". */
void db_column_copy(sqlite3_stmt *st, int col, char *buf, size_t cap);

/* Returns the result of `PRAGMA integrity_check` == "ok" as 0, else -1. */
int db_integrity_ok(sqlite3 *db);

#endif
