/*  render_html: the whole report as one standalone HTML page.

    The page needs nothing from outside (no stylesheet, script, font or
    image: CSS is inline in a <style> element and the chart is inline SVG,
    svg.h), so it can be mailed, archived or opened offline. It holds, in
    order: the annex (table A, then one numbered table per instrument with
    its footnotes), the progress towards entry into force (the chart, a
    table of figures and projections, the projection method stated), and
    the UNTC status table of every instrument.

    Every string taken from the catalog or the model goes through
    escape_html: a participant named "<script>..." shows as text. */
#ifndef RATIFY_RENDER_HTML_H
#define RATIFY_RENDER_HTML_H

#include "report.h"
#include "strbuf.h"

/* Appends the page (<!DOCTYPE html> to </html>). Returns REPORT_OK,
   REPORT_EINVAL (NULL argument) or REPORT_ENOMEM (out is then marked
   failed). */
int render_html(const report_t *report, strbuf_t *out);

/* Appends a standalone page holding instrument i's UNTC status table and
   its footnotes. Returns as render_html (REPORT_EINVAL also for i out of
   range). */
int render_html_status(const report_t *report, size_t i, strbuf_t *out);

/* Appends a standalone page holding the progress section alone. Returns
   as render_html. */
int render_html_progress(const report_t *report, strbuf_t *out);

/* The pieces the pages above are made of, for pages composed elsewhere
   (the reporter's dashboard). render_html_begin appends <!DOCTYPE html>
   through <body> with the shared inline style, then `css` (trusted, may be
   NULL) in the same <style> element, and `title` (escaped) as the
   document title; render_html_end appends </body></html>;
   render_html_progress_section appends the progress heading, the chart and
   the table of figures and projections. Each returns as render_html. */
int render_html_begin(const char *title, const char *css, strbuf_t *out);
int render_html_end(strbuf_t *out);
int render_html_progress_section(const report_t *report, strbuf_t *out);

#endif
