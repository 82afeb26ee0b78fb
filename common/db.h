/*  db: SQLite opened the one way every service needs it.

    WAL journal, synchronous=FULL (a committed transaction survives power
    loss: an acknowledgement means the data is on disk), a busy timeout, and
    a schema applied in one transaction at open. Thin on purpose: services
    prepare their own statements.

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
    writes it again. */
#ifndef RATIFY_DB_H
#define RATIFY_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* Opens (creating when missing) the database at path, sets the pragmas,
   runs `schema` (a script of CREATE ... IF NOT EXISTS statements, may be
   NULL) and preallocates the WAL (a warning is logged when it cannot: the
   database works without). Returns the handle, or NULL with a reason in
   err. Caller closes it with db_close. */
sqlite3 *db_open(const char *path, const char *schema, char *err, size_t errlen);

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

/* Returns the result of `PRAGMA integrity_check` == "ok" as 0, else -1. */
int db_integrity_ok(sqlite3 *db);

#endif
