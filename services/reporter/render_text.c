/*  render_text: the seed's annex and the status and progress reports as
    plain text. See render_text.h for the layout decisions. */
#include "render_text.h"

#include "repfmt.h"

#include <string.h>

/* Advance widths of Times-Roman (Adobe core font metrics) for ASCII 32..126,
   in thousandths of an em. */
static const short s_times[95] = {
    250, 333, 408, 500, 500, 833, 778, 333, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541};

#define S_OTHER_WIDTH 500

static int
s_done(strbuf_t *out)
{
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

int
render_text_width(const char *text, size_t len)
{
    int width = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text[i];
        if (c >= 32 && c < 127)
            width += s_times[c - 32];
        else if ((c & 0xC0) != 0x80) /* one per code point */
            width += S_OTHER_WIDTH;
    }
    return width;
}

int
render_text_wrap(const char *text, int width, const char *sep, strbuf_t *out)
{
    if (!text || !sep || !out)
        return REPORT_EINVAL;
    const char *line = NULL; /* start of the current line */
    const char *line_end = NULL;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        if (!line) {
            line = word;
            line_end = p;
        }
        else if (render_text_width(line, (size_t) (p - line)) <= width)
            line_end = p; /* the word fits on the line */
        else {
            strbuf_appendn(out, line, (size_t) (line_end - line));
            strbuf_append(out, sep);
            line = word;
            line_end = p;
        }
    }
    if (line)
        strbuf_appendn(out, line, (size_t) (line_end - line));
    return s_done(out);
}

static void
s_footnotes(strbuf_t *out, size_t count, const char *(*get)(const report_t *, size_t, size_t),
            const report_t *report, size_t i)
{
    if (count == 0)
        return;
    strbuf_putc(out, '\n');
    for (size_t k = 0; k < count; k++) {
        char mark[16];
        strbuf_appendf(out, "^%s %s\n", report_mark(k, mark, sizeof mark), get(report, i, k));
    }
}

int
render_text_annex(const report_t *report, unsigned flags, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    size_t n = report_instrument_count(report);
    if (flags & RENDER_TEXT_HEADING)
        strbuf_appendf(out, "Annex\n\n%s\n\n", report_title(report));

    strbuf_append(out, "A. Summary of signatures and ratifications\n\n"
                       "International instrument\tSignatures\tRatifications\n");
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        render_text_wrap(inst->title, RENDER_TEXT_TITLE_WIDTH, "\t\t\n", out);
        strbuf_appendf(out, "\t%d\t%d\n", inst->signatures, inst->deposits);
    }

    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        char section[REPFMT_SIZE];
        strbuf_appendf(out, "\n%s. Ratification of the %s\n\n", repfmt_section(i + 1, section),
                       inst->title);
        strbuf_append(out, "State\tDate of ratification\n");
        size_t nd = report_deposit_count(report, i);
        if (nd == 0)
            strbuf_append(out, "(none)\n");
        for (size_t j = 0; j < nd; j++) {
            const report_deposit_t *d = report_deposit(report, i, j);
            char marks[REPFMT_SIZE], date[REPFMT_SIZE];
            repfmt_marks(d->marks, d->mark_count, marks);
            strbuf_appendf(out, "%zu. %s%s%s\t%s\n", j + 1, d->name, marks[0] ? " ^" : "", marks,
                           repfmt_annex_date(d->deposit, d->action, date));
        }
        s_footnotes(out, report_annex_footnote_count(report, i), report_annex_footnote, report, i);
    }
    return s_done(out);
}

int
render_text_status(const report_t *report, size_t i, strbuf_t *out)
{
    const report_instrument_t *inst = report_instrument(report, i);
    if (!inst || !out)
        return REPORT_EINVAL;
    char date[RDATE_LONG_SIZE];
    strbuf_appendf(out, "%s %s\n", inst->reference, inst->title);
    if (inst->eif != RDATE_NONE)
        strbuf_appendf(out, "Entry into force: %s (%s)\n", rdate_format_long(inst->eif, date),
                       report_stage_name(inst->stage));
    else if (inst->waiting_for_parent)
        strbuf_appendf(out,
                       "Entry into force: not yet known (threshold reached "
                       "on %s; awaiting the %s)\n",
                       rdate_format_long(inst->threshold_date, date), inst->parent);
    else
        strbuf_appendf(out,
                       "Entry into force: not yet (%d of %d instruments "
                       "counted)\n",
                       inst->counted, inst->threshold);
    strbuf_appendf(out, "Status: Signatories: %d. Parties: %d.\n", inst->signatures,
                   inst->deposits);
    strbuf_appendf(out, "Status as at: %s\n\n", rdate_format_long(report_as_of(report), date));
    strbuf_append(out, "Participant\tSignature\tRatification, Acceptance (A), "
                       "Approval (AA), Accession (a), Succession (d)\t"
                       "Entry into force\n");
    size_t nr = report_row_count(report, i);
    for (size_t j = 0; j < nr; j++) {
        const report_row_t *row = report_row(report, i, j);
        char marks[REPFMT_SIZE], sig[REPFMT_SIZE], consent[REPFMT_SIZE], eif[REPFMT_SIZE];
        repfmt_marks(row->marks, row->mark_count, marks);
        strbuf_appendf(out, "%s%s%s\t%s\t%s\t%s\n", row->name, marks[0] ? " ^" : "", marks,
                       repfmt_date_short(row->signature, sig),
                       repfmt_untc_cell(row->consent, row->action, consent),
                       repfmt_date_short(row->eif, eif));
    }
    s_footnotes(out, report_status_footnote_count(report, i), report_status_footnote, report, i);
    return s_done(out);
}

/* One sentence on the projection of inst. */
static void
s_projection(const report_instrument_t *inst, strbuf_t *out)
{
    const report_projection_t *pr = &inst->projection;
    char date[RDATE_LONG_SIZE];
    strbuf_appendf(out, "Projection (%s): ", pr->method);
    if (inst->eif != RDATE_NONE)
        strbuf_append(out, "not needed, the date of entry into force is "
                           "known.\n");
    else if (inst->threshold_date != RDATE_NONE)
        strbuf_appendf(out, "threshold reached; entry into force %s%s.\n",
                       pr->available ? "about " : "not projectable, the ",
                       pr->available ? rdate_format_long(pr->eif, date) : "parent's being unknown");
    else if (!pr->available)
        strbuf_appendf(out,
                       "%d counted instrument(s) gained in the last %d "
                       "days; no projection.\n",
                       pr->window_deposits, pr->window_days);
    else {
        strbuf_appendf(out,
                       "%d counted instrument(s) gained in the last %d days; "
                       "%d more needed, reached about %s",
                       pr->window_deposits, pr->window_days, pr->remaining,
                       rdate_format_long(pr->threshold_date, date));
        if (pr->eif != RDATE_NONE)
            strbuf_appendf(out, "; entry into force about %s.\n", rdate_format_long(pr->eif, date));
        else
            strbuf_append(out, "; entry into force not projectable.\n");
    }
}

int
render_text_progress(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    char date[RDATE_LONG_SIZE];
    strbuf_appendf(out, "Progress towards entry into force as at %s\n",
                   rdate_format_long(report_as_of(report), date));
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        strbuf_appendf(out, "\n%s (%s)\n", inst->short_title, inst->reference);
        strbuf_appendf(out, "Counted instruments: %d of %d", inst->counted, inst->threshold);
        if (inst->threshold_date != RDATE_NONE)
            strbuf_appendf(out, "; threshold reached on %s",
                           rdate_format_long(inst->threshold_date, date));
        if (inst->eif != RDATE_NONE)
            strbuf_appendf(out, "; %s on %s",
                           inst->stage == RULES_STAGE_IN_FORCE ? "entered into force"
                                                               : "enters into force",
                           rdate_format_long(inst->eif, date));
        strbuf_append(out, ".\n");
        s_projection(inst, out);
        strbuf_append(out, "Date\tCumulative\n");
        size_t np = report_point_count(report, i);
        for (size_t j = 0; j < np; j++) {
            const report_point_t *pt = report_point(report, i, j);
            strbuf_appendf(out, "%s\t%d\n", rdate_format_long(pt->date, date), pt->count);
        }
    }
    return s_done(out);
}
