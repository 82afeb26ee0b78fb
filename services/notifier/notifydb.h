/*  notifydb: the notifier's SQLite file (notifier.db) and its schema.

    One file holds everything the notifier must not lose: the alerts (its
    stream, by sequence), its cursor over the threshold stream, the webhook
    subscriptions and one row per delivery of an alert to a webhook. The
    alert, the cursor and the alert's deliveries are written in one
    transaction, so after a crash either all of them are there or none is
    and the milestone is simply consumed again.

    Each thread opens its own connection (WAL lets the delivery thread read
    while the main thread writes; writers wait on the busy timeout, and
    every write transaction is a few rows). */
#ifndef RATIFY_NOTIFYDB_H
#define RATIFY_NOTIFYDB_H

#include <sqlite3.h>
#include <stddef.h>

/* Opens (creating when missing) the notifier's database at path with
   db.h's durable pragmas and a page cache of NOTIFYDB_CACHE_KIB
   (notifydb.c), and creates the schema. Returns the connection (caller
   closes it with db_close), or NULL with a reason in err. */
sqlite3 *notifydb_open(const char *path, char *err, size_t errlen);

#endif
