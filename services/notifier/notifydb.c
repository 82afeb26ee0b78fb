/*  notifydb: the schema and the page cache. */
#include "notifydb.h"

#include "db.h"

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
    return db_open_cached(path, s_schema, NOTIFYDB_CACHE_KIB, err, errlen);
}
