/*  svg: the progress chart, drawn by our own code as inline SVG.

    One chart for all instruments: x is time (year ticks), y the cumulative
    number of counted instruments of consent. Each instrument is a step line
    in its own colour, from its first deposit to the as-at date; a dashed
    horizontal line marks each threshold; a vertical line marks each known
    entry-into-force date (dashed, labelled), a dotted one each projected
    EIF, and a grey one the as-at date. Where a projection exists, a dashed
    segment runs from today's count to the threshold at the projected date
    (cut at the right edge when that is beyond the horizon). A legend
    names the instruments.

    The x axis runs from the January before the first deposit to the
    January after the latest date shown: the as-at date, known EIFs, and
    projected dates up to SVG_HORIZON_DAYS after the as-at date.

    The element is self-contained (no CSS classes, no external fonts or
    scripts), so it can be embedded in a page or saved as a .svg file
    alone; every string in it is escaped (escape_html). */
#ifndef RATIFY_SVG_H
#define RATIFY_SVG_H

#include "report.h"
#include "strbuf.h"

/* Size of the chart, in CSS pixels (the viewBox). */
#define SVG_WIDTH  880
#define SVG_HEIGHT 420
/* Projected dates later than this after the as-at date are cut off. */
#define SVG_HORIZON_DAYS (2 * 365)

/* Appends the chart as one <svg> element. Returns REPORT_OK,
   REPORT_EINVAL (NULL argument) or REPORT_ENOMEM (out is then marked
   failed). */
int svg_progress_chart(const report_t *report, strbuf_t *out);

#endif
