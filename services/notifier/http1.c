/*  http1: one POST request as bytes, and the response head read back.

    The head parser is stateless: the caller passes everything received so
    far and it starts again from byte 0 each time. That costs O(n) per
    call over at most HTTP1_HEAD_MAX bytes, nothing next to a network
    round trip, and leaves no parser state to get wrong between reads.
    Lines are checked as soon as they are complete, so a peer that is not
    speaking HTTP/1.x is caught on its first line rather than at the
    timeout. HTTP1_HEAD_MAX bounds all heads together (interim 1xx heads
    included): a caller whose buffer holds HTTP1_HEAD_MAX bytes never
    has to wait for more.

    Lenient where RFC 9112 lets a client be (bare LF line ends, a status
    line without reason phrase, obs-fold continuation lines ignored),
    strict where bytes would be ambiguous (a NUL, a bare CR). Dates are
    parsed by hand in UTC: no strptime, timegm or locale. */
#include "http1.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP1_IMF_FIXDATE_LEN 29                 /* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define HTTP1_SECONDS_MAX     (INT64_MAX / 1000) /* a delay saturates here, in seconds */

char *
http1_request(const hookurl_t *url, const char *user_agent, const char *content_type,
              const char *extra, const void *body, size_t size, size_t *len)
{
    static const char fmt[] = "POST %s HTTP/1.1\r\n"
                              "Host: %s\r\n"
                              "User-Agent: %s\r\n"
                              "Content-Type: %s\r\n"
                              "Content-Length: %zu\r\n"
                              "%s"
                              "%s%s%s"
                              "Connection: close\r\n"
                              "\r\n";
    const bool auth = url->basic_auth[0] != '\0';
    const char *auth_name = auth ? "Authorization: Basic " : "";
    const char *auth_end = auth ? "\r\n" : "";
    if (!extra)
        extra = "";
    const int n = snprintf(NULL, 0, fmt, url->target, url->authority, user_agent, content_type,
                           size, extra, auth_name, url->basic_auth, auth_end);
    if (n < 0 || (size_t) n > SIZE_MAX - 1 - size)
        return NULL;
    char *req = malloc((size_t) n + size + 1);
    if (!req)
        return NULL;
    snprintf(req, (size_t) n + 1, fmt, url->target, url->authority, user_agent, content_type, size,
             extra, auth_name, url->basic_auth, auth_end);
    if (size > 0)
        memcpy(req + n, body, size);
    req[(size_t) n + size] = '\0';
    *len = (size_t) n + size;
    return req;
}

/* ---- the response head -------------------------------------------------- */

static int
s_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        int n = snprintf(err, errlen, "not an HTTP/1.x response head: ");
        if (n >= 0 && (size_t) n < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, errlen - (size_t) n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

static bool
s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads n digits at p. Returns their value, or -1. */
static int
s_digits(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s_is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
   (H. Hinnant's days_from_civil). */
static int64_t
s_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads an IMF-fixdate. Returns 0 with *ms (Unix ms), or -1. */
static int
s_imf_fixdate(const char *v, size_t n, int64_t *ms)
{
    static const char days[] = "MonTueWedThuFriSatSun";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (n != HTTP1_IMF_FIXDATE_LEN || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' '
        || v[16] != ' ' || v[19] != ':' || v[22] != ':' || v[25] != ' '
        || memcmp(v + 26, "GMT", 3) != 0)
        return -1;
    bool day_name = false;
    for (int i = 0; i < 7; i++)
        day_name = day_name || memcmp(v, days + 3 * i, 3) == 0;
    int month = 0;
    for (int i = 0; i < 12 && !month; i++)
        if (memcmp(v + 8, months + 3 * i, 3) == 0)
            month = i + 1;
    const int day = s_digits(v + 5, 2), year = s_digits(v + 12, 4);
    const int hour = s_digits(v + 17, 2), min = s_digits(v + 20, 2), sec = s_digits(v + 23, 2);
    if (!day_name || !month || year < 0 || hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0
        || sec > 60)
        return -1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day < 1 || day > mdays[month - 1] + (month == 2 && leap))
        return -1;
    *ms = ((s_days_from_civil(year, month, day) * 24 + hour) * 60 + min) * 60000
          + (int64_t) sec * 1000;
    return 0;
}

/* Reads a Retry-After value (OWS trimmed). Returns the delay in ms from
   now_ms (>= 0), or -1 when unreadable. */
static int64_t
s_retry_after(const char *v, size_t n, int64_t now_ms)
{
    while (n > 0 && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n == 0)
        return -1;
    if (s_is_digit(v[0])) {
        int64_t secs = 0;
        for (size_t i = 0; i < n; i++) {
            if (!s_is_digit(v[i]))
                return -1;
            if (secs < HTTP1_SECONDS_MAX)
                secs = secs > (HTTP1_SECONDS_MAX - (v[i] - '0')) / 10 ? HTTP1_SECONDS_MAX
                                                                      : secs * 10 + (v[i] - '0');
        }
        return secs * 1000;
    }
    int64_t at = 0;
    if (s_imf_fixdate(v, n, &at) != 0)
        return -1;
    if (at <= now_ms)
        return 0;
    if (now_ms < 0 && at > INT64_MAX + now_ms)
        return INT64_MAX; /* only with an absurd now_ms */
    return at - now_ms;
}

/* Reads the status line s[0..n) (no line end). Returns the status, or -1. */
static int
s_status_line(const char *s, size_t n)
{
    if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || !s_is_digit(s[7]) || s[8] != ' '
        || (n > 12 && s[12] != ' '))
        return -1;
    return s_digits(s + 9, 3);
}

int
http1_head_parse(const char *buf, size_t len, int64_t now_ms, http1_head_t *out, char *err,
                 size_t errlen)
{
    out->status = 0;
    out->retry_after_ms = -1;
    const size_t avail = len < HTTP1_HEAD_MAX ? len : HTTP1_HEAD_MAX;
    size_t pos = 0;       /* the current line's start */
    bool in_head = false; /* past a status line, before its empty line */
    int status = 0;
    int64_t retry = -1;
    bool last_retry = false; /* the previous field was Retry-After (for obs-fold) */
    while (pos < avail) {
        const char *line = buf + pos;
        const size_t left = avail - pos;
        if (!in_head) {
            /* catch a peer that is not speaking HTTP/1.x on its first bytes */
            const size_t k = left < 7 ? left : 7;
            if (memcmp(line, "HTTP/1.", k) != 0)
                return s_fail(err, errlen, "no \"HTTP/1.\" status line");
        }
        const char *lf = memchr(line, '\n', left);
        const size_t scan = lf ? (size_t) (lf - line) : left;
        if (memchr(line, '\0', scan))
            return s_fail(err, errlen, "a NUL byte");
        if (!lf)
            break;
        pos += scan + 1;
        size_t n = scan;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (memchr(line, '\r', n))
            return s_fail(err, errlen, "a CR not followed by LF");
        if (!in_head) {
            status = s_status_line(line, n);
            if (status < 100 || status > 599)
                return s_fail(err, errlen, "bad status line");
            if (status == 101)
                return s_fail(err, errlen, "101 Switching Protocols");
            in_head = true;
            retry = -1;
            last_retry = false;
        }
        else if (n == 0) { /* the end of a head */
            if (status >= 200) {
                out->status = status;
                out->retry_after_ms = retry;
                return 1;
            }
            in_head = false; /* an interim 1xx head: the next one follows */
        }
        else if (line[0] == ' ' || line[0] == '\t') { /* obs-fold: a value goes on */
            if (last_retry)
                retry = -1;
        }
        else {
            const char *colon = memchr(line, ':', n);
            if (!colon)
                return s_fail(err, errlen, "a field line without ':'");
            const size_t name = (size_t) (colon - line);
            last_retry = name == 11 && strncasecmp(line, "retry-after", 11) == 0;
            if (last_retry)
                retry = s_retry_after(colon + 1, n - name - 1, now_ms);
        }
    }
    if (len >= HTTP1_HEAD_MAX)
        return s_fail(err, errlen, "no complete head in %d bytes", HTTP1_HEAD_MAX);
    return 0;
}
