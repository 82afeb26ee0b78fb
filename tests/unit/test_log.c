/*  test_log: the JSON-lines log records (common/log.h) and the string
    escaper they share with the reporter (common/jsonstr.h).

    Every record is compared byte for byte with what jansson writes for the
    same four fields (json_pack, then json_dumps with JSON_COMPACT and
    JSON_PRESERVE_ORDER, as log.c did before it built records itself): the
    timestamp is taken from the record, then checked against the clock read
    (and written as log.c used to, with snprintf) just before and just
    after the record. Messages:
    plain, quotes and backslashes, every C0 control, DEL and "/", non-ASCII
    UTF-8 of 2, 3 and 4 bytes, each kind of ill-formed UTF-8 (the record is
    kept, its text replaced), the empty message, messages past the 2,047
    bytes a record keeps (cut on a character or inside one), and one of
    control characters only (the longest escaped record). Then the levels
    (each name; below the threshold nothing is written), two records as two
    whole lines, and jsonstr on its own: the pieces it hands over, a sink
    that stops it, ill-formed UTF-8. RATIFY_LOG_LEVEL is cleared first: the
    default threshold (info) is the one tested. */
#include "check.h"
#include "jsonstr.h"
#include "log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MSG_KEPT 2047 /* log.c formats into 2,048 bytes */

/* Logs text at level into a fresh temporary file and returns the bytes
   written (malloc'd, NUL-terminated), or NULL. */
static char *
s_capture(log_level_t level, const char *text)
{
    FILE *f = tmpfile();
    if (!f)
        return NULL;
    log_set_output(f);
    log_write(level, "%s", text);
    log_set_output(NULL);
    fflush(f);
    long size = ftell(f);
    char *out = size >= 0 ? calloc(1, (size_t) size + 1) : NULL;
    rewind(f);
    if (out && fread(out, 1, (size_t) size, f) != (size_t) size) {
        free(out);
        out = NULL;
    }
    fclose(f);
    return out;
}

/* What jansson writes for the record, with the stamp of `line`; the
   message as log.c keeps it (its first MSG_KEPT bytes; a text that is not
   UTF-8 then is replaced). NULL when line is not a JSON object with a
   "ts" string. */
static char *
s_expected(const char *line, const char *level, const char *text)
{
    json_t *got = json_loads(line, 0, NULL);
    const char *ts = got ? json_string_value(json_object_get(got, "ts")) : NULL;
    char *out = NULL;
    if (ts) {
        char kept[MSG_KEPT + 1];
        snprintf(kept, sizeof kept, "%s", text);
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "level", level, "service", "test",
                                "msg", kept);
        if (!rec)
            rec = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "level", level, "service", "test",
                            "msg", "(message not valid UTF-8)");
        char *dump = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (dump && (out = malloc(strlen(dump) + 2)))
            sprintf(out, "%s\n", dump);
        free(dump);
        json_decref(rec);
    }
    json_decref(got);
    return out;
}

/* The clock now, as log.c wrote it before it wrote its stamps itself. */
static void
s_clock_stamp(char stamp[80])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(stamp, 80, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* The record's stamp is YYYY-MM-DDTHH:MM:SS.mmmZ and lies between the two
   clock stamps (same-length texts in that form compare as times). */
static int
s_stamp_ok(const char *line, const char *before, const char *after)
{
    const char *p = strstr(line, "{\"ts\":\"");
    if (p != line)
        return 0;
    p += 7;
    const char *form = "dddd-dd-ddTdd:dd:dd.dddZ\"";
    for (size_t i = 0; form[i]; i++)
        if (form[i] == 'd' ? !(p[i] >= '0' && p[i] <= '9') : p[i] != form[i])
            return 0;
    const size_t n = strlen(before);
    return n == 24 && strncmp(before, p, n) <= 0 && strncmp(p, after, n) <= 0;
}

static void
s_check_record(log_level_t level, const char *name, const char *text)
{
    char before[80], after[80];
    s_clock_stamp(before);
    char *line = s_capture(level, text);
    s_clock_stamp(after);
    CHECK(line != NULL);
    if (!line)
        return;
    char *want = s_expected(line, name, text);
    CHECK(want != NULL);
    if (want)
        CHECK_STR(line, want);
    CHECK(s_stamp_ok(line, before, after));
    free(want);
    free(line);
}

static void
s_test_messages(void)
{
    s_check_record(RLOG_INFO, "info", "stored events 1..1: 1 in one commit");
    s_check_record(RLOG_INFO, "info", "say \"hi\" \\ a/b </script>");
    char controls[40];
    size_t n = 0;
    for (int c = 1; c < 0x20; c++)
        controls[n++] = (char) c;
    controls[n++] = 0x7f;
    controls[n] = '\0';
    s_check_record(RLOG_WARN, "warn", controls);
    s_check_record(RLOG_INFO, "info",
                   "C\xc3\xb4te d\xe2\x80\x99Ivoire \xe6\x97\xa5 \xf0\x9f\x98\x80");
    s_check_record(RLOG_INFO, "info", "");
    /* ill-formed: a stray continuation, an overlong form, a surrogate,
       past U+10FFFF, a sequence cut short, 0xFF */
    const char *bad[] = {"a\x80z",           "\xc0\xaf", "\xed\xa0\x80",
                         "\xf4\x90\x80\x80", "\xe6\x97", "x\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s_check_record(RLOG_ERROR, "error", bad[i]);
        char *line = s_capture(RLOG_ERROR, bad[i]);
        CHECK(line && strstr(line, "\"msg\":\"(message not valid UTF-8)\"}\n"));
        free(line);
    }
    /* longer than a record keeps: cut on a character, then inside one */
    static char longer[4000];
    memset(longer, 'a', sizeof longer - 1);
    s_check_record(RLOG_INFO, "info", longer);
    memcpy(longer + MSG_KEPT - 1, "\xc3\xa9", 2); /* é across the cut */
    s_check_record(RLOG_INFO, "info", longer);
    char *line = s_capture(RLOG_INFO, longer);
    CHECK(line && strstr(line, "(message not valid UTF-8)"));
    free(line);
    /* the longest record: every kept byte escaped as \u00XX */
    memset(longer, 0x01, sizeof longer - 1);
    s_check_record(RLOG_INFO, "info", longer);
}

static void
s_test_levels(void)
{
    char *line = s_capture(RLOG_DEBUG, "hidden");
    CHECK_STR(line, ""); /* the default threshold is info */
    free(line);
    CHECK(!log_enabled(RLOG_DEBUG) && log_enabled(RLOG_INFO) && log_enabled(RLOG_ERROR));
    /* below the threshold, a debug record's arguments are not evaluated */
    int evaluated = 0;
    log_debug("costly %d", ++evaluated);
    CHECK_INT(evaluated, 0);
    s_check_record(RLOG_ERROR, "error", "e");
    /* two records: two lines, each whole */
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    log_set_output(f);
    log_info("one");
    log_warn("two %d", 2);
    log_set_output(NULL);
    rewind(f);
    char a[256] = "", b[256] = "", c[8] = "";
    CHECK(fgets(a, sizeof a, f) != NULL);
    CHECK(fgets(b, sizeof b, f) != NULL);
    CHECK(fgets(c, sizeof c, f) == NULL);
    CHECK(strstr(a, "\"level\":\"info\",\"service\":\"test\",\"msg\":\"one\"}\n") != NULL);
    CHECK(strstr(b, "\"level\":\"warn\",\"service\":\"test\",\"msg\":\"two 2\"}\n") != NULL);
    fclose(f);
}

typedef struct {
    char out[64];
    size_t len;
    int pieces;
    int room; /* pieces accepted before the sink stops */
} s_sink_t;

static int
s_sink(void *ctx, const char *bytes, size_t len)
{
    s_sink_t *s = ctx;
    if (s->pieces >= s->room || s->len + len >= sizeof s->out)
        return -1;
    memcpy(s->out + s->len, bytes, len);
    s->len += len;
    s->out[s->len] = '\0';
    s->pieces++;
    return 0;
}

static void
s_test_jsonstr(void)
{
    s_sink_t s = {.room = 100};
    CHECK_INT(jsonstr_escape("plain text", s_sink, &s), 0);
    CHECK_STR(s.out, "plain text");
    CHECK_INT(s.pieces, 1); /* a run is handed over whole */
    s = (s_sink_t){.room = 100};
    CHECK_INT(jsonstr_escape("a\"b\n", s_sink, &s), 0);
    CHECK_STR(s.out, "a\\\"b\\n");
    CHECK_INT(s.pieces, 4);
    s = (s_sink_t){.room = 100};
    CHECK_INT(jsonstr_escape("", s_sink, &s), 0);
    CHECK_INT(s.pieces, 0);
    s = (s_sink_t){.room = 100};
    CHECK_INT(jsonstr_escape("\x1f\x7f/", s_sink, &s), 0);
    CHECK_STR(s.out, "\\u001F\x7f/");
    s = (s_sink_t){.room = 1};
    CHECK_INT(jsonstr_escape("ab\tcd", s_sink, &s), -2); /* the sink stopped */
    s = (s_sink_t){.room = 100};
    CHECK_INT(jsonstr_escape("ok \xe2\x82", s_sink, &s), -1);
    s = (s_sink_t){.room = 100};
    CHECK_INT(jsonstr_escape("\xf0\x9f\x98\x80", s_sink, &s), 0);
    CHECK_STR(s.out, "\xf0\x9f\x98\x80");
}

int
main(void)
{
    unsetenv("RATIFY_LOG_LEVEL");
    log_init("test");
    s_test_messages();
    s_test_levels();
    s_test_jsonstr();
    return check_report("test_log");
}
