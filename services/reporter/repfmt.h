/*  repfmt: the small formatting conventions every renderer shares.

    UNTC status tables write dates short ("1 Jul 2003") with the letter of
    the kind of instrument after them ("22 Sep 2011 a"); the annex writes
    them long ("1 July 2003"), adding the letter in parentheses when the
    instrument is not a ratification; footnote marks are letters ("a",
    "a,b"); sections after table A are lettered B, C... Keeping these in one
    place keeps the five formats in agreement. All functions are pure. */
#ifndef RATIFY_REPFMT_H
#define RATIFY_REPFMT_H

#include "event.h"
#include "rdate.h"

#include <stddef.h>

/* Fits every string these functions write. */
#define REPFMT_SIZE 64

/* Writes "1 Jul 2003" into buf (REPFMT_SIZE bytes) and returns buf; ""
   for RDATE_NONE or an out-of-range date. */
char *repfmt_date_short(rdate_t date, char *buf);

/* Writes the UNTC cell for an instrument of consent, "1 Jul 2003" or
   "22 Sep 2011 a", into buf (REPFMT_SIZE bytes) and returns buf; "" for
   RDATE_NONE. */
char *repfmt_untc_cell(rdate_t date, action_t action, char *buf);

/* Writes the annex date cell, "1 July 2003" or "22 September 2011 (a)",
   into buf (REPFMT_SIZE bytes) and returns buf; "" for RDATE_NONE. */
char *repfmt_annex_date(rdate_t date, action_t action, char *buf);

/* Writes the marks of footnote indexes marks[0..count) as "a" or "a,b"
   into buf (REPFMT_SIZE bytes; marks that do not fit are left out) and
   returns buf; "" when count is 0. */
char *repfmt_marks(const int *marks, int count, char *buf);

/* Writes the letter of section i of the annex (0: "A", 1: "B"... 26:
   "AA") into buf (REPFMT_SIZE bytes) and returns buf. */
char *repfmt_section(size_t i, char *buf);

#endif
