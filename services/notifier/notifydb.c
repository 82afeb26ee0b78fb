/*  notifydb: schema and statement preparation. */
#include "notifydb.h"

#include "db.h"

#include <stdio.h>

/* Page cache per connection (the main thread's and the delivery
   thread's). SQLite's default is 2,000 KiB, and at rest a connection
   keeps what it filled: after a few thousand alerts that was about half
   the notifier's heap. The hot pages are few -- the tail of alerts, the
   interior pages of the id index, the due-deliveries index -- so 512 KiB
   holds them with room to spare. */
#define NOTIFYDB_CACHE_KIB 512

/* alerts.body is the alert's msgpack form exactly as published (alert.h);
   a replay sends these bytes again. deliveries.next_attempt_ms is wall
   clock: a due row is sent, and while an attempt runs it holds a lease
   (now + timeout) so a crash mid-attempt retries it after the lease. */
static const char *s_schema =
    "CREATE TABLE IF NOT EXISTS alerts ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  milestone_seq INTEGER NOT NULL,"
    "  stored_ms INTEGER NOT NULL,"
    "  body BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS cursors ("
    "  stream TEXT PRIMARY KEY,"
    "  seq INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS webhooks ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  url TEXT NOT NULL,"
    "  type_prefix TEXT NOT NULL,"
    "  secret TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS deliveries ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
    "  alert_seq INTEGER NOT NULL REFERENCES alerts(seq),"
    "  status TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_ms INTEGER NOT NULL,"
    "  last_code INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  updated_ms INTEGER NOT NULL,"
    "  UNIQUE (webhook_id, alert_seq));"
    "CREATE INDEX IF NOT EXISTS deliveries_due"
    "  ON deliveries(webhook_id, status, next_attempt_ms);"
    "CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries(status, id);";

sqlite3 *
notifydb_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = db_open(path, s_schema, err, errlen);
    char why[256];
    if (db && db_set_cache_kib(db, NOTIFYDB_CACHE_KIB, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot size the page cache: %s", why);
        db_close(&db);
    }
    return db;
}

int
notifydb_prepare(sqlite3 *db, const char *const *sql, sqlite3_stmt **st, int count, char *err,
                 size_t errlen)
{
    for (int i = 0; i < count; i++)
        if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st[i], NULL)
            != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement %d: %s", i, sqlite3_errmsg(db));
            return -1;
        }
    return 0;
}
