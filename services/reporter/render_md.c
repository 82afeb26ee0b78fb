/*  render_md: the annex, status and progress reports as Markdown. */
#include "render_md.h"

#include "escape.h"
#include "repfmt.h"

static int
s_done(strbuf_t *out)
{
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

static void
s_marks(strbuf_t *out, const int *marks, int count)
{
    char text[REPFMT_SIZE];
    if (count > 0)
        strbuf_appendf(out, " <sup>%s</sup>", repfmt_marks(marks, count, text));
}

static void
s_footnotes(strbuf_t *out, const report_t *report, size_t i,
            size_t (*count)(const report_t *, size_t),
            const char *(*get)(const report_t *, size_t, size_t))
{
    size_t n = count(report, i);
    for (size_t k = 0; k < n; k++) {
        char mark[16];
        strbuf_appendf(out, "\n<sup>%s</sup> ", report_mark(k, mark, sizeof mark));
        escape_md(out, get(report, i, k));
        strbuf_putc(out, '\n');
    }
}

int
render_md_annex(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    size_t n = report_instrument_count(report);
    strbuf_append(out, "# Annex\n\n");
    escape_md(out, report_title(report));
    strbuf_append(out, "\n\n## A. Summary of signatures and ratifications\n\n"
                       "| International instrument | Signatures | "
                       "Ratifications |\n|---|--:|--:|\n");
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        strbuf_append(out, "| ");
        escape_md(out, inst->title);
        strbuf_appendf(out, " | %d | %d |\n", inst->signatures, inst->deposits);
    }
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        char section[REPFMT_SIZE];
        strbuf_appendf(out, "\n## %s. Ratification of the ", repfmt_section(i + 1, section));
        escape_md(out, inst->title);
        strbuf_append(out, "\n\n| No. | State | Date of ratification |\n"
                           "|--:|---|---|\n");
        size_t nd = report_deposit_count(report, i);
        for (size_t j = 0; j < nd; j++) {
            const report_deposit_t *d = report_deposit(report, i, j);
            char date[REPFMT_SIZE];
            strbuf_appendf(out, "| %zu. | ", j + 1);
            escape_md(out, d->name);
            s_marks(out, d->marks, d->mark_count);
            strbuf_appendf(out, " | %s |\n", repfmt_annex_date(d->deposit, d->action, date));
        }
        if (nd == 0)
            strbuf_append(out, "| | (none) | |\n");
        s_footnotes(out, report, i, report_annex_footnote_count, report_annex_footnote);
    }
    return s_done(out);
}

int
render_md_status(const report_t *report, size_t i, strbuf_t *out)
{
    const report_instrument_t *inst = report_instrument(report, i);
    if (!inst || !out)
        return REPORT_EINVAL;
    char date[RDATE_LONG_SIZE];
    strbuf_appendf(out, "## %s ", inst->reference);
    escape_md(out, inst->title);
    strbuf_append(out, "\n\n");
    if (inst->eif != RDATE_NONE)
        strbuf_appendf(out, "Entry into force: %s (%s).  \n", rdate_format_long(inst->eif, date),
                       report_stage_name(inst->stage));
    else
        strbuf_appendf(out,
                       "Entry into force: not yet (%d of %d instruments "
                       "counted).  \n",
                       inst->counted, inst->threshold);
    strbuf_appendf(out, "Status: Signatories: %d. Parties: %d.  \n", inst->signatures,
                   inst->deposits);
    strbuf_appendf(out, "Status as at: %s\n\n", rdate_format_long(report_as_of(report), date));
    strbuf_append(out, "| Participant | Signature | Ratification, Acceptance "
                       "(A), Approval (AA), Accession (a), Succession (d) | "
                       "Entry into force |\n|---|---|---|---|\n");
    size_t nr = report_row_count(report, i);
    for (size_t j = 0; j < nr; j++) {
        const report_row_t *row = report_row(report, i, j);
        char sig[REPFMT_SIZE], consent[REPFMT_SIZE], eif[REPFMT_SIZE];
        strbuf_append(out, "| ");
        escape_md(out, row->name);
        s_marks(out, row->marks, row->mark_count);
        strbuf_appendf(out, " | %s | %s | %s |\n", repfmt_date_short(row->signature, sig),
                       repfmt_untc_cell(row->consent, row->action, consent),
                       repfmt_date_short(row->eif, eif));
    }
    s_footnotes(out, report, i, report_status_footnote_count, report_status_footnote);
    return s_done(out);
}

int
render_md_progress(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    char date[RDATE_LONG_SIZE];
    strbuf_appendf(out, "# Progress towards entry into force as at %s\n",
                   rdate_format_long(report_as_of(report), date));
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        const report_projection_t *pr = &inst->projection;
        strbuf_append(out, "\n## ");
        escape_md(out, inst->short_title);
        strbuf_appendf(out, " (%s)\n\n", inst->reference);
        strbuf_appendf(out, "- Counted instruments: %d of %d\n", inst->counted, inst->threshold);
        if (inst->threshold_date != RDATE_NONE)
            strbuf_appendf(out, "- Threshold reached: %s\n",
                           rdate_format_long(inst->threshold_date, date));
        if (inst->eif != RDATE_NONE)
            strbuf_appendf(out, "- Entry into force: %s (%s)\n", rdate_format_long(inst->eif, date),
                           report_stage_name(inst->stage));
        else if (pr->available) {
            strbuf_appendf(out, "- Projection (%s): threshold about %s", pr->method,
                           rdate_format_long(pr->threshold_date, date));
            if (pr->eif != RDATE_NONE)
                strbuf_appendf(out, ", entry into force about %s",
                               rdate_format_long(pr->eif, date));
            strbuf_appendf(out, " (%d gained in the window, %d needed)\n", pr->window_deposits,
                           pr->remaining);
        }
        else
            strbuf_appendf(out,
                           "- Projection (%s): none, %d gained in the "
                           "window\n",
                           pr->method, pr->window_deposits);
        strbuf_append(out, "\n| Date | Cumulative |\n|---|--:|\n");
        size_t np = report_point_count(report, i);
        for (size_t j = 0; j < np; j++) {
            const report_point_t *pt = report_point(report, i, j);
            strbuf_appendf(out, "| %s | %d |\n", rdate_format_long(pt->date, date), pt->count);
        }
    }
    return s_done(out);
}
