/*  log: JSON-lines records, each built in one buffer and escaped by
    jsonstr (the bytes jansson's json_dumps wrote before: any message is
    valid JSON whatever bytes it holds), then written with one locked
    fwrite. A record used to cost ~29,000 instructions through jansson's
    objects and per-character output; it is on every event's way through
    the services. */
#include "log.h"
#include "jsonstr.h"

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

/* Returns the level RATIFY_LOG_LEVEL names, or -1 (unset, empty or
   unknown). */
static int
s_env_level(void)
{
    const char *level = getenv("RATIFY_LOG_LEVEL");
    if (level)
        for (int i = RLOG_DEBUG; i <= RLOG_ERROR; i++)
            if (strcasecmp(level, s_level_names[i]) == 0)
                return i;
    return -1;
}

int
log_check_env(char *err, size_t errlen)
{
    const char *level = getenv("RATIFY_LOG_LEVEL");
    if (!level || !*level || s_env_level() >= 0)
        return 0;
    snprintf(err, errlen, "RATIFY_LOG_LEVEL=%s is not a level: debug, info, warn or error", level);
    return -1;
}

void
log_init(const char *service)
{
    s_service = service;
    setvbuf(stdout, NULL, _IOLBF, 0);
    const int level = s_env_level();
    if (level >= 0)
        s_threshold = (log_level_t) level;
}

#define LOG_STAMP_SIZE 32

/* Writes the n low decimal digits of v (v >= 0) at p; returns p + n. */
static char *
s_digits(char *p, long v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char) ('0' + v % 10);
    return p + n;
}

/* The time now as YYYY-MM-DDTHH:MM:SS.mmmZ (UTC), into stamp (of
   LOG_STAMP_SIZE bytes); written digit by digit, as snprintf took
   more than all the rest of a record. A year past 9999 keeps its last four
   digits. */
static void
s_stamp(char *stamp)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char *p = s_digits(stamp, tm.tm_year + 1900L, 4);
    *p++ = '-';
    p = s_digits(p, tm.tm_mon + 1L, 2);
    *p++ = '-';
    p = s_digits(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = s_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = s_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = s_digits(p, tm.tm_sec, 2);
    *p++ = '.';
    p = s_digits(p, ts.tv_nsec / 1000000, 3);
    *p++ = 'Z';
    *p = '\0';
}

/* A record being built: bytes in buf, len of cap used. */
typedef struct {
    char *buf;
    size_t len, cap;
} s_record_t;

/* jsonstr's sink: appends to the record, or stops when it is full. */
static int
s_record_sink(void *ctx, const char *bytes, size_t len)
{
    s_record_t *r = ctx;
    if (len > r->cap - r->len)
        return -1;
    memcpy(r->buf + r->len, bytes, len);
    r->len += len;
    return 0;
}

/* Appends `"key":"value"` (value escaped) after the field's `head`:
   `{"key":"` or `,"key":"`. Returns 0, -1 when value is not UTF-8, -2 when
   the record is full. */
static int
s_field(s_record_t *r, const char *head, const char *value)
{
    if (s_record_sink(r, head, strlen(head)) != 0)
        return -2;
    const int rc = jsonstr_escape(value, s_record_sink, r);
    return rc != 0 ? rc : s_record_sink(r, "\"", 1) != 0 ? -2 : 0;
}

/* Builds {"ts":..,"level":..,"service":..,"msg":..} and a newline into r.
   Returns 0, or what s_field returned for the field that failed. */
static int
s_build(s_record_t *r, const char *stamp, const char *level, const char *msg)
{
    int rc;
    r->len = 0;
    if ((rc = s_field(r, "{\"ts\":\"", stamp)) != 0
        || (rc = s_field(r, ",\"level\":\"", level)) != 0
        || (rc = s_field(r, ",\"service\":\"", s_service)) != 0
        || (rc = s_field(r, ",\"msg\":\"", msg)) != 0)
        return rc;
    return s_record_sink(r, "}\n", 2) != 0 ? -2 : 0;
}

bool
log_enabled(log_level_t level)
{
    return level >= s_threshold;
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

    char stamp[LOG_STAMP_SIZE];
    s_stamp(stamp);

    /* room for a message of control characters only (6 bytes each as
       \u00XX), the stamp, the keys and a service name of 256 bytes */
    char buf[sizeof msg * 6 + 2048];
    s_record_t r = {.buf = buf, .cap = sizeof buf};
    /* msg was not valid UTF-8 (a message cut inside a character, a
       name's bytes): keep the record, lose the text */
    int rc = s_build(&r, stamp, s_level_names[level], msg);
    if (rc == -1)
        rc = s_build(&r, stamp, s_level_names[level], "(message not valid UTF-8)");
    if (rc != 0)
        return; /* the service name is not UTF-8, or is too long: no record */
    /* one locked write per record: lines of two threads never interleave */
    FILE *out = s_out ? s_out : stdout;
    flockfile(out);
    fwrite(buf, 1, r.len, out);
    funlockfile(out);
}
