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

#endif
