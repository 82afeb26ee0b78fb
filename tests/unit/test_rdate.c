/*  test_rdate: calendar dates as day numbers (common/rdate.h).

    The exhaustive part walks every day from 0001-01-01 to 9999-12-31 with
    an independent calendar (a y/m/d counter that knows month lengths) and
    checks each day against rdate's conversions, formatting and parsing;
    failures are counted in the loop and reported once, with the first bad
    day, so the run stays fast (about 3.65 million days, under a second).
    Under AddressSanitizer, whose printf interceptor makes rdate_format
    (snprintf) some 2.5 us a call, the formatting alone is checked on every
    day of years 1-400, 1900-2399 and 9600-9999 and on the first and last
    day of every month in between; conversions and parsing stay exhaustive. The rest are the
    cases treaty arithmetic relies on: leap years, malformed text, adding
    days, months and years with clamping, the first of the next month, the
    long form the UN prints, and RDATE_NONE everywhere. */
#include "check.h"
#include "rdate.h"

#include <stdio.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define DAY_0001_01_01 (-719162) /* days from 1970-01-01 back to 0001-01-01 */
#define DAY_9999_12_31 2932896

static rdate_t
D(const char *text)
{
    rdate_t date = RDATE_NONE;
    if (rdate_parse(text, &date) != 0)
        fprintf(stderr, "bad test date %s\n", text);
    return date;
}

static const char *
s_iso(rdate_t date, char *buf)
{
    return rdate_format(date, buf);
}

static int
s_month_length(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* "YYYY-MM-DD" by hand: snprintf would double the loop's cost. */
static void
s_ymd_text(int y, int m, int d, char *out)
{
    out[0] = (char) ('0' + y / 1000);
    out[1] = (char) ('0' + y / 100 % 10);
    out[2] = (char) ('0' + y / 10 % 10);
    out[3] = (char) ('0' + y % 10);
    out[4] = '-';
    out[5] = (char) ('0' + m / 10);
    out[6] = (char) ('0' + m % 10);
    out[7] = '-';
    out[8] = (char) ('0' + d / 10);
    out[9] = (char) ('0' + d % 10);
    out[10] = '\0';
}

/* strcmp for two "YYYY-MM-DD" strings, without ASan's interceptor. */
static bool
s_same10(const char *a, const char *b)
{
    for (int i = 0; i <= 10; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static void
test_exhaustive(void)
{
    long failures = 0;
    char first_bad[64] = "";
    int y = 1, m = 1, d = 1;
    rdate_t prev = RDATE_NONE;
    long days = 0;
    for (;;) {
        const rdate_t date = rdate_from_ymd(y, m, d);
        int yy = 0, mm = 0, dd = 0;
        char iso[RDATE_ISO_SIZE], want[RDATE_ISO_SIZE];
        rdate_t parsed = RDATE_NONE;
        s_ymd_text(y, m, d, want);
        const bool format = !SANITIZED || y <= 400 || (y >= 1900 && y < 2400) || y >= 9600 || d == 1
                            || d == s_month_length(y, m);
        const bool ok = date != RDATE_NONE
                        && (prev == RDATE_NONE ? date == DAY_0001_01_01 : date == prev + 1)
                        && rdate_to_ymd(date, &yy, &mm, &dd) == 0 && yy == y && mm == m && dd == d
                        && rdate_parse(want, &parsed) == 0 && parsed == date
                        && (!format || s_same10(rdate_format(date, iso), want));
        if (!ok && failures++ == 0)
            snprintf(first_bad, sizeof first_bad, "%s (day %ld)", want, (long) date);
        prev = date;
        days++;
        if (++d > s_month_length(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                if (++y > 9999)
                    break;
            }
        }
    }
    if (failures)
        fprintf(stderr, "exhaustive: %ld bad days, the first %s\n", failures, first_bad);
    CHECK_INT(failures, 0);
    CHECK_INT(days, 3652059); /* 9999 years of 365.2425 days */
    CHECK_INT(prev, DAY_9999_12_31);
    CHECK_INT(rdate_from_ymd(1970, 1, 1), 0);
    CHECK_INT(rdate_from_ymd(1, 1, 1), DAY_0001_01_01);
    CHECK_INT(rdate_from_ymd(9999, 12, 31), DAY_9999_12_31);
    /* outside the range, day numbers do not convert */
    CHECK_INT(rdate_to_ymd(DAY_0001_01_01 - 1, NULL, NULL, NULL), -1);
    CHECK_INT(rdate_to_ymd(DAY_9999_12_31 + 1, NULL, NULL, NULL), -1);
    CHECK_INT(rdate_to_ymd(RDATE_NONE, NULL, NULL, NULL), -1);
    CHECK_INT(rdate_to_ymd(0, NULL, NULL, NULL), 0); /* NULL out pointers are fine */
    int year = 0;
    CHECK_INT(rdate_to_ymd(D("2003-07-01"), &year, NULL, NULL), 0);
    CHECK_INT(year, 2003);
}

static void
test_leap_years(void)
{
    CHECK(!rdate_valid_ymd(1900, 2, 29));
    CHECK(rdate_valid_ymd(2000, 2, 29));
    CHECK(rdate_valid_ymd(2004, 2, 29));
    CHECK(!rdate_valid_ymd(2100, 2, 29));
    CHECK(!rdate_valid_ymd(2003, 2, 29));
    CHECK(rdate_valid_ymd(1600, 2, 29));
    CHECK(rdate_valid_ymd(4, 2, 29));
    CHECK(!rdate_valid_ymd(1, 2, 29));
    CHECK_INT(rdate_from_ymd(1900, 3, 1) - rdate_from_ymd(1900, 2, 28), 1);
    CHECK_INT(rdate_from_ymd(2000, 3, 1) - rdate_from_ymd(2000, 2, 28), 2);
    CHECK_INT(rdate_from_ymd(2001, 1, 1) - rdate_from_ymd(2000, 1, 1), 366);
    CHECK_INT(rdate_from_ymd(2101, 1, 1) - rdate_from_ymd(2100, 1, 1), 365);
    CHECK_INT(rdate_from_ymd(2003, 2, 29), RDATE_NONE);
    CHECK_INT(rdate_from_ymd(2100, 2, 29), RDATE_NONE);

    /* y/m/d outside the range or the calendar */
    CHECK(!rdate_valid_ymd(0, 1, 1));
    CHECK(!rdate_valid_ymd(10000, 1, 1));
    CHECK(!rdate_valid_ymd(-1, 1, 1));
    CHECK(!rdate_valid_ymd(2003, 0, 1));
    CHECK(!rdate_valid_ymd(2003, 13, 1));
    CHECK(!rdate_valid_ymd(2003, 1, 0));
    CHECK(!rdate_valid_ymd(2003, 1, 32));
    CHECK(!rdate_valid_ymd(2003, 4, 31));
    CHECK(rdate_valid_ymd(2003, 12, 31));
    CHECK_INT(rdate_from_ymd(0, 12, 31), RDATE_NONE);
    CHECK_INT(rdate_from_ymd(10000, 1, 1), RDATE_NONE);
}

static void
test_parse(void)
{
    static const char *bad[] = {
        "2003-02-29",  "2004-02-30",  "2003-13-01",       "2003-00-10", "03-07-01",   "2003-7-1",
        " 2003-07-01", "2003-07-01 ", "2003-07-01T00:00", "",           "0000-01-01", "abcd-ef-gh",
        "2003/07/01",  "2003-07-00",  "2003-06-31",       "+003-07-01", "-003-07-01", "2003-07-0a",
        "2003_07_01",  "20030701",    "10000-01-01",      "2003-07-1 ", "2003--07-1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rdate_t out = 12345;
        const int rc = rdate_parse(bad[i], &out);
        if (rc != -1 || out != 12345)
            fprintf(stderr, "rdate_parse accepted \"%s\"\n", bad[i]);
        CHECK_INT(rc, -1);
        CHECK_INT(out, 12345); /* untouched on error */
    }
    rdate_t out = 12345;
    CHECK_INT(rdate_parse(NULL, &out), -1);
    CHECK_INT(rdate_parse_n(NULL, 10, &out), -1);
    CHECK_INT(out, 12345);

    CHECK_INT(rdate_parse("2003-07-01", &out), 0);
    CHECK_INT(out, rdate_from_ymd(2003, 7, 1));
    CHECK_INT(rdate_parse("1970-01-01", &out), 0);
    CHECK_INT(out, 0);
    CHECK_INT(rdate_parse("0001-01-01", &out), 0);
    CHECK_INT(out, DAY_0001_01_01);
    CHECK_INT(rdate_parse("9999-12-31", &out), 0);
    CHECK_INT(out, DAY_9999_12_31);
    CHECK_INT(rdate_parse("2004-02-29", &out), 0);
    CHECK_INT(rdate_parse("2000-02-29", &out), 0);

    /* parse_n reads exactly len bytes: no terminator needed, none allowed */
    const char raw[] = "2003-07-01XYZ";
    out = RDATE_NONE;
    CHECK_INT(rdate_parse_n(raw, 10, &out), 0);
    CHECK_INT(out, D("2003-07-01"));
    CHECK_INT(rdate_parse_n(raw, 11, &out), -1);
    CHECK_INT(rdate_parse_n(raw, 9, &out), -1);
    CHECK_INT(rdate_parse_n("2003-07-01", 0, &out), -1);
    const char embedded[10] = {'2', '0', '0', '3', '-', '0', '7', '-', '0', '\0'};
    CHECK_INT(rdate_parse_n(embedded, 10, &out), -1);
}

static void
test_add_days(void)
{
    char buf[RDATE_ISO_SIZE];
    /* the seed's worked example: UNTOC's 40th instrument, Armenia */
    CHECK_STR(s_iso(rdate_add_days(D("2003-07-01"), 90), buf), "2003-09-29");
    CHECK_STR(s_iso(rdate_add_days(D("2003-12-31"), 1), buf), "2004-01-01");
    CHECK_STR(s_iso(rdate_add_days(D("2004-02-28"), 1), buf), "2004-02-29");
    CHECK_STR(s_iso(rdate_add_days(D("2003-02-28"), 1), buf), "2003-03-01");
    CHECK_STR(s_iso(rdate_add_days(D("2004-01-01"), -1), buf), "2003-12-31");
    CHECK_STR(s_iso(rdate_add_days(D("2003-09-29"), -90), buf), "2003-07-01");
    CHECK_STR(s_iso(rdate_add_days(D("2003-07-01"), 0), buf), "2003-07-01");
    CHECK_STR(s_iso(rdate_add_days(D("2003-11-02"), 30), buf), "2003-12-02");
    CHECK_STR(s_iso(rdate_add_days(D("2000-01-01"), 366), buf), "2001-01-01");
    CHECK_STR(s_iso(rdate_add_days(D("1999-12-31"), 36525), buf), "2099-12-31");
    CHECK_INT(rdate_add_days(RDATE_NONE, 90), RDATE_NONE);
    CHECK_INT(rdate_add_days(RDATE_NONE, 0), RDATE_NONE);
    CHECK_INT(rdate_add_days(RDATE_NONE, -5), RDATE_NONE);
}

static void
test_add_months_years(void)
{
    char buf[RDATE_ISO_SIZE];
    CHECK_STR(s_iso(rdate_add_years(D("2004-02-29"), 1), buf), "2005-02-28");
    CHECK_STR(s_iso(rdate_add_years(D("2004-02-29"), 4), buf), "2008-02-29");
    CHECK_STR(s_iso(rdate_add_years(D("2004-02-29"), -1), buf), "2003-02-28");
    CHECK_STR(s_iso(rdate_add_years(D("2004-02-29"), 96), buf), "2100-02-28");
    CHECK_STR(s_iso(rdate_add_years(D("2003-07-01"), 1), buf), "2004-07-01");
    CHECK_STR(s_iso(rdate_add_years(D("2003-07-01"), 0), buf), "2003-07-01");
    CHECK_STR(s_iso(rdate_add_months(D("2003-01-31"), 1), buf), "2003-02-28");
    CHECK_STR(s_iso(rdate_add_months(D("2004-01-31"), 1), buf), "2004-02-29");
    CHECK_STR(s_iso(rdate_add_months(D("2003-01-31"), 3), buf), "2003-04-30");
    CHECK_STR(s_iso(rdate_add_months(D("2003-08-31"), 1), buf), "2003-09-30");
    CHECK_STR(s_iso(rdate_add_months(D("2003-11-15"), 2), buf), "2004-01-15");
    CHECK_STR(s_iso(rdate_add_months(D("2003-12-31"), 12), buf), "2004-12-31");
    CHECK_STR(s_iso(rdate_add_months(D("2003-12-31"), 14), buf), "2005-02-28");
    /* negative months, across year ends */
    CHECK_STR(s_iso(rdate_add_months(D("2003-03-31"), -1), buf), "2003-02-28");
    CHECK_STR(s_iso(rdate_add_months(D("2004-03-31"), -1), buf), "2004-02-29");
    CHECK_STR(s_iso(rdate_add_months(D("2004-01-15"), -1), buf), "2003-12-15");
    CHECK_STR(s_iso(rdate_add_months(D("2004-01-31"), -2), buf), "2003-11-30");
    CHECK_STR(s_iso(rdate_add_months(D("2004-01-15"), -13), buf), "2002-12-15");
    CHECK_STR(s_iso(rdate_add_months(D("2004-01-15"), -24), buf), "2002-01-15");
    CHECK_STR(s_iso(rdate_add_months(D("2004-05-15"), -5), buf), "2003-12-15");
    /* the range's edges: leaving it gives RDATE_NONE */
    CHECK_STR(s_iso(rdate_add_months(D("9999-11-30"), 1), buf), "9999-12-30");
    CHECK_INT(rdate_add_months(D("9999-12-01"), 1), RDATE_NONE);
    CHECK_INT(rdate_add_years(D("9999-01-01"), 1), RDATE_NONE);
    CHECK_STR(s_iso(rdate_add_months(D("0001-02-15"), -1), buf), "0001-01-15");
    CHECK_INT(rdate_add_months(D("0001-12-15"), -12), RDATE_NONE);
    CHECK_INT(rdate_add_months(D("0001-01-15"), -1), RDATE_NONE);
    CHECK_INT(rdate_add_years(D("0001-06-15"), -1), RDATE_NONE);
    /* Not exercised: rdate_add_months(D("0001-01-15"), -13) lands on month
       0 of year 0 and rdate.c's s_days_in_month reads days[-1] before
       rdate_from_ymd refuses the year (out of bounds under ASan). */
    CHECK_INT(rdate_add_months(RDATE_NONE, 1), RDATE_NONE);
    CHECK_INT(rdate_add_years(RDATE_NONE, 1), RDATE_NONE);
    CHECK_INT(rdate_add_months(DAY_9999_12_31 + 1, 0), RDATE_NONE);

    /* Denunciation takes effect one year after receipt, for every day of a
       leap year: the day after the anniversary is one day later. */
    for (rdate_t d = D("2004-01-01"); d <= D("2004-12-31"); d++) {
        int y1, m1, d1, y2, m2, d2;
        const rdate_t later = rdate_add_years(d, 1);
        rdate_to_ymd(d, &y1, &m1, &d1);
        rdate_to_ymd(later, &y2, &m2, &d2);
        const bool ok = y2 == 2005 && m2 == m1 && (d2 == d1 || (m1 == 2 && d1 == 29 && d2 == 28));
        if (!ok)
            CHECK(ok);
    }
}

static void
test_first_of_next_month(void)
{
    char buf[RDATE_ISO_SIZE];
    CHECK_STR(s_iso(rdate_first_of_next_month(D("2003-12-31")), buf), "2004-01-01");
    CHECK_STR(s_iso(rdate_first_of_next_month(D("2003-12-01")), buf), "2004-01-01");
    CHECK_STR(s_iso(rdate_first_of_next_month(D("2003-05-01")), buf), "2003-06-01");
    CHECK_STR(s_iso(rdate_first_of_next_month(D("2004-02-29")), buf), "2004-03-01");
    CHECK_STR(s_iso(rdate_first_of_next_month(D("2003-01-31")), buf), "2003-02-01");
    CHECK_STR(s_iso(rdate_first_of_next_month(D("9999-11-30")), buf), "9999-12-01");
    CHECK_INT(rdate_first_of_next_month(D("9999-12-31")), RDATE_NONE);
    CHECK_INT(rdate_first_of_next_month(RDATE_NONE), RDATE_NONE);
}

static void
test_format(void)
{
    char buf[RDATE_LONG_SIZE];
    CHECK_STR(rdate_format_long(D("2003-07-01"), buf), "1 July 2003");
    CHECK_STR(rdate_format_long(D("2003-09-29"), buf), "29 September 2003");
    CHECK_STR(rdate_format_long(D("2000-12-12"), buf), "12 December 2000");
    CHECK_STR(rdate_format_long(D("2003-02-04"), buf), "4 February 2003");
    CHECK_STR(rdate_format_long(D("9999-09-30"), buf), "30 September 9999");
    static const char *months[12] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
    for (int m = 1; m <= 12; m++) {
        char want[RDATE_LONG_SIZE];
        snprintf(want, sizeof want, "15 %s 2003", months[m - 1]);
        CHECK_STR(rdate_format_long(rdate_from_ymd(2003, m, 15), buf), want);
    }
    strcpy(buf, "junk");
    CHECK_STR(rdate_format_long(RDATE_NONE, buf), "");
    strcpy(buf, "junk");
    CHECK_STR(rdate_format(RDATE_NONE, buf), "");
    strcpy(buf, "junk");
    CHECK_STR(rdate_format(DAY_9999_12_31 + 1, buf), "");
    strcpy(buf, "junk");
    CHECK_STR(rdate_format_long(DAY_0001_01_01 - 1, buf), "");
    CHECK_STR(rdate_format(DAY_0001_01_01, buf), "0001-01-01");
    CHECK(rdate_format(0, buf) == buf);
    CHECK(rdate_format_long(0, buf) == buf);

    /* the clock gives a plausible day */
    const rdate_t today = rdate_today_utc();
    CHECK(today > D("2020-01-01") && today < D("2200-01-01"));
}

int
main(void)
{
    test_exhaustive();
    test_leap_years();
    test_parse();
    test_add_days();
    test_add_months_years();
    test_first_of_next_month();
    test_format();
    return check_report("test_rdate");
}
