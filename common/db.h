/*  db: SQLite opened the one way every service needs it.

    WAL journal, synchronous=FULL (a committed transaction survives power
    loss: an acknowledgement means the data is on disk), a busy timeout, and
    a schema applied in one transaction at open. Thin on purpose: services
    prepare their own statements. */
#ifndef RATIFY_DB_H
#define RATIFY_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* Opens (creating when missing) the database at path, sets the pragmas and
   runs `schema` (a script of CREATE ... IF NOT EXISTS statements, may be
   NULL). Returns the handle, or NULL with a reason in err. Caller closes it
   with db_close. */
sqlite3 *db_open(const char *path, const char *schema, char *err, size_t errlen);

/* Closes the handle (finalising nothing: callers finalise their statements
   first); accepts NULL and sets *db_p to NULL. */
void db_close(sqlite3 **db_p);

/* Runs a statement script with no results. Returns 0, or -1 with the
   SQLite message in err. */
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* Returns the result of `PRAGMA integrity_check` == "ok" as 0, else -1. */
int db_integrity_ok(sqlite3 *db);

#endif
