/*  render_text: the plain-text reports, in the layout of the seed's annex.

    render_text_annex writes the seed's annex (A/58/165): table A, "Summary
    of signatures and ratifications", with the instrument titles wrapped as
    the seed wraps them, then one table per instrument ("B. Ratification of
    the ...") numbering the deposits, each followed by its footnotes. Columns
    are separated by tabs, as in the seed's text.

    What it does not reproduce, on purpose: page layout. The seed repeats a
    table's column header after each page break and leaves stray trailing
    tabs in table E; a generated report has no pages, so each header is
    written once and lines carry no trailing white space.

    How titles wrap: the seed was set in a proportional font, so its line
    breaks cannot come from a character count ("...by Land, Sea" breaks
    before "and" at 55 characters while "...and Trafficking" holds 61).
    Measured in Times Roman (the Adobe metrics, in thousandths of an em),
    every line the seed keeps is at most 24.25 em wide and every line it
    breaks would be at least 24.72 em, so titles wrap greedily at 24.5 em.

    The status and progress reports are the same data as the HTML page, as
    tab-separated text. Every function appends to out and returns REPORT_OK,
    REPORT_EINVAL (NULL argument, instrument out of range) or REPORT_ENOMEM
    (out is then marked failed). */
#ifndef RATIFY_RENDER_TEXT_H
#define RATIFY_RENDER_TEXT_H

#include "report.h"
#include "strbuf.h"

/* Width of table A's title column, in thousandths of an em of Times Roman. */
#define RENDER_TEXT_TITLE_WIDTH 24500

/* Flags of render_text_annex. */
#define RENDER_TEXT_HEADING 1u /* start with "Annex" and the report title */

/* Appends the annex (tables A, B...). */
int render_text_annex(const report_t *report, unsigned flags, strbuf_t *out);

/* Appends instrument i's UNTC status table: entry into force, counts, one
   row per participant (signature; instrument of consent with its letter;
   entry into force for it), then the footnotes. */
int render_text_status(const report_t *report, size_t i, strbuf_t *out);

/* Appends the progress of every instrument: counted instruments against
   the threshold, the threshold and EIF dates, the projection with its
   method, and the cumulative series. */
int render_text_progress(const report_t *report, strbuf_t *out);

/* Appends text wrapped greedily at width (thousandths of an em, Times
   Roman metrics; a word wider than width gets a line of its own), lines
   joined by sep. Exposed for the tests. Returns as the other functions. */
int render_text_wrap(const char *text, int width, const char *sep, strbuf_t *out);

/* Returns the width of text in thousandths of an em of Times Roman (a
   character outside ASCII counts 500). */
int render_text_width(const char *text, size_t len);

#endif
