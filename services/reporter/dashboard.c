/*  dashboard: the front page, composed from render_html's pieces. */
#include "dashboard.h"

#include "escape.h"
#include "render_html.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Added to render_html's style: the header band, the date form, the
   link lists. */
static const char s_css[] =
    "header{border-bottom:2px solid #888;margin-bottom:1em}\n"
    "header h1{margin-bottom:.2em}\n"
    "header p{margin:.3em 0}\n"
    "header form{margin:.4em 0 .8em;font-family:sans-serif;font-size:.9em}\n"
    "input,button{font:inherit}\n"
    "td.links a{margin-right:.7em;font-family:sans-serif;font-size:.9em}\n"
    "footer{margin-top:2em;font-size:.85em;color:#555}\n";

typedef struct {
    const char *ext;
    const char *label;
} s_link_t;

static const s_link_t s_annex_links[] = {
    {"html", "HTML"}, {"txt", "text"}, {"md", "Markdown"}, {"csv", "CSV"}, {"json", "JSON"}};
static const s_link_t s_progress_links[] = {{"html", "HTML"}, {"txt", "text"},  {"md", "Markdown"},
                                            {"csv", "CSV"},   {"json", "JSON"}, {"svg", "SVG"}};
static const s_link_t s_status_links[] = {
    {"html", "HTML"}, {"csv", "CSV"}, {"json", "JSON"}, {"txt", "text"}, {"md", "Markdown"}};

int
dashboard_url_encode(strbuf_t *out, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *) text; p && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
            || strchr("-._~", *p))
            strbuf_putc(out, (char) *p);
        else
            strbuf_appendf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
    return strbuf_failed(out) ? -1 : 0;
}

/* Appends one table cell of links: <path><ext>[?as_of=...] for each. path
   is trusted (ASCII, already encoded). */
static void
s_links(strbuf_t *out, const char *path, const s_link_t *links, size_t count, const char *query)
{
    strbuf_append(out, "<td class=\"links\">");
    for (size_t k = 0; k < count; k++)
        strbuf_appendf(out, "<a href=\"%s.%s%s\">%s</a>", path, links[k].ext, query,
                       links[k].label);
    strbuf_append(out, "</td>");
}

static void
s_reports(const report_t *report, const char *query, strbuf_t *out)
{
    strbuf_append(out, "<h2>Reports</h2>\n<table>\n<thead><tr><th>Report</th>"
                       "<th>Formats</th></tr></thead>\n<tbody>\n");
    strbuf_append(out, "<tr><td>Annex: summary of signatures and ratifications "
                       "(table A) and the parties to each instrument</td>");
    s_links(out, "reports/annex", s_annex_links, sizeof s_annex_links / sizeof *s_annex_links,
            query);
    strbuf_append(out, "</tr>\n<tr><td>Progress towards entry into force, with "
                       "projections</td>");
    s_links(out, "reports/progress", s_progress_links,
            sizeof s_progress_links / sizeof *s_progress_links, query);
    strbuf_append(out, "</tr>\n");

    strbuf_t *path = strbuf_new();
    if (!path) {
        strbuf_fail(out);
        return;
    }
    const size_t n = report_instrument_count(report);
    for (size_t i = 0; i < n; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        strbuf_append(out, "<tr><td>Status of ");
        escape_html(out, inst->short_title);
        strbuf_append(out, " (");
        escape_html(out, inst->reference);
        strbuf_append(out, ")</td>");
        strbuf_reset(path);
        strbuf_append(path, "reports/status/");
        dashboard_url_encode(path, inst->id);
        if (strbuf_failed(path)) {
            strbuf_fail(out);
            break;
        }
        /* the encoded id holds no character HTML gives a meaning to */
        s_links(out, strbuf_data(path), s_status_links,
                sizeof s_status_links / sizeof *s_status_links, query);
        strbuf_append(out, "</tr>\n");
    }
    strbuf_destroy(&path);
    strbuf_append(out, "</tbody>\n</table>\n");
}

int
dashboard_render(const report_t *report, bool as_of_given, int64_t last_seq, strbuf_t *out)
{
    if (!report || !out)
        return REPORT_EINVAL;
    char iso[RDATE_ISO_SIZE], date[RDATE_LONG_SIZE];
    const rdate_t as_of = report_as_of(report);
    rdate_format(as_of, iso);
    char query[RDATE_ISO_SIZE + 8] = "";
    if (as_of_given)
        snprintf(query, sizeof query, "?as_of=%s", iso);

    render_html_begin("Ratify: treaty ratification status", s_css, out);
    strbuf_appendf(out,
                   "<header>\n<h1>Treaty ratification status</h1>\n"
                   "<p>As at <strong>%s</strong>, from registry events 1 to %" PRId64 ".</p>\n"
                   "<form method=\"get\"><label>Another date: "
                   "<input type=\"date\" name=\"as_of\" value=\"%s\"></label> "
                   "<button type=\"submit\">Show</button></form>\n</header>\n",
                   rdate_format_long(as_of, date), last_seq, iso);
    render_html_progress_section(report, out);
    s_reports(report, query, out);
    strbuf_append(out, "<footer><p>Entry into force is computed from the catalog's rules by "
                       "the same rule engine the threshold service runs. ");
    if (report_skipped(report) > 0)
        strbuf_appendf(out,
                       "%zu events were left out: the catalog knows neither their "
                       "instrument nor their participant. ",
                       report_skipped(report));
    strbuf_append(out, "Service: <a href=\"healthz\">health</a>, "
                       "<a href=\"metrics\">metrics</a>.</p></footer>\n");
    return render_html_end(out);
}
