/*  service: the start-up and shut-down every service shares.

    service_init sets up logging and ZeroMQ (sock_init), and installs the
    one SIGINT/SIGTERM handler of the process, which only raises a flag; a
    service's loop checks service_stopping() after each poll and leaves in a
    known order. */
#ifndef RATIFY_SERVICE_H
#define RATIFY_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

/* Initialises logging for `name` (a string literal), ZeroMQ defaults and
   signal handling. Returns 0, or -1 when RATIFY_TODAY is set but is not a
   valid date (logged). */
int service_init(const char *name);

/* Returns true once SIGINT or SIGTERM was received. */
bool service_stopping(void);

/* Returns the monotonic clock in milliseconds. */
int64_t service_clock_ms(void);

/* Returns the wall clock in milliseconds since the Unix epoch. */
int64_t service_wall_ms(void);

/* Hands the heap's free pages back to the system (glibc's malloc_trim,
   every thread's arena; a no-op elsewhere). A burst (a full batch of
   requests, a catch-up, a report) leaves the heap holding what it freed:
   each service calls this at its first quiet heartbeat after one, about a
   millisecond, once per burst. Returns true (callers keep it as "trimmed
   since the last burst"). */
bool service_trim_heap(void);

#endif
