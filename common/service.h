/*  service: the start-up and shut-down every service shares.

    A service's main() reads:

        const int started = service_start("registry", argc, argv, s_usage);
        if (started != SERVICE_GO)
            return started;
        ... open what is the service's own, each failure logged ...
        while (!service_stopping()) { ... }
        ... destroy what it opened ...
        security_shutdown();   (after the last socket)

    service_start reads the command line, sets up logging and ZeroMQ
    (sock_init), installs the one SIGINT/SIGTERM handler of the process,
    which only raises a flag, and starts CURVE (security.h) before any
    socket exists; a service's loop checks service_stopping() after each
    poll and leaves in a known order. */
#ifndef RATIFY_SERVICE_H
#define RATIFY_SERVICE_H

#include "catalog.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What service_start returns when the service goes on; any other value is
   the exit status. */
#define SERVICE_GO (-1)

/* Prints a service's usage text on `out`. */
typedef void(service_usage_fn)(FILE *out);

/* Starts the service ratify-<name> (`name` a string literal, "registry"):
   --help or -h prints usage on stdout and returns 0; any other argument
   is refused on stderr, with the usage, and returns 2. Then initialises
   logging as `name`, ZeroMQ defaults and signal handling, and CURVE as
   the server `name` (security_init). Returns SERVICE_GO, or 1 when
   RATIFY_TODAY is not a date or CURVE cannot start (logged). After
   SERVICE_GO the caller calls security_shutdown after its last socket. */
int service_start(const char *name, int argc, char **argv, service_usage_fn *usage);

/* Loads the catalog (RATIFY_CATALOG, else the shipped one). Returns it,
   and the caller destroys it, or NULL (logged). */
catalog_t *service_load_catalog(void);

/* Builds the path of `file` in the data directory into path (size bytes),
   creating the directory when missing. Returns 0, or -1 (logged). */
int service_data_path(const char *file, char *path, size_t size);

/* Returns true once SIGINT or SIGTERM was received. */
bool service_stopping(void);

/* Blocks SIGINT and SIGTERM in the calling thread: they belong to the main
   thread, whose wait they cut short. A thread started while they are
   blocked starts with them blocked. The mask before is stored in *old
   unless old is NULL (to restore with pthread_sigmask(SIG_SETMASK)). */
void service_block_stop_signals(sigset_t *old);

/* Returns the monotonic clock in milliseconds. */
int64_t service_clock_ms(void);

/* Returns the wall clock in milliseconds since the Unix epoch. */
int64_t service_wall_ms(void);

/* A burst (a full batch of requests, a catch-up, a report) leaves the heap
   holding what it freed. Each service keeps one of these and calls
   service_idle_beat at every heartbeat with a mark that moves whenever it
   works (a cursor, a counter); at the first heartbeat with the mark
   unchanged since the previous one, the heap's free pages go back to the
   system (glibc's malloc_trim, every thread's arena; a no-op elsewhere),
   about a millisecond, once per burst. Start it as {current mark, true}
   when the start-up itself is no burst, else zeroed. */
typedef struct {
    uint64_t mark; /* the mark at the last heartbeat */
    bool trimmed;  /* nothing done since the last trim */
} service_idle_t;

/* The heartbeat's part of the above: trims when the mark did not move
   since the last call and nothing moved it since the last trim. */
void service_idle_beat(service_idle_t *self, uint64_t mark);

#endif
