/*  render_json: the report as a JSON tree built with jansson.

    The tree is built whole, then dumped once: a report is at most a few
    hundred kilobytes, and jansson then owns quoting and UTF-8 checking. A
    failed allocation anywhere turns `ok` false; the tree is freed in every
    case. */
#include "render_json.h"

#include "repfmt.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

/* Sets key to value (stolen, also on failure); a NULL object or value or
   a failed set clears *ok. */
static void
s_set(json_t *obj, const char *key, json_t *value, bool *ok)
{
    if (!obj) {
        json_decref(value);
        *ok = false;
    } else if (!value || json_object_set_new(obj, key, value))
        *ok = false;
}

/* Appends value (stolen, also on failure) to array. */
static void
s_push(json_t *array, json_t *value, bool *ok)
{
    if (!array) {
        json_decref(value);
        *ok = false;
    } else if (!value || json_array_append_new(array, value))
        *ok = false;
}

static json_t *
s_str(const char *text)
{
    return text ? json_string(text) : json_null();
}

static json_t *
s_date(rdate_t date)
{
    char iso[RDATE_ISO_SIZE];
    if (date == RDATE_NONE || !rdate_format(date, iso)[0])
        return json_null();
    return json_string(iso);
}

static json_t *
s_marks(const int *marks, int count, bool *ok)
{
    json_t *array = json_array();
    for (int k = 0; k < count; k++) {
        char mark[16];
        s_push(array, json_string(report_mark((size_t) marks[k], mark,
                                              sizeof mark)),
               ok);
    }
    if (!array)
        *ok = false;
    return array;
}

static json_t *
s_notes(const report_t *report, size_t i,
        size_t (*count)(const report_t *, size_t),
        const char *(*get)(const report_t *, size_t, size_t), bool *ok)
{
    json_t *array = json_array();
    size_t n = count(report, i);
    for (size_t k = 0; k < n; k++) {
        char mark[16];
        json_t *note = json_object();
        s_set(note, "mark", json_string(report_mark(k, mark, sizeof mark)), ok);
        s_set(note, "text", s_str(get(report, i, k)), ok);
        s_push(array, note, ok);
    }
    if (!array)
        *ok = false;
    return array;
}

static json_t *
s_projection(const report_projection_t *pr, bool *ok)
{
    json_t *obj = json_object();
    s_set(obj, "available", json_boolean(pr->available), ok);
    s_set(obj, "window_days", json_integer(pr->window_days), ok);
    s_set(obj, "window_deposits", json_integer(pr->window_deposits), ok);
    s_set(obj, "remaining", json_integer(pr->remaining), ok);
    s_set(obj, "threshold_date", s_date(pr->threshold_date), ok);
    s_set(obj, "entry_into_force", s_date(pr->eif), ok);
    return obj;
}

static json_t *
s_deposits(const report_t *report, size_t i, bool *ok)
{
    json_t *array = json_array();
    size_t n = report_deposit_count(report, i);
    for (size_t j = 0; j < n; j++) {
        const report_deposit_t *d = report_deposit(report, i, j);
        json_t *obj = json_object();
        s_set(obj, "number", json_integer((json_int_t) j + 1), ok);
        s_set(obj, "participant", s_str(d->participant), ok);
        s_set(obj, "name", s_str(d->name), ok);
        s_set(obj, "action", s_str(action_name(d->action)), ok);
        s_set(obj, "date", s_date(d->deposit), ok);
        s_set(obj, "entry_into_force", s_date(d->eif), ok);
        s_set(obj, "counted", json_boolean(d->counted), ok);
        s_set(obj, "footnotes", s_marks(d->marks, d->mark_count, ok), ok);
        s_push(array, obj, ok);
    }
    if (!array)
        *ok = false;
    return array;
}

static json_t *
s_status(const report_t *report, size_t i, bool *ok)
{
    json_t *array = json_array();
    size_t n = report_row_count(report, i);
    for (size_t j = 0; j < n; j++) {
        const report_row_t *row = report_row(report, i, j);
        json_t *obj = json_object();
        s_set(obj, "participant", s_str(row->participant), ok);
        s_set(obj, "name", s_str(row->name), ok);
        s_set(obj, "signature", s_date(row->signature), ok);
        s_set(obj, "consent", s_date(row->consent), ok);
        s_set(obj, "action",
              row->action == ACTION_NONE ? json_null()
                                         : s_str(action_name(row->action)),
              ok);
        s_set(obj, "suffix", s_str(action_untc_suffix(row->action)), ok);
        s_set(obj, "entry_into_force", s_date(row->eif), ok);
        s_set(obj, "denounced", s_date(row->denounced), ok);
        s_set(obj, "end", s_date(row->end), ok);
        s_set(obj, "footnotes", s_marks(row->marks, row->mark_count, ok), ok);
        s_push(array, obj, ok);
    }
    if (!array)
        *ok = false;
    return array;
}

static json_t *
s_progress(const report_t *report, size_t i, bool *ok)
{
    json_t *array = json_array();
    size_t n = report_point_count(report, i);
    for (size_t j = 0; j < n; j++) {
        const report_point_t *pt = report_point(report, i, j);
        json_t *obj = json_object();
        s_set(obj, "date", s_date(pt->date), ok);
        s_set(obj, "count", json_integer(pt->count), ok);
        s_push(array, obj, ok);
    }
    if (!array)
        *ok = false;
    return array;
}

static json_t *
s_instrument(const report_t *report, size_t i, bool *ok)
{
    const report_instrument_t *inst = report_instrument(report, i);
    json_t *obj = json_object();
    s_set(obj, "id", s_str(inst->id), ok);
    s_set(obj, "reference", s_str(inst->reference), ok);
    s_set(obj, "title", s_str(inst->title), ok);
    s_set(obj, "short_title", s_str(inst->short_title), ok);
    s_set(obj, "parent", s_str(inst->parent), ok);
    s_set(obj, "threshold", json_integer(inst->threshold), ok);
    s_set(obj, "delay_days", json_integer(inst->delay_days), ok);
    s_set(obj, "signatures", json_integer(inst->signatures), ok);
    s_set(obj, "ratifications", json_integer(inst->deposits), ok);
    s_set(obj, "counted", json_integer(inst->counted), ok);
    s_set(obj, "threshold_date", s_date(inst->threshold_date), ok);
    s_set(obj, "entry_into_force", s_date(inst->eif), ok);
    s_set(obj, "stage", s_str(report_stage_name(inst->stage)), ok);
    s_set(obj, "waiting_for_parent", json_boolean(inst->waiting_for_parent),
          ok);
    s_set(obj, "projection", s_projection(&inst->projection, ok), ok);
    s_set(obj, "deposits", s_deposits(report, i, ok), ok);
    s_set(obj, "footnotes",
          s_notes(report, i, report_annex_footnote_count,
                  report_annex_footnote, ok),
          ok);
    s_set(obj, "status", s_status(report, i, ok), ok);
    s_set(obj, "status_footnotes",
          s_notes(report, i, report_status_footnote_count,
                  report_status_footnote, ok),
          ok);
    s_set(obj, "progress", s_progress(report, i, ok), ok);
    return obj;
}

/* Renders every instrument, or instrument `only` alone when it is in
   range. */
static int
s_render(const report_t *report, size_t only, strbuf_t *out)
{
    bool ok = true;
    json_t *root = json_object();
    s_set(root, "title", s_str(report_title(report)), &ok);
    s_set(root, "as_of", s_date(report_as_of(report)), &ok);
    s_set(root, "skipped_events", json_integer((json_int_t) report_skipped(report)),
          &ok);
    size_t n = report_instrument_count(report);
    if (n > 0)
        s_set(root, "projection_method",
              s_str(report_instrument(report, 0)->projection.method), &ok);
    json_t *instruments = json_array();
    for (size_t i = 0; i < n && ok; i++)
        if (only >= n || i == only)
            s_push(instruments, s_instrument(report, i, &ok), &ok);
    s_set(root, "instruments", instruments, &ok);
    char *text = ok ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                    : NULL;
    json_decref(root);
    if (!text) {
        strbuf_fail(out);
        return REPORT_ENOMEM;
    }
    strbuf_append(out, text);
    strbuf_putc(out, '\n');
    free(text);
    return strbuf_failed(out) ? REPORT_ENOMEM : REPORT_OK;
}

int
render_json(const report_t *report, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    return s_render(report, SIZE_MAX, out);
}

int
render_json_instrument(const report_t *report, size_t i, strbuf_t *out)
{
    if (!report || !out || i >= report_instrument_count(report))
        return REPORT_EINVAL;
    return s_render(report, i, out);
}
