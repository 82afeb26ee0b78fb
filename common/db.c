/*  db: open with durable pragmas. */
#include "db.h"

#include <stdio.h>
#include <string.h>

int
db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

sqlite3 *
db_open(const char *path, const char *schema, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    char why[256];
    if (db_exec(db,
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;",
                why, sizeof why)
        != 0) {
        snprintf(err, errlen, "cannot configure %s: %s", path, why);
        goto fail;
    }
    if (schema && db_exec(db, schema, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot create the schema in %s: %s", path, why);
        goto fail;
    }
    return db;
fail:
    sqlite3_close(db);
    return NULL;
}

void
db_close(sqlite3 **db_p)
{
    if (!db_p || !*db_p)
        return;
    sqlite3_close(*db_p);
    *db_p = NULL;
}

int
db_integrity_ok(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int ok = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *r = sqlite3_column_text(st, 0);
        ok = r && strcmp((const char *) r, "ok") == 0 ? 0 : -1;
    }
    sqlite3_finalize(st);
    return ok;
}
