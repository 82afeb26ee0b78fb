/*  log: JSON-lines records, escaped by jansson so any message is valid
    JSON whatever bytes it holds. */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *s_service = "ratify";
static log_level_t s_threshold = RLOG_INFO;
static const char *s_level_names[] = {"debug", "info", "warn", "error"};
static FILE *s_out = NULL; /* NULL: stdout */

void
log_set_output(FILE *out)
{
    s_out = out;
}

void
log_init(const char *service)
{
    s_service = service;
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *level = getenv("RATIFY_LOG_LEVEL");
    if (level)
        for (int i = RLOG_DEBUG; i <= RLOG_ERROR; i++)
            if (strcasecmp(level, s_level_names[i]) == 0)
                s_threshold = (log_level_t) i;
}

void
log_write(log_level_t level, const char *fmt, ...)
{
    if (level < s_threshold)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[80];
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);

    json_t *rec = json_pack("{s:s, s:s, s:s, s:s?}", "ts", stamp, "level", s_level_names[level],
                            "service", s_service, "msg", msg);
    if (!rec) /* msg was not valid UTF-8: keep the record, lose the text */
        rec = json_pack("{s:s, s:s, s:s, s:s}", "ts", stamp, "level", s_level_names[level],
                        "service", s_service, "msg", "(message not valid UTF-8)");
    if (rec) {
        /* one locked write per record: lines of two threads never interleave */
        FILE *out = s_out ? s_out : stdout;
        flockfile(out);
        json_dumpf(rec, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', out);
        funlockfile(out);
        json_decref(rec);
    }
}
