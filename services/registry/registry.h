/*  registry: what the registry does with each request, without sockets.

    registry_handle takes one decoded request and produces the reply frame,
    storing the event first when the request is accepted. Keeping this apart
    from the socket loop (main.c) lets the unit tests drive every validation
    rule against a real SQLite file. */
#ifndef RATIFY_REGISTRY_H
#define RATIFY_REGISTRY_H

#include "catalog.h"
#include "msg.h"
#include "store.h"

typedef struct _registry_t registry_t;

/* Returns a registry over a catalog and a store (both borrowed: they must
   outlive it), or NULL when out of memory. Caller destroys it. */
registry_t *registry_new(const catalog_t *catalog, store_t *store);

/* Destroys the registry; accepts NULL and sets *self_p to NULL. */
void registry_destroy(registry_t **self_p);

/* Handles one request frame: appends the reply ("pong", "accepted",
   "events" or "error") to `reply`. `today` is the last date a deposit may
   carry. Returns 1 when a new event was stored (copied into *stored, to be
   published), 0 otherwise. */
int registry_handle(registry_t *self, const msg_in_t *in, rdate_t today, msgpack_sbuffer *reply,
                    event_t *stored);

#endif
