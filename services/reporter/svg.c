/*  svg: the progress chart as inline SVG.

    Coordinates are computed in doubles and written with one decimal; the
    scale maps day numbers linearly onto the plot's width. Colours come
    from a fixed palette readable on white and by most colour-blind
    readers (Okabe-Ito), cycling after eight instruments. A date line's
    label has a white halo (paint-order="stroke"), so it stays readable
    where it crosses a line drawn before it. */
#include "svg.h"

#include "escape.h"
#include "repfmt.h"

#include <stdio.h>

#define S_LEFT   56
#define S_RIGHT  230 /* room for the legend */
#define S_TOP    28
#define S_BOTTOM 44
#define S_FONT   "font-family=\"sans-serif\" font-size=\"11\""

static const char *s_palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                  "#E69F00", "#56B4E9", "#000000", "#F0E442"};
#define S_COLOURS (sizeof s_palette / sizeof s_palette[0])

typedef struct {
    rdate_t x0, x1; /* date range */
    int ymax;       /* count range 0..ymax */
    double left, right, top, bottom;
} s_scale_t;

static double
s_x(const s_scale_t *sc, rdate_t date)
{
    return sc->left + (double) (date - sc->x0) * (sc->right - sc->left) / (sc->x1 - sc->x0);
}

static double
s_y(const s_scale_t *sc, double count)
{
    return sc->bottom - count * (sc->bottom - sc->top) / sc->ymax;
}

static rdate_t
s_january(rdate_t date, int add_years)
{
    int y;
    if (rdate_to_ymd(date, &y, NULL, NULL))
        return date;
    rdate_t jan = rdate_from_ymd(y + add_years, 1, 1);
    return jan == RDATE_NONE ? date : jan;
}

static rdate_t
s_max(rdate_t a, rdate_t b)
{
    return a > b ? a : b;
}

/* Picks the date and count ranges the chart shows. */
static void
s_scale(const report_t *report, s_scale_t *sc)
{
    rdate_t as_of = report_as_of(report);
    rdate_t horizon = rdate_add_days(as_of, SVG_HORIZON_DAYS);
    rdate_t first = as_of, last = as_of;
    int ymax = 1;
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        const report_projection_t *pr = &inst->projection;
        if (report_point_count(report, i) > 0 && report_point(report, i, 0)->date < first)
            first = report_point(report, i, 0)->date;
        if (inst->eif != RDATE_NONE)
            last = s_max(last, inst->eif);
        if (pr->available && pr->eif != RDATE_NONE && pr->eif <= horizon)
            last = s_max(last, pr->eif);
        else if (pr->available)
            last = s_max(last, pr->threshold_date < horizon ? pr->threshold_date : horizon);
        if (inst->threshold > ymax)
            ymax = inst->threshold;
        size_t np = report_point_count(report, i);
        for (size_t j = 0; j < np; j++)
            if (report_point(report, i, j)->count > ymax)
                ymax = report_point(report, i, j)->count;
    }
    sc->x0 = s_january(first, 0);
    sc->x1 = s_january(last, 1);
    if (sc->x1 <= sc->x0)
        sc->x1 = sc->x0 + 365;
    sc->ymax = (ymax / 10 + 1) * 10;
    sc->left = S_LEFT;
    sc->right = SVG_WIDTH - S_RIGHT;
    sc->top = S_TOP;
    sc->bottom = SVG_HEIGHT - S_BOTTOM;
}

static void
s_axes(const s_scale_t *sc, strbuf_t *out)
{
    strbuf_appendf(out,
                   "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "fill=\"#ffffff\" stroke=\"#999999\"/>\n",
                   sc->left, sc->top, sc->right - sc->left, sc->bottom - sc->top);
    int step = sc->ymax <= 20 ? 2 : sc->ymax <= 50 ? 5 : sc->ymax <= 100 ? 10 : 50;
    for (int v = 0; v <= sc->ymax; v += step) {
        double y = s_y(sc, v);
        strbuf_appendf(out,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#eeeeee\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                       "text-anchor=\"end\" " S_FONT ">%d</text>\n",
                       sc->left, y, sc->right, y, sc->left - 6, y + 4, v);
    }
    int y0, y1;
    rdate_to_ymd(sc->x0, &y0, NULL, NULL);
    rdate_to_ymd(sc->x1, &y1, NULL, NULL);
    int every = y1 - y0 <= 12 ? 1 : y1 - y0 <= 30 ? 5 : 10;
    for (int y = y0; y <= y1; y++) {
        if ((y - y0) % every)
            continue;
        double x = s_x(sc, rdate_from_ymd(y, 1, 1));
        strbuf_appendf(out,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#999999\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                       "text-anchor=\"middle\" " S_FONT ">%d</text>\n",
                       x, sc->bottom, x, sc->bottom + 5, x, sc->bottom + 18, y);
    }
    strbuf_appendf(out,
                   "<text x=\"%.1f\" y=\"%.1f\" " S_FONT ">Counted instruments of consent</text>\n",
                   sc->left - 40, sc->top - 12);
}

/* A vertical marker with a label at its top; row staggers labels. */
static void
s_vline(const s_scale_t *sc, rdate_t date, const char *colour, const char *dash, const char *label,
        int row, strbuf_t *out)
{
    if (date < sc->x0 || date > sc->x1)
        return;
    double x = s_x(sc, date);
    strbuf_appendf(out,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"%s\"%s%s%s/>\n",
                   x, sc->top, x, sc->bottom, colour, dash[0] ? " stroke-dasharray=\"" : "", dash,
                   dash[0] ? "\"" : "");
    strbuf_appendf(out,
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\" "
                   "stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" " S_FONT ">",
                   x - 3, sc->top + 12 + 13.0 * row, colour);
    escape_html(out, label);
    strbuf_append(out, "</text>\n");
}

static void
s_thresholds(const report_t *report, const s_scale_t *sc, strbuf_t *out)
{
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        int t = report_instrument(report, i)->threshold;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = report_instrument(report, k)->threshold == t;
        if (seen)
            continue;
        double y = s_y(sc, t);
        strbuf_appendf(out,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#555555\" stroke-dasharray=\"6 4\"/>\n"
                       "<text x=\"%.1f\" y=\"%.1f\" " S_FONT
                       " fill=\"#555555\">threshold %d</text>\n",
                       sc->left, y, sc->right, y, sc->left + 4, y - 4, t);
    }
}

static void
s_series(const report_t *report, size_t i, const s_scale_t *sc, strbuf_t *out)
{
    const report_instrument_t *inst = report_instrument(report, i);
    const char *colour = s_palette[i % S_COLOURS];
    size_t np = report_point_count(report, i);
    rdate_t as_of = report_as_of(report);
    if (np > 0) {
        const report_point_t *first = report_point(report, i, 0);
        strbuf_appendf(out, "<path d=\"M%.1f %.1f", s_x(sc, first->date), s_y(sc, 0));
        for (size_t j = 0; j < np; j++) {
            const report_point_t *pt = report_point(report, i, j);
            strbuf_appendf(out, " H%.1f V%.1f", s_x(sc, pt->date), s_y(sc, pt->count));
        }
        strbuf_appendf(out,
                       " H%.1f\" fill=\"none\" stroke=\"%s\" "
                       "stroke-width=\"2\"><title>",
                       s_x(sc, as_of), colour);
        escape_html(out, inst->short_title);
        strbuf_appendf(out, ": %d counted</title></path>\n", inst->counted);
    }
    const report_projection_t *pr = &inst->projection;
    if (pr->available && inst->threshold_date == RDATE_NONE) {
        /* From (as_of, counted) to (threshold_date, threshold), cut at x1. */
        double x2 = s_x(sc, pr->threshold_date), y2 = s_y(sc, inst->threshold);
        if (pr->threshold_date > sc->x1) {
            double share = (double) (sc->x1 - as_of) / (double) (pr->threshold_date - as_of);
            x2 = s_x(sc, sc->x1);
            y2 = s_y(sc, inst->counted + share * (inst->threshold - inst->counted));
        }
        strbuf_appendf(out,
                       "<path d=\"M%.1f %.1f L%.1f %.1f\" fill=\"none\" "
                       "stroke=\"%s\" stroke-width=\"1.5\" "
                       "stroke-dasharray=\"3 3\"><title>",
                       s_x(sc, as_of), s_y(sc, inst->counted), x2, y2, colour);
        escape_html(out, inst->short_title);
        strbuf_append(out, ": ");
        escape_html(out, pr->method);
        strbuf_append(out, "</title></path>\n");
    }
}

static void
s_markers(const report_t *report, const s_scale_t *sc, strbuf_t *out)
{
    int row = 0;
    size_t n = report_instrument_count(report);
    /* The as-at line first, its label on the row below the instruments',
       so that no line is drawn over an instrument's label. */
    int labelled = 0;
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        labelled += inst->eif != RDATE_NONE
                    || (inst->projection.available && inst->projection.eif != RDATE_NONE);
    }
    char as_of[REPFMT_SIZE], as_of_label[REPFMT_SIZE + 8];
    snprintf(as_of_label, sizeof as_of_label, "as at %s",
             repfmt_date_short(report_as_of(report), as_of));
    s_vline(sc, report_as_of(report), "#777777", "", as_of_label, labelled, out);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        const char *colour = s_palette[i % S_COLOURS];
        char date[REPFMT_SIZE];
        strbuf_t *label = strbuf_new();
        if (!label) {
            strbuf_fail(out);
            return;
        }
        if (inst->eif != RDATE_NONE) {
            strbuf_appendf(label, "%s EIF %s", inst->id, repfmt_date_short(inst->eif, date));
            s_vline(sc, inst->eif, colour, "5 3", strbuf_data(label), row++, out);
        }
        else if (inst->projection.available && inst->projection.eif != RDATE_NONE) {
            strbuf_appendf(label, "%s EIF projected %s", inst->id,
                           repfmt_date_short(inst->projection.eif, date));
            s_vline(sc, inst->projection.eif, colour, "1 3", strbuf_data(label), row++, out);
        }
        if (strbuf_failed(label))
            strbuf_fail(out);
        strbuf_destroy(&label);
    }
}

static void
s_legend(const report_t *report, const s_scale_t *sc, strbuf_t *out)
{
    size_t n = report_instrument_count(report);
    double x = sc->right + 16;
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        double y = sc->top + 8 + 32.0 * (double) i;
        strbuf_appendf(out,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"%s\" stroke-width=\"3\"/>\n"
                       "<text x=\"%.1f\" y=\"%.1f\" " S_FONT ">",
                       x, y, x + 18, y, s_palette[i % S_COLOURS], x + 24, y + 4);
        escape_html(out, inst->short_title);
        strbuf_appendf(out, "</text>\n<text x=\"%.1f\" y=\"%.1f\" " S_FONT " fill=\"#555555\">",
                       x + 24, y + 17);
        escape_html(out, inst->reference);
        strbuf_appendf(out, ": %d of %d</text>\n", inst->counted, inst->threshold);
    }
}

int
svg_progress_chart(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    s_scale_t sc;
    s_scale(report, &sc);
    strbuf_appendf(out,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                   "role=\"img\">\n<title>",
                   SVG_WIDTH, SVG_HEIGHT, SVG_WIDTH, SVG_HEIGHT);
    char date[RDATE_LONG_SIZE];
    strbuf_appendf(out, "Cumulative instruments of consent as at %s",
                   rdate_format_long(report_as_of(report), date));
    strbuf_append(out, "</title>\n<desc>Dashed segments: ");
    if (report_instrument_count(report) > 0)
        escape_html(out, report_instrument(report, 0)->projection.method);
    strbuf_append(out, ".</desc>\n");
    s_axes(&sc, out);
    s_thresholds(report, &sc, out);
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++)
        s_series(report, i, &sc, out);
    s_markers(report, &sc, out);
    s_legend(report, &sc, out);
    strbuf_append(out, "</svg>\n");
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}
