/*  render_html: the report as one standalone HTML page. */
#include "render_html.h"

#include "escape.h"
#include "repfmt.h"
#include "svg.h"

static const char s_style[] =
    "body{font-family:Georgia,'Times New Roman',serif;margin:2em auto;"
    "max-width:60em;padding:0 1em;color:#222}\n"
    "h1,h2,h3{font-family:sans-serif}\n"
    "h2{font-size:1.15em;margin-top:2em}\n"
    "h3{font-size:1em;margin-top:1.5em}\n"
    "table{border-collapse:collapse;margin:.5em 0}\n"
    "th,td{border-bottom:1px solid #ccc;padding:.2em .6em;text-align:left;"
    "vertical-align:top}\n"
    "th{border-bottom:2px solid #888}\n"
    "td.n{text-align:right}\n"
    "p.note{font-size:.9em;margin:.3em 0}\n"
    "sup{line-height:0}\n"
    "figure{margin:1em 0}\n"
    "svg{max-width:100%;height:auto}\n"
    "figcaption{font-size:.9em;color:#555}\n";

static void
s_marks(strbuf_t *out, const int *marks, int count)
{
    char text[REPFMT_SIZE];
    if (count > 0)
        strbuf_appendf(out, " <sup>%s</sup>", repfmt_marks(marks, count, text));
}

static void
s_notes(strbuf_t *out, const report_t *report, size_t i, size_t (*count)(const report_t *, size_t),
        const char *(*get)(const report_t *, size_t, size_t))
{
    size_t n = count(report, i);
    for (size_t k = 0; k < n; k++) {
        char mark[16];
        strbuf_appendf(out, "<p class=\"note\"><sup>%s</sup> ", report_mark(k, mark, sizeof mark));
        escape_html(out, get(report, i, k));
        strbuf_append(out, "</p>\n");
    }
}

static void
s_cell(strbuf_t *out, const char *text)
{
    strbuf_append(out, "<td>");
    escape_html(out, text);
    strbuf_append(out, "</td>");
}

static void
s_annex(const report_t *report, strbuf_t *out)
{
    size_t n = report_instrument_count(report);
    strbuf_append(out, "<h2>A. Summary of signatures and ratifications</h2>\n"
                       "<table>\n<thead><tr><th>International instrument</th>"
                       "<th>Signatures</th><th>Ratifications</th></tr></thead>\n"
                       "<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        strbuf_append(out, "<tr>");
        s_cell(out, inst->title);
        strbuf_appendf(out,
                       "<td class=\"n\">%d</td><td class=\"n\">%d</td>"
                       "</tr>\n",
                       inst->signatures, inst->deposits);
    }
    strbuf_append(out, "</tbody>\n</table>\n");

    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        char section[REPFMT_SIZE];
        strbuf_appendf(out, "<h2>%s. Ratification of the ", repfmt_section(i + 1, section));
        escape_html(out, inst->title);
        strbuf_append(out, "</h2>\n<table>\n<thead><tr><th>No.</th>"
                           "<th>State</th><th>Date of ratification</th></tr>"
                           "</thead>\n<tbody>\n");
        size_t nd = report_deposit_count(report, i);
        for (size_t j = 0; j < nd; j++) {
            const report_deposit_t *d = report_deposit(report, i, j);
            char date[REPFMT_SIZE];
            strbuf_appendf(out, "<tr><td class=\"n\">%zu.</td><td>", j + 1);
            escape_html(out, d->name);
            s_marks(out, d->marks, d->mark_count);
            strbuf_append(out, "</td>");
            s_cell(out, repfmt_annex_date(d->deposit, d->action, date));
            strbuf_append(out, "</tr>\n");
        }
        if (nd == 0)
            strbuf_append(out, "<tr><td></td><td>(none)</td><td></td></tr>\n");
        strbuf_append(out, "</tbody>\n</table>\n");
        s_notes(out, report, i, report_annex_footnote_count, report_annex_footnote);
    }
}

static void
s_projection_cell(const report_instrument_t *inst, strbuf_t *out)
{
    const report_projection_t *pr = &inst->projection;
    char date[RDATE_LONG_SIZE];
    strbuf_append(out, "<td>");
    if (inst->eif != RDATE_NONE)
        strbuf_append(out, "not needed");
    else if (!pr->available)
        strbuf_appendf(out, "none (%d gained in the last %d days)", pr->window_deposits,
                       pr->window_days);
    else {
        if (inst->threshold_date == RDATE_NONE)
            strbuf_appendf(out, "threshold about %s; ",
                           rdate_format_long(pr->threshold_date, date));
        if (pr->eif != RDATE_NONE)
            strbuf_appendf(out, "entry into force about %s", rdate_format_long(pr->eif, date));
        else
            strbuf_append(out, "entry into force not projectable");
        if (inst->threshold_date == RDATE_NONE)
            strbuf_appendf(out, " (%d gained in the last %d days, %d needed)", pr->window_deposits,
                           pr->window_days, pr->remaining);
    }
    strbuf_append(out, "</td>");
}

static void
s_progress(const report_t *report, strbuf_t *out)
{
    size_t n = report_instrument_count(report);
    char date[RDATE_LONG_SIZE];
    strbuf_append(out, "<h2>Progress towards entry into force</h2>\n<figure>\n");
    svg_progress_chart(report, out);
    strbuf_append(out, "<figcaption>Cumulative counted instruments of consent "
                       "per instrument. Projections (dashed): ");
    if (n > 0)
        escape_html(out, report_instrument(report, 0)->projection.method);
    strbuf_append(out, ", at the net rate of counted instruments gained in "
                       "that window; entry into force then follows each "
                       "instrument's rule, and never precedes its "
                       "parent's.</figcaption>\n</figure>\n");
    strbuf_append(out, "<table>\n<thead><tr><th>Instrument</th>"
                       "<th>Counted</th><th>Threshold</th>"
                       "<th>Threshold reached</th><th>Entry into force</th>"
                       "<th>Projection</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        strbuf_append(out, "<tr>");
        s_cell(out, inst->short_title);
        strbuf_appendf(out, "<td class=\"n\">%d</td><td class=\"n\">%d</td>", inst->counted,
                       inst->threshold);
        s_cell(out, rdate_format_long(inst->threshold_date, date));
        strbuf_append(out, "<td>");
        if (inst->eif != RDATE_NONE)
            strbuf_appendf(out, "%s (%s)", rdate_format_long(inst->eif, date),
                           report_stage_name(inst->stage));
        strbuf_append(out, "</td>");
        s_projection_cell(inst, out);
        strbuf_append(out, "</tr>\n");
    }
    strbuf_append(out, "</tbody>\n</table>\n");
}

static void
s_status(const report_t *report, size_t i, strbuf_t *out)
{
    const report_instrument_t *inst = report_instrument(report, i);
    char date[RDATE_LONG_SIZE];
    strbuf_append(out, "<h3>");
    escape_html(out, inst->reference);
    strbuf_append(out, " ");
    escape_html(out, inst->title);
    strbuf_append(out, "</h3>\n<p>Entry into force: ");
    if (inst->eif != RDATE_NONE)
        strbuf_appendf(out, "%s (%s)", rdate_format_long(inst->eif, date),
                       report_stage_name(inst->stage));
    else
        strbuf_appendf(out, "not yet (%d of %d instruments counted)", inst->counted,
                       inst->threshold);
    strbuf_appendf(out, ".<br>Status: Signatories: %d. Parties: %d.</p>\n", inst->signatures,
                   inst->deposits);
    strbuf_append(out, "<table>\n<thead><tr><th>Participant</th>"
                       "<th>Signature</th><th>Ratification, Acceptance (A), "
                       "Approval (AA), Accession (a), Succession (d)</th>"
                       "<th>Entry into force</th></tr></thead>\n<tbody>\n");
    size_t nr = report_row_count(report, i);
    for (size_t j = 0; j < nr; j++) {
        const report_row_t *row = report_row(report, i, j);
        char sig[REPFMT_SIZE], consent[REPFMT_SIZE], eif[REPFMT_SIZE];
        strbuf_append(out, "<tr><td>");
        escape_html(out, row->name);
        s_marks(out, row->marks, row->mark_count);
        strbuf_append(out, "</td>");
        s_cell(out, repfmt_date_short(row->signature, sig));
        s_cell(out, repfmt_untc_cell(row->consent, row->action, consent));
        s_cell(out, repfmt_date_short(row->eif, eif));
        strbuf_append(out, "</tr>\n");
    }
    strbuf_append(out, "</tbody>\n</table>\n");
    s_notes(out, report, i, report_status_footnote_count, report_status_footnote);
}

int
render_html_begin(const char *title, const char *css, strbuf_t *out)
{
    if (!title || !out)
        return REPORT_EINVAL;
    strbuf_append(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                       "<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width\">\n"
                       "<title>");
    escape_html(out, title);
    strbuf_appendf(out, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", s_style,
                   css ? css : "");
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

int
render_html_end(strbuf_t *out)
{
    if (!out)
        return REPORT_EINVAL;
    strbuf_append(out, "</body>\n</html>\n");
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

int
render_html_progress_section(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    s_progress(report, out);
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

int
render_html(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    render_html_begin(report_title(report), NULL, out);
    strbuf_append(out, "<h1>Annex</h1>\n<p>");
    escape_html(out, report_title(report));
    strbuf_append(out, "</p>\n");
    s_annex(report, out);
    s_progress(report, out);
    strbuf_append(out, "<h2>Status of each instrument</h2>\n");
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++)
        s_status(report, i, out);
    return render_html_end(out);
}

int
render_html_status(const report_t *report, size_t i, strbuf_t *out)
{
    if (!report || !out || i >= report_instrument_count(report))
        return REPORT_EINVAL;
    const report_instrument_t *inst = report_instrument(report, i);
    char date[RDATE_LONG_SIZE];
    strbuf_t *title = strbuf_new();
    if (!title) {
        strbuf_fail(out);
        return REPORT_ENOMEM;
    }
    strbuf_appendf(title, "Status of %s (%s) as at %s", inst->short_title, inst->reference,
                   rdate_format_long(report_as_of(report), date));
    if (strbuf_failed(title))
        strbuf_fail(out);
    render_html_begin(strbuf_data(title), NULL, out);
    strbuf_append(out, "<h1>");
    escape_html(out, strbuf_data(title));
    strbuf_append(out, "</h1>\n");
    strbuf_destroy(&title);
    s_status(report, i, out);
    return render_html_end(out);
}

int
render_html_progress(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    char date[RDATE_LONG_SIZE];
    render_html_begin("Progress towards entry into force", NULL, out);
    strbuf_appendf(out,
                   "<h1>Progress towards entry into force</h1>\n"
                   "<p>As at %s.</p>\n",
                   rdate_format_long(report_as_of(report), date));
    s_progress(report, out);
    return render_html_end(out);
}
