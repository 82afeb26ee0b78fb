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

/* A burst (a full batch of requests, a catch-up, a report) leaves the heap
   holding what it freed. Each service keeps one of these and calls
   service_idle_beat at every heartbeat with a mark that moves whenever it
   works (a cursor, a counter); at the first heartbeat with the mark
   unchanged since the previous one, the heap's free pages go back to the
   system (glibc's malloc_trim, every thread's arena; a no-op elsewhere),
   about a millisecond, once per burst. Start it as {current mark, true}
   when the start-up itself is no burst, else zeroed. */
typedef struct {
    uint64_t mark;  /* the mark at the last heartbeat */
    bool trimmed;   /* nothing done since the last trim */
} service_idle_t;

/* The heartbeat's part of the above: trims when the mark did not move
   since the last call and nothing moved it since the last trim. */
void service_idle_beat(service_idle_t *self, uint64_t mark);

#endif
