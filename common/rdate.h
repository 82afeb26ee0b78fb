/*  rdate: calendar dates without time of day or time zone.

    A date is a count of days since 1970-01-01 in the proleptic Gregorian
    calendar, held in an int32_t. Treaty arithmetic ("the ninetieth day after
    the deposit", "one year after receipt", "the first day of the month
    after") becomes integer arithmetic, and comparing two dates is comparing
    two integers. RDATE_NONE marks "no date" (an unknown entry into force).
    All functions are pure. */
#ifndef RATIFY_RDATE_H
#define RATIFY_RDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t rdate_t;

#define RDATE_NONE INT32_MIN
/* Accepted range: years 0001..9999. */
#define RDATE_MIN_YEAR 1
#define RDATE_MAX_YEAR 9999
/* "YYYY-MM-DD" plus the terminating NUL. */
#define RDATE_ISO_SIZE 11
/* "30 September 2003" fits with room to spare. */
#define RDATE_LONG_SIZE 24

/* Returns true when y/m/d names a real day (leap years included) within
   RDATE_MIN_YEAR..RDATE_MAX_YEAR. */
bool rdate_valid_ymd(int year, int month, int day);

/* Returns the date for a valid y/m/d, or RDATE_NONE when it is not a real
   day. */
rdate_t rdate_from_ymd(int year, int month, int day);

/* Splits a date into year, month (1-12) and day (1-31). Any out pointer may
   be NULL. Returns 0, or -1 for RDATE_NONE or a date outside the range. */
int rdate_to_ymd(rdate_t date, int *year, int *month, int *day);

/* Parses exactly "YYYY-MM-DD" (no spaces, no time, no zone) into *out.
   Returns 0, or -1 when the text is malformed or names no real day; *out is
   untouched on error. */
int rdate_parse(const char *text, rdate_t *out);

/* Same as rdate_parse for a buffer that need not be NUL-terminated. */
int rdate_parse_n(const char *text, size_t len, rdate_t *out);

/* Writes "YYYY-MM-DD" into buf (at least RDATE_ISO_SIZE bytes) and returns
   buf. RDATE_NONE or an out-of-range date writes "" . */
char *rdate_format(rdate_t date, char *buf);

/* Writes the long English form the UN uses, "1 July 2003", into buf (at
   least RDATE_LONG_SIZE bytes) and returns buf; "" for RDATE_NONE. */
char *rdate_format_long(rdate_t date, char *buf);

/* Returns date + days (days may be negative); RDATE_NONE stays RDATE_NONE,
   and a result outside years 1..9999 is RDATE_NONE. */
rdate_t rdate_add_days(rdate_t date, int days);

/* Returns the same day `months` later (or earlier when negative); a day that
   does not exist in the target month is clamped to its last day
   (31 January + 1 month = 28 or 29 February). RDATE_NONE stays RDATE_NONE,
   and a result outside years 1..9999 is RDATE_NONE. */
rdate_t rdate_add_months(rdate_t date, int months);

/* Returns rdate_add_months(date, 12 * years): 29 February + 1 year is
   28 February. */
rdate_t rdate_add_years(rdate_t date, int years);

/* Returns the first day of the month after the one holding date
   (31 December 2003 -> 1 January 2004; 1 May -> 1 June). */
rdate_t rdate_first_of_next_month(rdate_t date);

/* Returns today's date from the system clock (UTC). Services use
   config_today(), which honours RATIFY_TODAY. */
rdate_t rdate_today_utc(void);

#endif
