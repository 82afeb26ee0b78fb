/*  dashboard: the reporter's front page, GET / over HTTP.

    One standalone HTML page (inline CSS and SVG, no script, nothing
    fetched): the as-at date with a form to pick another, the progress of
    every instrument (the chart and the table of render_html's progress
    section), and a table linking to every report in every format:

      reports/annex.{html,txt,md,csv,json}
      reports/progress.{html,txt,md,csv,json,svg}
      reports/status/<ID>.{html,csv,json,txt,md}   one row per instrument

    Links are relative to the page, so the dashboard also works behind a
    reverse proxy that serves the reporter under a prefix; they carry
    ?as_of=YYYY-MM-DD only when the page was asked for a date, so the
    default dashboard links to reports that follow today. Instrument ids
    are percent-encoded in paths and every string is HTML-escaped.

    Pure: the page is written from a built report. */
#ifndef RATIFY_DASHBOARD_H
#define RATIFY_DASHBOARD_H

#include "report.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stdint.h>

/* Appends the dashboard for report. as_of_given says whether the as-at
   date was asked for (links then carry it); last_seq is the last registry
   event the report includes, shown on the page. Returns REPORT_OK,
   REPORT_EINVAL (NULL argument) or REPORT_ENOMEM (out is then marked
   failed). */
int dashboard_render(const report_t *report, bool as_of_given, int64_t last_seq, strbuf_t *out);

/* Appends text percent-encoded for a URL path segment or query value:
   every byte but A-Z a-z 0-9 - . _ ~ becomes %XX. Returns 0, or -1 when
   out of memory. Exposed for the tests. */
int dashboard_url_encode(strbuf_t *out, const char *text);

#endif
