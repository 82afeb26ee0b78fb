/*  rdate: civil-date arithmetic on day numbers.

    The conversions use the well-known era-based algorithm (400-year cycles
    of 146097 days), which is exact for the whole proleptic Gregorian range
    with no tables and no loops. */
#include "rdate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define S_FIRST_DAY (-719162) /* 0001-01-01 */
#define S_LAST_DAY  2932896   /* 9999-12-31 */

static const char *s_month_names[12] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

static bool
s_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
s_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && s_is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a valid civil date. */
static int32_t
s_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
s_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

bool
rdate_valid_ymd(int year, int month, int day)
{
    if (year < RDATE_MIN_YEAR || year > RDATE_MAX_YEAR)
        return false;
    if (month < 1 || month > 12)
        return false;
    return day >= 1 && day <= s_days_in_month(year, month);
}

rdate_t
rdate_from_ymd(int year, int month, int day)
{
    if (!rdate_valid_ymd(year, month, day))
        return RDATE_NONE;
    return s_days_from_civil(year, month, day);
}

int
rdate_to_ymd(rdate_t date, int *year, int *month, int *day)
{
    if (date == RDATE_NONE || date < S_FIRST_DAY || date > S_LAST_DAY)
        return -1;
    int y, m, d;
    s_civil_from_days(date, &y, &m, &d);
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    return 0;
}

static int
s_digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

int
rdate_parse_n(const char *text, size_t len, rdate_t *out)
{
    if (!text || len != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    const int y = s_digits(text, 4);
    const int m = s_digits(text + 5, 2);
    const int d = s_digits(text + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return -1;
    const rdate_t date = rdate_from_ymd(y, m, d);
    if (date == RDATE_NONE)
        return -1;
    *out = date;
    return 0;
}

int
rdate_parse(const char *text, rdate_t *out)
{
    if (!text)
        return -1;
    return rdate_parse_n(text, strlen(text), out);
}

char *
rdate_format(rdate_t date, char *buf)
{
    int y, m, d;
    if (rdate_to_ymd(date, &y, &m, &d) != 0) {
        buf[0] = '\0';
        return buf;
    }
    /* by hand: every event on the wire carries dates, and snprintf was
       most of the cost of encoding one */
    const unsigned uy = (unsigned) y, um = (unsigned) m, ud = (unsigned) d;
    buf[0] = (char) ('0' + uy / 1000 % 10);
    buf[1] = (char) ('0' + uy / 100 % 10);
    buf[2] = (char) ('0' + uy / 10 % 10);
    buf[3] = (char) ('0' + uy % 10);
    buf[4] = '-';
    buf[5] = (char) ('0' + um / 10 % 10);
    buf[6] = (char) ('0' + um % 10);
    buf[7] = '-';
    buf[8] = (char) ('0' + ud / 10 % 10);
    buf[9] = (char) ('0' + ud % 10);
    buf[10] = '\0';
    return buf;
}

char *
rdate_format_long(rdate_t date, char *buf)
{
    int y, m, d;
    if (rdate_to_ymd(date, &y, &m, &d) != 0) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, RDATE_LONG_SIZE, "%d %s %04d", d, s_month_names[m - 1], y);
    return buf;
}

rdate_t
rdate_add_days(rdate_t date, int days)
{
    if (date == RDATE_NONE)
        return RDATE_NONE;
    const int64_t sum = (int64_t) date + days;
    if (sum < S_FIRST_DAY || sum > S_LAST_DAY)
        return RDATE_NONE; /* outside years 1..9999 */
    return (rdate_t) sum;
}

rdate_t
rdate_add_months(rdate_t date, int months)
{
    int y, m, d;
    if (rdate_to_ymd(date, &y, &m, &d) != 0)
        return RDATE_NONE;
    const int64_t total = (int64_t) y * 12 + (m - 1) + months;
    if (total < (int64_t) RDATE_MIN_YEAR * 12 || total > (int64_t) RDATE_MAX_YEAR * 12 + 11)
        return RDATE_NONE; /* outside years 1..9999 */
    y = (int) (total / 12);
    m = (int) (total % 12) + 1;
    const int last = s_days_in_month(y, m);
    return rdate_from_ymd(y, m, d > last ? last : d);
}

rdate_t
rdate_add_years(rdate_t date, int years)
{
    if (years > RDATE_MAX_YEAR || years < -RDATE_MAX_YEAR)
        return RDATE_NONE;
    return rdate_add_months(date, 12 * years);
}

rdate_t
rdate_first_of_next_month(rdate_t date)
{
    int y, m;
    if (rdate_to_ymd(date, &y, &m, NULL) != 0)
        return RDATE_NONE;
    return m == 12 ? rdate_from_ymd(y + 1, 1, 1) : rdate_from_ymd(y, m + 1, 1);
}

rdate_t
rdate_today_utc(void)
{
    const time_t now = time(NULL);
    return (rdate_t) (now / 86400);
}
