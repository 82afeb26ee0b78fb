/*  render_json: the report as one JSON document, written straight into
    the strbuf as the other renderers write theirs.

    The output is byte for byte what json_dumps(JSON_INDENT(2) |
    JSON_PRESERVE_ORDER) printed when this file built a jansson tree: keys
    in the order written, "key": value, a comma and a new line between
    members, two spaces per level, [] and {} when empty, integers as %lld,
    strings as escape_json writes them. The tree was many times the size
    of the document: for the 35 MB annex of 100,000 events it took the
    reporter's peak memory from 15 MB to 287 MB; written as it goes, the
    document costs its own size (66 MB peak).

    Failures are sticky in the strbuf (strbuf.h): out of memory, or a
    catalog string that is not UTF-8 (jansson refused those too), marks
    out failed, every later append is ignored, and the render returns
    REPORT_ENOMEM once at the end. */
#include "render_json.h"

#include "escape.h"
#include "milestone.h"

#include <stdint.h>

/* Where the writer is: how deep, and whether the innermost container has
   a member yet (the next one is then preceded by a comma). One flag is
   enough: a container that closes is a member of its parent, so the
   parent is never empty after it. */
typedef struct {
    strbuf_t *out;
    int depth;  /* containers open */
    bool empty; /* the innermost container has no member yet */
} s_writer_t;

/* A new line, indented two spaces per open container. */
static void
s_newline(s_writer_t *w)
{
    static const char spaces[] = "                ";
    strbuf_putc(w->out, '\n');
    for (size_t left = 2 * (size_t) w->depth; left > 0;) {
        size_t n = left < sizeof spaces - 1 ? left : sizeof spaces - 1;
        strbuf_appendn(w->out, spaces, n);
        left -= n;
    }
}

/* Starts a member of the innermost container (or the document's root, at
   depth 0): a comma after the previous member, a new line, and "key": for
   an object's member (key NULL for an array's). Keys are literals of this
   file, plain ASCII: they need no escaping. */
static void
s_member(s_writer_t *w, const char *key)
{
    if (w->depth > 0) {
        if (!w->empty)
            strbuf_putc(w->out, ',');
        s_newline(w);
    }
    w->empty = false;
    if (key) {
        strbuf_putc(w->out, '"');
        strbuf_append(w->out, key);
        strbuf_appendn(w->out, "\": ", 3);
    }
}

/* Opens an object ('{') or an array ('['). */
static void
s_open(s_writer_t *w, const char *key, char bracket)
{
    s_member(w, key);
    strbuf_putc(w->out, bracket);
    w->depth++;
    w->empty = true;
}

/* Closes the innermost container with bracket ('}' or ']'), on a line of
   its own unless it is empty ("[]"). */
static void
s_close(s_writer_t *w, char bracket)
{
    w->depth--;
    if (!w->empty)
        s_newline(w);
    strbuf_putc(w->out, bracket);
    w->empty = false;
}

/* A string, or null for NULL. */
static void
s_str(s_writer_t *w, const char *key, const char *text)
{
    s_member(w, key);
    escape_json(w->out, text);
}

static void
s_int(s_writer_t *w, const char *key, long long value)
{
    s_member(w, key);
    strbuf_appendf(w->out, "%lld", value);
}

static void
s_bool(s_writer_t *w, const char *key, bool value)
{
    s_member(w, key);
    strbuf_append(w->out, value ? "true" : "false");
}

/* An ISO 8601 date, or null for RDATE_NONE or a date rdate cannot
   write. */
static void
s_date(s_writer_t *w, const char *key, rdate_t date)
{
    char iso[RDATE_ISO_SIZE];
    if (date == RDATE_NONE || !rdate_format(date, iso)[0])
        s_str(w, key, NULL);
    else
        s_str(w, key, iso);
}

static void
s_marks(s_writer_t *w, const int *marks, int count)
{
    s_open(w, "footnotes", '[');
    for (int k = 0; k < count; k++) {
        char mark[16];
        s_str(w, NULL, report_mark((size_t) marks[k], mark, sizeof mark));
    }
    s_close(w, ']');
}

static void
s_projection(s_writer_t *w, const report_projection_t *pr)
{
    s_open(w, "projection", '{');
    s_bool(w, "available", pr->available);
    s_int(w, "window_days", pr->window_days);
    s_int(w, "window_deposits", pr->window_deposits);
    s_int(w, "remaining", pr->remaining);
    s_date(w, "threshold_date", pr->threshold_date);
    s_date(w, "entry_into_force", pr->eif);
    s_close(w, '}');
}

/* Writes key: [ {...}, ... ], one object per j < count(report, i), whose
   members item writes: the lists of an instrument. */
static void
s_objects(s_writer_t *w, const char *key, const report_t *report, size_t i,
          size_t (*count)(const report_t *, size_t),
          void (*item)(s_writer_t *, const report_t *, size_t, size_t))
{
    s_open(w, key, '[');
    size_t n = count(report, i);
    for (size_t j = 0; j < n; j++) {
        s_open(w, NULL, '{');
        item(w, report, i, j);
        s_close(w, '}');
    }
    s_close(w, ']');
}

static void
s_note(s_writer_t *w, size_t k, const char *text)
{
    char mark[16];
    s_str(w, "mark", report_mark(k, mark, sizeof mark));
    s_str(w, "text", text);
}

static void
s_annex_note(s_writer_t *w, const report_t *report, size_t i, size_t k)
{
    s_note(w, k, report_annex_footnote(report, i, k));
}

static void
s_status_note(s_writer_t *w, const report_t *report, size_t i, size_t k)
{
    s_note(w, k, report_status_footnote(report, i, k));
}

static void
s_deposit(s_writer_t *w, const report_t *report, size_t i, size_t j)
{
    const report_deposit_t *d = report_deposit(report, i, j);
    s_int(w, "number", (long long) j + 1);
    s_str(w, "participant", d->participant);
    s_str(w, "name", d->name);
    s_str(w, "action", action_name(d->action));
    s_date(w, "date", d->deposit);
    s_date(w, "entry_into_force", d->eif);
    s_bool(w, "counted", d->counted);
    s_marks(w, d->marks, d->mark_count);
}

static void
s_row(s_writer_t *w, const report_t *report, size_t i, size_t j)
{
    const report_row_t *row = report_row(report, i, j);
    s_str(w, "participant", row->participant);
    s_str(w, "name", row->name);
    s_date(w, "signature", row->signature);
    s_date(w, "consent", row->consent);
    s_str(w, "action", row->action == ACTION_NONE ? NULL : action_name(row->action));
    s_str(w, "suffix", action_untc_suffix(row->action));
    s_date(w, "entry_into_force", row->eif);
    s_date(w, "denounced", row->denounced);
    s_date(w, "end", row->end);
    s_marks(w, row->marks, row->mark_count);
}

static void
s_point(s_writer_t *w, const report_t *report, size_t i, size_t j)
{
    const report_point_t *pt = report_point(report, i, j);
    s_date(w, "date", pt->date);
    s_int(w, "count", pt->count);
}

static void
s_instrument(s_writer_t *w, const report_t *report, size_t i)
{
    const report_instrument_t *inst = report_instrument(report, i);
    s_open(w, NULL, '{');
    s_str(w, "id", inst->id);
    s_str(w, "reference", inst->reference);
    s_str(w, "title", inst->title);
    s_str(w, "short_title", inst->short_title);
    s_str(w, "parent", inst->parent);
    s_int(w, "threshold", inst->threshold);
    s_int(w, "delay_days", inst->delay_days);
    s_int(w, "signatures", inst->signatures);
    s_int(w, "ratifications", inst->deposits);
    s_int(w, "counted", inst->counted);
    s_date(w, "threshold_date", inst->threshold_date);
    s_date(w, "entry_into_force", inst->eif);
    /* the protocol's token (status.reply, milestones), not the tables' label */
    s_str(w, "stage", milestone_stage_name(inst->stage));
    s_bool(w, "waiting_for_parent", inst->waiting_for_parent);
    s_projection(w, &inst->projection);
    s_objects(w, "deposits", report, i, report_deposit_count, s_deposit);
    s_objects(w, "footnotes", report, i, report_annex_footnote_count, s_annex_note);
    s_objects(w, "status", report, i, report_row_count, s_row);
    s_objects(w, "status_footnotes", report, i, report_status_footnote_count, s_status_note);
    s_objects(w, "progress", report, i, report_point_count, s_point);
    s_close(w, '}');
}

/* Renders every instrument, or instrument `only` alone when it is in
   range. */
static int
s_render(const report_t *report, size_t only, strbuf_t *out)
{
    s_writer_t w = {.out = out, .depth = 0, .empty = true};
    s_open(&w, NULL, '{');
    s_str(&w, "title", report_title(report));
    s_date(&w, "as_of", report_as_of(report));
    s_int(&w, "skipped_events", (long long) report_skipped(report));
    size_t n = report_instrument_count(report);
    if (n > 0)
        s_str(&w, "projection_method", report_instrument(report, 0)->projection.method);
    s_open(&w, "instruments", '[');
    for (size_t i = 0; i < n && !strbuf_failed(out); i++)
        if (only >= n || i == only)
            s_instrument(&w, report, i);
    s_close(&w, ']');
    s_close(&w, '}');
    strbuf_putc(out, '\n');
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
