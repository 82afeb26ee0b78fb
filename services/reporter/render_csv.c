/*  render_csv: the reports as RFC 4180 CSV. */
#include "render_csv.h"

#include "escape.h"
#include "repfmt.h"

#define S_EOL "\r\n"

static int
s_done(strbuf_t *out)
{
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

/* Appends one field, preceded by a comma unless it starts the record. */
static void
s_field(strbuf_t *out, const char *text, bool first)
{
    if (!first)
        strbuf_putc(out, ',');
    escape_csv(out, text);
}

static void
s_int(strbuf_t *out, long long value)
{
    strbuf_appendf(out, ",%lld", value);
}

static void
s_date(strbuf_t *out, rdate_t date)
{
    char iso[RDATE_ISO_SIZE];
    strbuf_putc(out, ',');
    strbuf_append(out, rdate_format(date, iso));
}

/* The notes column: the footnote sentences marks point to. */
static void
s_notes(strbuf_t *out, const int *marks, int count, const report_t *report, size_t i,
        const char *(*get)(const report_t *, size_t, size_t))
{
    strbuf_t *notes = strbuf_new();
    if (!notes) {
        strbuf_fail(out);
        return;
    }
    for (int k = 0; k < count; k++) {
        if (k)
            strbuf_putc(notes, ' ');
        strbuf_append(notes, get(report, i, (size_t) marks[k]));
    }
    if (strbuf_failed(notes))
        strbuf_fail(out);
    else
        s_field(out, strbuf_data(notes), false);
    strbuf_destroy(&notes);
}

int
render_csv_summary(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    strbuf_append(out, "instrument,reference,title,signatures,ratifications" S_EOL);
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        s_field(out, inst->id, true);
        s_field(out, inst->reference, false);
        s_field(out, inst->title, false);
        s_int(out, inst->signatures);
        s_int(out, inst->deposits);
        strbuf_append(out, S_EOL);
    }
    return s_done(out);
}

int
render_csv_annex(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    strbuf_append(out, "section,instrument,number,participant,state,date,"
                       "action,notes" S_EOL);
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        char section[REPFMT_SIZE];
        repfmt_section(i + 1, section);
        size_t nd = report_deposit_count(report, i);
        for (size_t j = 0; j < nd; j++) {
            const report_deposit_t *d = report_deposit(report, i, j);
            s_field(out, section, true);
            s_field(out, inst->id, false);
            s_int(out, (long long) j + 1);
            s_field(out, d->participant, false);
            s_field(out, d->name, false);
            s_date(out, d->deposit);
            s_field(out, action_name(d->action), false);
            s_notes(out, d->marks, d->mark_count, report, i, report_annex_footnote);
            strbuf_append(out, S_EOL);
        }
    }
    return s_done(out);
}

int
render_csv_status(const report_t *report, size_t i, strbuf_t *out)
{
    if (!report_instrument(report, i) || !out)
        return REPORT_EINVAL;
    strbuf_append(out, "participant,name,signature,consent,action,suffix,eif,"
                       "denounced,end,notes" S_EOL);
    size_t nr = report_row_count(report, i);
    for (size_t j = 0; j < nr; j++) {
        const report_row_t *row = report_row(report, i, j);
        s_field(out, row->participant, true);
        s_field(out, row->name, false);
        s_date(out, row->signature);
        s_date(out, row->consent);
        s_field(out, action_name(row->action), false);
        s_field(out, action_untc_suffix(row->action), false);
        s_date(out, row->eif);
        s_date(out, row->denounced);
        s_date(out, row->end);
        s_notes(out, row->marks, row->mark_count, report, i, report_status_footnote);
        strbuf_append(out, S_EOL);
    }
    return s_done(out);
}

int
render_csv_progress(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    strbuf_append(out, "instrument,date,count" S_EOL);
    size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        size_t np = report_point_count(report, i);
        for (size_t j = 0; j < np; j++) {
            const report_point_t *pt = report_point(report, i, j);
            s_field(out, inst->id, true);
            s_date(out, pt->date);
            s_int(out, pt->count);
            strbuf_append(out, S_EOL);
        }
    }
    return s_done(out);
}
