/*  test_report_formats: the reporter's renderers beyond plain text.

    For the seed report as at 2 July 2003: the JSON parses with jansson and
    holds the seed's figures; each CSV reads back through our RFC 4180
    reader (common/csv.h) with the right number of records and fields; the
    Markdown and the HTML page hold the expected rows; the HTML is
    standalone and carries an SVG chart with paths. Then, on a small
    catalog written to a temporary directory whose names hold markup and
    CSV/Markdown metacharacters ("<script>...", quotes, commas, pipes),
    that every format keeps them inert and reads them back intact; that
    the JSON of names with quotes, backslashes, control characters and
    non-ASCII letters is escaped as jansson escapes them and laid out as
    json_dumps lays out the same document, and that a name that is not
    UTF-8 fails the JSON; and the strbuf and escape modules on their own. */
#include "check.h"
#include "escape.h"
#include "render_csv.h"
#include "render_html.h"
#include "render_json.h"
#include "render_md.h"
#include "render_text.h"
#include "report.h"
#include "strbuf.h"
#include "svg.h"
#include "test_report_util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*s_render_fn)(const report_t *, strbuf_t *);

/* Renders with fn; returns a string the caller frees (NULL on failure). */
static char *
s_render(const report_t *report, s_render_fn fn)
{
    strbuf_t *out = strbuf_new();
    CHECK_INT(fn(report, out), REPORT_OK);
    char *text = strbuf_detach(out);
    strbuf_destroy(&out);
    return text;
}

static size_t
s_count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; p && (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Reads a CSV text back with common/csv.h. Returns the number of records
   (header included), or -1 on a malformed record or when a record has not
   `fields` fields. When want_row >= 0, copies field want_field of record
   want_row into got (size got_len). */
static int
s_csv_records(const char *text, int fields, int want_row, int want_field, char *got, size_t got_len)
{
    FILE *file = fmemopen((void *) text, strlen(text), "r");
    if (!file)
        return -1;
    csv_t *csv = csv_new(file);
    int records = 0, rc = 0;
    while (csv) {
        int n = csv_next(csv);
        if (n == 0)
            break;
        if (n != fields) {
            fprintf(stderr, "csv record %d: %d fields, want %d (%s)\n", records, n, fields,
                    n < 0 ? csv_error(csv) : "");
            rc = -1;
            break;
        }
        if (records == want_row)
            snprintf(got, got_len, "%s", csv_field(csv, want_field));
        records++;
    }
    csv_destroy(&csv);
    fclose(file);
    return rc ? -1 : records;
}

static int
s_status0(const report_t *report, strbuf_t *out)
{
    return render_csv_status(report, 0, out);
}

static int
s_md_status0(const report_t *report, strbuf_t *out)
{
    return render_md_status(report, 0, out);
}

static void
s_test_json(const report_t *report)
{
    char *text = s_render(report, render_json);
    json_error_t error;
    json_t *root = text ? json_loads(text, 0, &error) : NULL;
    CHECK(root != NULL);
    if (!root) {
        fprintf(stderr, "json: %s (line %d)\n", error.text, error.line);
        free(text);
        return;
    }
    CHECK_STR(json_string_value(json_object_get(root, "as_of")), "2003-07-02");
    CHECK_STR(json_string_value(json_object_get(root, "projection_method")),
              "linear projection from the deposits of the last 365 days");
    json_t *insts = json_object_get(root, "instruments");
    CHECK_INT(json_array_size(insts), 4);
    static const int sigs[4] = {147, 117, 112, 52}, deps[4] = {40, 28, 27, 4};
    for (size_t i = 0; i < json_array_size(insts); i++) {
        json_t *inst = json_array_get(insts, i);
        CHECK_INT(json_integer_value(json_object_get(inst, "signatures")), sigs[i]);
        CHECK_INT(json_integer_value(json_object_get(inst, "ratifications")), deps[i]);
        CHECK_INT(json_array_size(json_object_get(inst, "deposits")), deps[i]);
    }
    json_t *untoc = json_array_get(insts, 0);
    CHECK_STR(json_string_value(json_object_get(untoc, "entry_into_force")), "2003-09-29");
    CHECK_STR(json_string_value(json_object_get(untoc, "stage")), "scheduled");
    json_t *srb = json_array_get(json_object_get(untoc, "deposits"), 2);
    CHECK_STR(json_string_value(json_object_get(srb, "name")), "Serbia and Montenegro");
    CHECK_STR(json_string_value(json_object_get(srb, "participant")), "SRB");
    CHECK_STR(json_string_value(json_array_get(json_object_get(srb, "footnotes"), 0)), "a");
    json_t *note = json_array_get(json_object_get(untoc, "footnotes"), 0);
    CHECK_STR(json_string_value(json_object_get(note, "text")),
              "On 4 February 2003, the Federal Republic of Yugoslavia changed "
              "its name to Serbia and Montenegro.");
    json_t *tip = json_array_get(insts, 1);
    CHECK(json_is_null(json_object_get(tip, "entry_into_force")));
    json_t *pr = json_object_get(tip, "projection");
    CHECK(json_is_true(json_object_get(pr, "available")));
    CHECK_INT(json_integer_value(json_object_get(pr, "remaining")), 12);
    CHECK_INT(json_array_size(json_object_get(untoc, "progress")), report_point_count(report, 0));
    CHECK_INT(json_array_size(json_object_get(untoc, "status")), report_row_count(report, 0));
    json_decref(root);
    free(text);
}

static void
s_test_csv(const report_t *report)
{
    char field[512] = "";
    char *summary = s_render(report, render_csv_summary);
    CHECK_INT(s_csv_records(summary, 5, 1, 3, field, sizeof field), 5);
    CHECK_STR(field, "147");
    CHECK(summary && strstr(summary, "\r\n") != NULL);
    static const char header[] = "instrument,reference,title,signatures,ratifications\r\n";
    CHECK(summary && strncmp(summary, header, sizeof header - 1) == 0);
    free(summary);

    char *annex = s_render(report, render_csv_annex);
    CHECK_INT(s_csv_records(annex, 8, 3, 4, field, sizeof field), 1 + 40 + 28 + 27 + 4);
    CHECK_STR(field, "Serbia and Montenegro");
    s_csv_records(annex, 8, 3, 7, field, sizeof field);
    CHECK_STR(field, "On 4 February 2003, the Federal Republic of Yugoslavia "
                     "changed its name to Serbia and Montenegro.");
    s_csv_records(annex, 8, 99, 4, field, sizeof field);
    CHECK_STR(field, "Mexico");
    CHECK(annex
          && strstr(annex, "\r\nB,UNTOC,40,ARM,Armenia,2003-07-01,"
                           "ratification,\r\n"));
    free(annex);

    char *status = s_render(report, s_status0);
    CHECK_INT(s_csv_records(status, 10, -1, 0, field, sizeof field),
              1 + (int) report_row_count(report, 0));
    free(status);

    char *progress = s_render(report, render_csv_progress);
    int points = 0;
    for (size_t i = 0; i < 4; i++)
        points += (int) report_point_count(report, i);
    CHECK_INT(s_csv_records(progress, 3, -1, 0, field, sizeof field), 1 + points);
    free(progress);
}

static void
s_test_md(const report_t *report)
{
    char *md = s_render(report, render_md_annex);
    CHECK(md != NULL);
    if (md) {
        CHECK(strstr(md, "\n## A. Summary of signatures and ratifications\n"));
        CHECK(strstr(md, "\n| United Nations Convention against Transnational "
                         "Organized Crime | 147 | 40 |\n"));
        CHECK(strstr(md, "\n| 3. | Serbia and Montenegro <sup>a</sup> | "
                         "6 September 2001 |\n"));
        CHECK(strstr(md, "\n<sup>a</sup> On 4 February 2003, the Federal "
                         "Republic of Yugoslavia"));
        CHECK(strstr(md, "\n## E. Ratification of the Protocol against the "
                         "Illicit Manufacturing"));
        /* 4 summary rows + 99 deposit rows, plus 5 header rows. */
        CHECK_INT(s_count(md, "\n| "), 4 + 99 + 5);
    }
    free(md);
    char *status = s_render(report, s_md_status0);
    CHECK(status
          && strstr(status, "\n| Algeria | 12 Dec 2000 | 7 Oct 2002 | "
                            "29 Sep 2003 |\n"));
    free(status);
    char *progress = s_render(report, render_md_progress);
    CHECK(progress
          && strstr(progress, "linear projection from the deposits "
                              "of the last 365 days"));
    free(progress);
}

static void
s_test_html(const report_t *report)
{
    char *html = s_render(report, render_html);
    CHECK(html != NULL);
    if (!html)
        return;
    CHECK(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    CHECK(strstr(html, "</html>\n") != NULL);
    CHECK(strstr(html, "<meta charset=\"utf-8\">"));
    CHECK(strstr(html, "<tr><td class=\"n\">3.</td><td>Serbia and Montenegro "
                       "<sup>a</sup></td><td>6 September 2001</td></tr>"));
    CHECK(strstr(html, "<tr><td class=\"n\">40.</td><td>Armenia</td>"
                       "<td>1 July 2003</td></tr>"));
    CHECK(strstr(html, "<p class=\"note\"><sup>a</sup> On 4 February 2003, "));
    CHECK(strstr(html, "<tr><td>Algeria</td><td>12 Dec 2000</td>"
                       "<td>7 Oct 2002</td><td>29 Sep 2003</td></tr>"));
    CHECK(strstr(html, "linear projection from the deposits of the last 365 "
                       "days"));
    /* The chart: inline SVG with one step path per instrument. */
    CHECK_INT(s_count(html, "<svg "), 1);
    CHECK(s_count(html, "<path d=\"M") >= 4);
    CHECK_INT(s_count(html, "<text"), s_count(html, "</text>"));
    CHECK_INT(s_count(html, "<path"), s_count(html, "</path>"));
    CHECK(strstr(html, "threshold 40"));
    CHECK(strstr(html, "UNTOC EIF 29 Sep 2003"));
    /* Standalone: nothing loaded from outside. */
    CHECK(!strstr(html, "<script"));
    CHECK(!strstr(html, "<link"));
    CHECK(!strstr(html, "src="));
    CHECK(!strstr(html, "url("));
    CHECK_INT(s_count(html, "http"), 1); /* the SVG namespace only */
    /* Every table row opened is closed: 4 + 99 + 4 progress + status rows,
       and one header row per table. */
    size_t rows = 4 + 99 + 4 + 5 + 1 + 4;
    for (size_t i = 0; i < 4; i++)
        rows += report_row_count(report, i);
    CHECK_INT(s_count(html, "<tr>"), rows);
    CHECK_INT(s_count(html, "</tr>"), rows);
    free(html);
}

/* ---- Hostile names ---------------------------------------------------- */

static const char s_ini[] = "[EVIL]\nreference = E-1\n"
                            "title = Convention on <b>Bold</b> & \"Quoted\" Things\n"
                            "short_title = <i>Evil</i> Convention\n"
                            "threshold = 3\ndelay_days = 30\ndenunciation_months = 12\n";

static const char s_participants[] = "id\tkind\tiso3\tiso2\tname\n"
                                     "P01\tstate\t-\t-\t<script>alert(1)</script>\n"
                                     "P02\tstate\t-\t-\tComma, \"Quote\" Land\n"
                                     "P03\tstate\t-\t-\tPipe | Land & Co\n"
                                     "P04\tstate\t-\t-\tNew Name\n"
                                     "P05\tstate\t-\t-\tEcho\n";

static const char s_names[] = "id\tuntil\tname\tformal\tnote\n"
                              "P04\t2010-01-01\tOld Name\tthe Republic of Old Name\t-\n"
                              "P04\t2012-01-01\tMiddle Name\t-\t-\n";

static void
s_test_hostile(void)
{
    char dir[TRU_PATH_SIZE];
    catalog_t *catalog = tru_temp_catalog(s_ini, s_participants, s_names, dir);
    CHECK(catalog != NULL);
    if (!catalog)
        return;
    tru_events_t events = {0};
    static const char *ids[] = {"P01", "P02", "P03", "P04", "P05"};
    int64_t seq = 1;
    for (size_t i = 0; i < 5; i++) {
        event_t sig = tru_event(seq++, "EVIL", ids[i], ACTION_SIGNATURE, "2009-01-05");
        event_t rat = tru_event(seq++, "EVIL", ids[i],
                                i == 2 ? ACTION_ACCESSION : ACTION_RATIFICATION, "2009-06-01");
        tru_push(&events, &sig);
        tru_push(&events, &rat);
    }
    event_t denounce = tru_event(seq++, "EVIL", "P05", ACTION_DENUNCIATION, "2011-03-01");
    tru_push(&events, &denounce);
    int error = 0;
    report_t *report =
        report_new(catalog, events.items, events.count, tru_date("2013-01-01"), &error);
    CHECK_INT(error, REPORT_OK);
    if (!report)
        goto done;
    /* Echo's denunciation took effect on 1 March 2012: listed no more. */
    CHECK_INT(report_deposit_count(report, 0), 4);
    CHECK_INT(report_row_count(report, 0), 5);

    char *html = s_render(report, render_html);
    CHECK(html && !strstr(html, "<script>") && !strstr(html, "<b>") && !strstr(html, "<i>"));
    CHECK(html && strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(html
          && strstr(html, "Convention on &lt;b&gt;Bold&lt;/b&gt; &amp; "
                          "&quot;Quoted&quot; Things"));
    CHECK(html && strstr(html, "&lt;i&gt;Evil&lt;/i&gt; Convention"));
    CHECK(html && strstr(html, "Pipe | Land &amp; Co"));
    CHECK(html
          && strstr(html, "On 1 March 2011, Echo notified its "
                          "denunciation, which took effect on 1 March "
                          "2012."));
    free(html);

    strbuf_t *svg = strbuf_new();
    CHECK_INT(svg_progress_chart(report, svg), REPORT_OK);
    CHECK(!strstr(strbuf_data(svg), "<i>"));
    CHECK(strstr(strbuf_data(svg), "&lt;i&gt;Evil&lt;/i&gt; Convention"));
    strbuf_destroy(&svg);

    char *md = s_render(report, render_md_annex);
    CHECK(md && !strstr(md, "<script>"));
    CHECK(md && strstr(md, "| \\<script\\>alert(1)\\</script\\> |"));
    CHECK(md && strstr(md, "| Pipe \\| Land \\& Co | 1 June 2009 (a) |"));
    /* Two changes of name since its deposit: two marks. */
    CHECK(md && strstr(md, "| New Name <sup>a,b</sup> |"));
    free(md);

    strbuf_t *text = strbuf_new();
    CHECK_INT(render_text_annex(report, 0, text), REPORT_OK);
    CHECK(strstr(strbuf_data(text), "\nB. Ratification of the Convention on "
                                    "<b>Bold</b> & \"Quoted\" Things\n"));
    CHECK(strstr(strbuf_data(text), "\n4. New Name ^a,b\t1 June 2009\n"));
    CHECK(strstr(strbuf_data(text), "\n^a On 1 January 2010, the Republic of "
                                    "Old Name changed its name to Middle "
                                    "Name.\n^b On 1 January 2012, Middle "
                                    "Name changed its name to New Name.\n"));
    strbuf_destroy(&text);

    char field[256] = "";
    char *csv = s_render(report, s_status0);
    CHECK_INT(s_csv_records(csv, 10, -1, 0, field, sizeof field), 6);
    /* Rows sort by name: "<script>..." first, then Comma, Echo... */
    s_csv_records(csv, 10, 1, 1, field, sizeof field);
    CHECK_STR(field, "<script>alert(1)</script>");
    s_csv_records(csv, 10, 2, 1, field, sizeof field);
    CHECK_STR(field, "Comma, \"Quote\" Land");
    CHECK(csv && strstr(csv, "\"Comma, \"\"Quote\"\" Land\""));
    s_csv_records(csv, 10, 3, 8, field, sizeof field);
    CHECK_STR(field, "2012-03-01"); /* Echo's end */
    free(csv);

    char *json = s_render(report, render_json);
    json_t *root = json ? json_loads(json, 0, NULL) : NULL;
    CHECK(root != NULL);
    json_t *deps =
        json_object_get(json_array_get(json_object_get(root, "instruments"), 0), "deposits");
    CHECK_STR(json_string_value(json_object_get(json_array_get(deps, 0), "name")),
              "<script>alert(1)</script>");
    CHECK_STR(json_string_value(json_object_get(json_array_get(deps, 1), "name")),
              "Comma, \"Quote\" Land");
    json_decref(root);
    free(json);
    report_destroy(&report);
done:
    free(events.items);
    catalog_destroy(&catalog);
    tru_remove_temp(dir);
}

/* ---- A party that denounced and joined again ---------------------------- */

/* P05 denounces on 1 March 2011 (effect 1 March 2012) and accedes again the
   next day: while both participations run it is one party, listed once
   (its latest instrument), as the threshold service counts it. */
static void
s_test_rejoin(void)
{
    char dir[TRU_PATH_SIZE];
    catalog_t *catalog = tru_temp_catalog(s_ini, s_participants, s_names, dir);
    CHECK(catalog != NULL);
    if (!catalog)
        return;
    tru_events_t events = {0};
    static const char *ids[] = {"P01", "P02", "P03", "P04", "P05"};
    int64_t seq = 1;
    for (size_t i = 0; i < 5; i++) {
        event_t rat = tru_event(seq++, "EVIL", ids[i], ACTION_RATIFICATION, "2009-06-01");
        tru_push(&events, &rat);
    }
    event_t denounce = tru_event(seq++, "EVIL", "P05", ACTION_DENUNCIATION, "2011-03-01");
    event_t rejoin = tru_event(seq++, "EVIL", "P05", ACTION_ACCESSION, "2011-03-02");
    tru_push(&events, &denounce);
    tru_push(&events, &rejoin);
    static const char *const as_of[] = {"2011-06-01", "2013-01-01"};
    for (size_t k = 0; k < 2; k++) {
        int error = 0;
        report_t *report =
            report_new(catalog, events.items, events.count, tru_date(as_of[k]), &error);
        CHECK_INT(error, REPORT_OK);
        if (!report)
            continue;
        CHECK_INT(report_deposit_count(report, 0), 5);
        int echo = 0;
        for (size_t j = 0; j < report_deposit_count(report, 0); j++) {
            const report_deposit_t *d = report_deposit(report, 0, j);
            if (strcmp(d->participant, "P05") == 0) {
                echo++;
                CHECK_INT(d->action, ACTION_ACCESSION);
                CHECK_INT(d->deposit, tru_date("2011-03-02"));
            }
        }
        CHECK_INT(echo, 1);
        char *json = s_render(report, render_json);
        CHECK(json && strstr(json, "\"ratifications\": 5,"));
        /* the protocol's stage token, as ratifyctl status --json gives it */
        CHECK(json && strstr(json, "\"stage\": \"in_force\""));
        free(json);
        report_destroy(&report);
    }
    free(events.items);
    catalog_destroy(&catalog);
    tru_remove_temp(dir);
}

/* ---- JSON: escaping and layout ---------------------------------------- */

/* Returns true when text is exactly what json_dumps(JSON_INDENT(2) |
   JSON_PRESERVE_ORDER) writes for the document it holds, plus a newline:
   the layout the renderer had when it built a jansson tree. */
static bool
s_same_as_jansson(const char *text)
{
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    char *dumped = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    size_t len = dumped ? strlen(dumped) : 0;
    bool same = dumped && strncmp(text, dumped, len) == 0 && strcmp(text + len, "\n") == 0;
    free(dumped);
    json_decref(root);
    return same;
}

/* Every JSON the seed gives, whole and per instrument, is laid out as
   jansson lays it out. */
static void
s_test_json_layout(const report_t *report)
{
    strbuf_t *out = strbuf_new();
    CHECK_INT(render_json(report, out), REPORT_OK);
    CHECK(s_same_as_jansson(strbuf_data(out)));
    for (size_t i = 0; i < report_instrument_count(report); i++) {
        strbuf_reset(out);
        CHECK_INT(render_json_instrument(report, i, out), REPORT_OK);
        CHECK(s_same_as_jansson(strbuf_data(out)));
    }
    strbuf_destroy(&out);
}

static const char s_json_ini[] =
    "[ESC]\nreference = E-2\n"
    "title = The \"Escape\" Convention \\ Protocol / Accord \xe2\x80\x93 "
    "\xc3\x9c"
    "bereinkommen\n"
    "threshold = 2\ndelay_days = 30\n";

/* Names with a quote and a backslash, C0 controls and DEL, a 2-, 3- and
   4-byte UTF-8 letter, a slash; Q06's is not UTF-8. */
static const char s_json_participants[] =
    "id\tkind\tiso3\tiso2\tname\n"
    "Q01\tstate\t-\t-\tBack\\slash \"Quoted\" Land\n"
    "Q02\tstate\t-\t-\tCtrl\x01\x1f\x7f"
    " Land\n"
    "Q03\tstate\t-\t-\tC\xc3\xb4te d\xe2\x80\x99Ivoire\n"
    "Q04\tstate\t-\t-\tZhongguo \xe4\xb8\xad\xe5\x9b\xbd \xf0\x9d\x94\x98\n"
    "Q05\tstate\t-\t-\tSlash/Land\n"
    "Q06\tstate\t-\t-\tBad \xff"
    "Byte\n";

static const char s_json_names[] = "id\tuntil\tname\tformal\tnote\n"
                                   "Q01\t2005-01-01\tOld \"Back\\slash\"\t-\t-\n";

static void
s_test_json_names(void)
{
    char dir[TRU_PATH_SIZE];
    catalog_t *catalog = tru_temp_catalog(s_json_ini, s_json_participants, s_json_names, dir);
    CHECK(catalog != NULL);
    if (!catalog)
        return;
    /* Q01..Q05 accede on one day; Q06 signs later. */
    tru_events_t events = {0};
    char id[] = "Q00";
    for (int q = 1; q <= 6; q++) {
        id[2] = (char) ('0' + q);
        event_t ev = tru_event(q, "ESC", id, q < 6 ? ACTION_ACCESSION : ACTION_SIGNATURE,
                               q < 6 ? "2002-06-01" : "2003-03-03");
        tru_push(&events, &ev);
    }
    int error = 0;
    report_t *report = report_new(catalog, events.items, 5, tru_date("2006-01-01"), &error);
    CHECK_INT(error, REPORT_OK);
    char *json = report ? s_render(report, render_json) : NULL;
    CHECK(s_same_as_jansson(json));
    CHECK(json
          && strstr(json, "\n      \"title\": \"The \\\"Escape\\\" "
                          "Convention \\\\ Protocol / Accord "
                          "\xe2\x80\x93 \xc3\x9c"
                          "bereinkommen\",\n"));
    CHECK(json
          && strstr(json, "\"name\": \"Back\\\\slash \\\"Quoted\\\" "
                          "Land\",\n"));
    CHECK(json
          && strstr(json, "\"name\": \"Ctrl\\u0001\\u001F\x7f"
                          " Land\",\n"));
    CHECK(json
          && strstr(json, "\"name\": \"C\xc3\xb4te d\xe2\x80\x99"
                          "Ivoire\",\n"));
    CHECK(json
          && strstr(json, "\"name\": \"Zhongguo \xe4\xb8\xad\xe5\x9b\xbd "
                          "\xf0\x9d\x94\x98\",\n"));
    CHECK(json && strstr(json, "\"name\": \"Slash/Land\",\n"));
    CHECK(json
          && strstr(json, "\"text\": \"On 1 January 2005, Old "
                          "\\\"Back\\\\slash\\\" changed its name to "
                          "Back\\\\slash \\\"Quoted\\\" Land.\"\n"));
    /* Read back, the names are the catalog's. */
    json_t *root = json ? json_loads(json, 0, NULL) : NULL;
    json_t *deps =
        json_object_get(json_array_get(json_object_get(root, "instruments"), 0), "deposits");
    CHECK_INT(json_array_size(deps), 5);
    const char *got = NULL;
    for (size_t j = 0; j < json_array_size(deps); j++) {
        json_t *d = json_array_get(deps, j);
        if (strcmp(json_string_value(json_object_get(d, "participant")), "Q02") == 0)
            got = json_string_value(json_object_get(d, "name"));
    }
    CHECK_STR(got, "Ctrl\x01\x1f\x7f Land");
    json_decref(root);
    free(json);
    report_destroy(&report);

    /* Before any act: every list empty, written "[]". */
    report = report_new(catalog, events.items, events.count, tru_date("2000-01-01"), &error);
    json = report ? s_render(report, render_json) : NULL;
    CHECK(s_same_as_jansson(json));
    CHECK(json && strstr(json, "\n      \"deposits\": [],\n"));
    free(json);
    report_destroy(&report);

    /* Q06's name is not UTF-8: the JSON fails as out of memory, as
       jansson refused the string; before Q06 acts, it is not written. */
    report = report_new(catalog, events.items, events.count, tru_date("2006-01-01"), &error);
    strbuf_t *out = strbuf_new();
    CHECK_INT(render_json(report, out), REPORT_ENOMEM);
    CHECK(strbuf_failed(out));
    strbuf_reset(out);
    CHECK_INT(render_json_instrument(report, 0, out), REPORT_ENOMEM);
    report_destroy(&report);
    report = report_new(catalog, events.items, events.count, tru_date("2003-01-01"), &error);
    strbuf_reset(out);
    CHECK_INT(render_json(report, out), REPORT_OK);
    CHECK(s_same_as_jansson(strbuf_data(out)));
    strbuf_destroy(&out);
    report_destroy(&report);
    free(events.items);
    catalog_destroy(&catalog);
    tru_remove_temp(dir);
}

/* ---- strbuf and escape ------------------------------------------------ */

static void
s_test_strbuf(void)
{
    strbuf_t *buf = strbuf_new();
    CHECK_STR(strbuf_data(buf), "");
    CHECK_INT(strbuf_len(buf), 0);
    for (int i = 0; i < 1000; i++)
        strbuf_appendf(buf, "%d,", i);
    CHECK_INT(strbuf_len(buf), 3890);
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_reset(buf);
    strbuf_appendf(buf, "<%s>", big); /* longer than the small buffer */
    CHECK_INT(strbuf_len(buf), 1001);
    CHECK(!strbuf_failed(buf));
    strbuf_fail(buf);
    CHECK_INT(strbuf_append(buf, "more"), -1); /* sticky */
    CHECK_INT(strbuf_len(buf), 1001);
    CHECK(strbuf_detach(buf) == NULL);
    strbuf_reset(buf);
    strbuf_append(buf, "kept");
    char *text = strbuf_detach(buf);
    CHECK_STR(text, "kept");
    CHECK_STR(strbuf_data(buf), "");
    free(text);
    strbuf_destroy(&buf);
    strbuf_destroy(&buf);
    CHECK(buf == NULL);
    CHECK_INT(strbuf_append(NULL, "x"), -1);

    strbuf_t *out = strbuf_new();
    escape_html(out, "<a href=\"x\">Tom & Jerry's</a>\x01");
    CHECK_STR(strbuf_data(out), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    strbuf_reset(out);
    escape_csv(out, "plain");
    strbuf_putc(out, '|');
    escape_csv(out, "a,b");
    strbuf_putc(out, '|');
    escape_csv(out, "say \"hi\"");
    strbuf_putc(out, '|');
    escape_csv(out, "two\nlines");
    strbuf_putc(out, '|');
    escape_csv(out, NULL);
    CHECK_STR(strbuf_data(out), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
    strbuf_reset(out);
    escape_md(out, "a|b <c> *d* _e_ [f](g) \\ h\ni");
    CHECK_STR(strbuf_data(out), "a\\|b \\<c\\> \\*d\\* \\_e\\_ \\[f\\](g) \\\\ h i");
    strbuf_destroy(&out);
}

/* Checks escape_json on text against jansson: the same string when
   jansson takes the text, a failure when json_string refuses it. Returns
   true when they agree. */
static bool
s_escape_json_as_jansson(strbuf_t *out, const char *text)
{
    strbuf_reset(out);
    int rc = escape_json(out, text);
    json_t *string = json_string(text);
    char *want = string ? json_dumps(string, JSON_ENCODE_ANY) : NULL;
    bool same = string ? want && rc == 0 && strcmp(strbuf_data(out), want) == 0
                       : rc == -1 && strbuf_failed(out);
    free(want);
    json_decref(string);
    return same;
}

static void
s_test_escape_json(void)
{
    strbuf_t *out = strbuf_new();
    escape_json(out, "plain");
    strbuf_putc(out, ' ');
    escape_json(out, "say \"hi\" \\ a/b");
    strbuf_putc(out, ' ');
    escape_json(out, "\b\f\n\r\t\x01\x1f\x7f");
    strbuf_putc(out, ' ');
    escape_json(out, NULL);
    strbuf_putc(out, ' ');
    escape_json(out, "");
    CHECK_STR(strbuf_data(out), "\"plain\" \"say \\\"hi\\\" \\\\ a/b\" "
                                "\"\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\" null \"\"");
    /* Non-ASCII stays UTF-8: U+00F4, U+2019, U+2028, U+4E2D, U+1D518. */
    static const char letters[] = "C\xc3\xb4te d\xe2\x80\x99Ivoire "
                                  "\xe2\x80\xa8 \xe4\xb8\xad \xf0\x9d\x94\x98";
    strbuf_reset(out);
    CHECK_INT(escape_json(out, letters), 0);
    CHECK(strbuf_len(out) == sizeof letters + 1
          && strncmp(strbuf_data(out) + 1, letters, sizeof letters - 1) == 0);
    /* Not UTF-8: a stray continuation byte, an overlong "/", a surrogate,
       past U+10FFFF, a sequence cut short, F5. The failure is sticky. */
    static const char *invalid[] = {
        "\x80", "a\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\xf5\x80\x80\x80"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        strbuf_reset(out);
        CHECK_INT(escape_json(out, invalid[i]), -1);
        CHECK(strbuf_failed(out));
        CHECK_INT(strbuf_append(out, "more"), -1);
    }
    /* Against jansson: every text of one and two bytes, three-byte texts
       from every lead byte of a multi-byte sequence, and four-byte ones
       from F0..F4, around the edges of the continuation range. */
    static const unsigned char edges[] = {0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0};
    int disagree = 0;
    unsigned char text[5] = {0};
    const char *t = (const char *) text;
    for (unsigned a = 1; a < 256; a++) {
        text[0] = (unsigned char) a;
        text[1] = 0;
        disagree += !s_escape_json_as_jansson(out, t);
        for (unsigned b = 1; b < 256; b++) {
            text[1] = (unsigned char) b;
            text[2] = 0;
            disagree += !s_escape_json_as_jansson(out, t);
            for (size_t c = 0; a >= 0xe0 && a <= 0xf4 && c < sizeof edges; c++) {
                text[2] = edges[c];
                text[3] = 0;
                disagree += !s_escape_json_as_jansson(out, t);
                for (size_t d = 0; a >= 0xf0 && d < sizeof edges; d++) {
                    text[3] = edges[d];
                    text[4] = 0;
                    disagree += !s_escape_json_as_jansson(out, t);
                }
            }
        }
    }
    CHECK_INT(disagree, 0);
    strbuf_destroy(&out);
}

int
main(void)
{
    catalog_t *catalog = tru_setup();
    CHECK(catalog != NULL);
    if (!catalog)
        return check_report("test_report_formats");
    tru_events_t events = {0};
    CHECK_INT(tru_load_events(catalog, "a58-165.csv", 1, NULL, NULL, &events), 527);
    int error = 0;
    report_t *report =
        report_new(catalog, events.items, events.count, tru_date("2003-07-02"), &error);
    CHECK_INT(error, REPORT_OK);
    if (report) {
        s_test_json(report);
        s_test_csv(report);
        s_test_md(report);
        s_test_html(report);
        CHECK_INT(render_html(NULL, NULL), REPORT_EINVAL);
        CHECK_INT(render_json(report, NULL), REPORT_EINVAL);
        s_test_json_layout(report);
    }
    report_destroy(&report);
    free(events.items);
    catalog_destroy(&catalog);
    s_test_hostile();
    s_test_rejoin();
    s_test_json_names();
    s_test_strbuf();
    s_test_escape_json();
    return check_report("test_report_formats");
}
