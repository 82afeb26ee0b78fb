/*  render_md: the reports as Markdown (GitHub-flavoured tables).

    The same content as render_text: the annex (table A, then one numbered
    table per instrument with its footnotes), the UNTC status table of one
    instrument, and the progress of every instrument. Every name and title
    goes through escape_md, so a name renders literally: it can neither
    break a table ("|") nor open raw HTML ("<script>"). Footnote marks are
    written <sup>a</sup>, the only raw HTML the output holds.

    Every function appends to out and returns REPORT_OK, REPORT_EINVAL
    (NULL argument, instrument out of range) or REPORT_ENOMEM (out is then
    marked failed). */
#ifndef RATIFY_RENDER_MD_H
#define RATIFY_RENDER_MD_H

#include "report.h"
#include "strbuf.h"

/* Appends the annex: a "# Annex" heading with the report title, table A
   and one table per instrument. */
int render_md_annex(const report_t *report, strbuf_t *out);

/* Appends instrument i's UNTC status table with its footnotes. */
int render_md_status(const report_t *report, size_t i, strbuf_t *out);

/* Appends the progress of every instrument: figures, projection (with its
   method) and the cumulative series as a table. */
int render_md_progress(const report_t *report, strbuf_t *out);

#endif
