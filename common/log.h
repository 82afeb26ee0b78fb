/*  log: structured JSON-lines logs on stdout.

    One line per record: {"ts":"2026-11-27T21:40:00.123Z","level":"info",
    "service":"registry","msg":"..."}. stdout is line-buffered so `docker
    logs` and a terminal see each line as it is written. The service name is
    set once by log_init; the level threshold comes from RATIFY_LOG_LEVEL
    (debug, info, warn, error; default info). */
#ifndef RATIFY_LOG_H
#define RATIFY_LOG_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { RLOG_DEBUG = 0, RLOG_INFO, RLOG_WARN, RLOG_ERROR } log_level_t;

/* Sets the service name written on every line and reads RATIFY_LOG_LEVEL.
   `service` must outlive all logging (a string literal). */
void log_init(const char *service);

/* Checks RATIFY_LOG_LEVEL: unset, empty, or a level (debug, info, warn,
   error, any case). log_init ignores anything else, so a service and
   ratifyctl refuse it at start rather than log at a level nobody chose.
   Returns 0, or -1 with the reason in err. */
int log_check_env(char *err, size_t errlen);

/* Sends the records to `out` instead of stdout (ratifyctl: stderr, so its
   own output on stdout stays clean). `out` must outlive all logging. */
void log_set_output(FILE *out);

/* Writes one record when `level` is at or above the threshold. */
void log_write(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns true when a record of `level` would be written. */
bool log_enabled(log_level_t level);

/* A record below the threshold costs one comparison: its arguments (a
   date formatted for a debug line, say) are not even evaluated. */
#define log_debug(...) (log_enabled(RLOG_DEBUG) ? log_write(RLOG_DEBUG, __VA_ARGS__) : (void) 0)
#define log_info(...)  log_write(RLOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_write(RLOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(RLOG_ERROR, __VA_ARGS__)

#endif
