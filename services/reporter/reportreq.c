/*  reportreq: parse a report request and dispatch it to a renderer. */
#include "reportreq.h"

#include "render_csv.h"
#include "render_html.h"
#include "render_json.h"
#include "render_md.h"
#include "render_text.h"
#include "svg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *s_kinds[REPORTREQ_KIND_COUNT] = {
    [REPORTREQ_ANNEX] = "annex",
    [REPORTREQ_STATUS] = "status",
    [REPORTREQ_PROGRESS] = "progress",
};

static const struct {
    const char *name, *ext, *alias, *content_type;
} s_formats[REPORTREQ_FORMAT_COUNT] = {
    [REPORTREQ_TEXT] = {"text", "txt", "txt", "text/plain; charset=utf-8"},
    [REPORTREQ_MD] = {"md", "md", "markdown", "text/markdown; charset=utf-8"},
    [REPORTREQ_CSV] = {"csv", "csv", NULL, "text/csv; charset=utf-8"},
    [REPORTREQ_JSON] = {"json", "json", NULL, "application/json"},
    [REPORTREQ_HTML] = {"html", "html", "htm", "text/html; charset=utf-8"},
    [REPORTREQ_SVG] = {"svg", "svg", NULL, "image/svg+xml"},
};

/* Writes one sentence into err (may be NULL) and returns code. */
static int s_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
s_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

char *
reportreq_quote(const char *text, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return buf;
    size_t n = 0, i = 0;
    for (; text && text[i] && i < REPORTREQ_QUOTE_MAX && n + 1 < cap; i++) {
        const unsigned char c = (unsigned char) text[i];
        buf[n++] = c >= 0x20 && c < 0x7f ? (char) c : '?';
    }
    if (text && text[i])
        for (const char *dots = "..."; *dots && n + 1 < cap; dots++)
            buf[n++] = *dots;
    buf[n] = '\0';
    return buf;
}

const char *
reportreq_kind_name(reportreq_kind_t kind)
{
    return kind >= 0 && kind < REPORTREQ_KIND_COUNT ? s_kinds[kind] : "";
}

const char *
reportreq_format_name(reportreq_format_t format)
{
    return format >= 0 && format < REPORTREQ_FORMAT_COUNT ? s_formats[format].name : "";
}

const char *
reportreq_format_ext(reportreq_format_t format)
{
    return format >= 0 && format < REPORTREQ_FORMAT_COUNT ? s_formats[format].ext : "";
}

const char *
reportreq_content_type(reportreq_format_t format)
{
    return format >= 0 && format < REPORTREQ_FORMAT_COUNT ? s_formats[format].content_type : "";
}

int
reportreq_format_from_ext(const char *ext, reportreq_format_t *out)
{
    for (int f = 0; ext && f < REPORTREQ_FORMAT_COUNT; f++)
        if (strcmp(ext, s_formats[f].ext) == 0) {
            *out = (reportreq_format_t) f;
            return 0;
        }
    return -1;
}

bool
reportreq_offers(reportreq_kind_t kind, reportreq_format_t format)
{
    if (kind < 0 || kind >= REPORTREQ_KIND_COUNT || format < 0 || format >= REPORTREQ_FORMAT_COUNT)
        return false;
    return format != REPORTREQ_SVG || kind == REPORTREQ_PROGRESS;
}

int
reportreq_parse_date(const char *text, rdate_t today, rdate_t *out, bool *given, char *err,
                     size_t errlen)
{
    if (!text || !*text) {
        *out = today;
        *given = false;
        return REPORTREQ_OK;
    }
    rdate_t date;
    if (rdate_parse(text, &date) != 0) {
        char quoted[REPORTREQ_QUOTE_MAX + 8];
        return s_fail(err, errlen, REPORTREQ_EBAD, "as_of must be a date YYYY-MM-DD: '%s'",
                      reportreq_quote(text, quoted, sizeof quoted));
    }
    *out = date;
    *given = true;
    return REPORTREQ_OK;
}

int
reportreq_parse(reportreq_t *out, const char *kind, const char *format, const char *as_of,
                const char *instrument, rdate_t today, char *err, size_t errlen)
{
    char quoted[REPORTREQ_QUOTE_MAX + 8];
    memset(out, 0, sizeof *out);
    int k = 0;
    while (k < REPORTREQ_KIND_COUNT && (!kind || strcasecmp(kind, s_kinds[k]) != 0))
        k++;
    if (k == REPORTREQ_KIND_COUNT)
        return s_fail(err, errlen, REPORTREQ_EBAD, "kind must be annex, status or progress: '%s'",
                      reportreq_quote(kind, quoted, sizeof quoted));
    out->kind = (reportreq_kind_t) k;

    int f = REPORTREQ_TEXT;
    if (format && *format) {
        for (f = 0; f < REPORTREQ_FORMAT_COUNT; f++)
            if (strcasecmp(format, s_formats[f].name) == 0
                || (s_formats[f].alias && strcasecmp(format, s_formats[f].alias) == 0))
                break;
        if (f == REPORTREQ_FORMAT_COUNT)
            return s_fail(err, errlen, REPORTREQ_EBAD,
                          "format must be text, md, csv, json or html: '%s'",
                          reportreq_quote(format, quoted, sizeof quoted));
    }
    out->format = (reportreq_format_t) f;
    if (!reportreq_offers(out->kind, out->format))
        return s_fail(err, errlen, REPORTREQ_EBAD,
                      "the %s report has no %s format (svg is for progress only)",
                      s_kinds[out->kind], s_formats[out->format].name);

    int rc = reportreq_parse_date(as_of, today, &out->as_of, &out->as_of_given, err, errlen);
    if (rc != REPORTREQ_OK)
        return rc;

    const bool has_instrument = instrument && *instrument;
    if (out->kind == REPORTREQ_STATUS && !has_instrument)
        return s_fail(err, errlen, REPORTREQ_EBAD,
                      "the status report needs an instrument (an id such as UNTOC, or a UNTC "
                      "reference such as XVIII-12)");
    if (out->kind != REPORTREQ_STATUS && has_instrument)
        return s_fail(err, errlen, REPORTREQ_EBAD,
                      "an instrument applies to the status report only, not to %s",
                      s_kinds[out->kind]);
    if (has_instrument && strlen(instrument) >= sizeof out->instrument)
        return s_fail(err, errlen, REPORTREQ_ENOTFOUND, "unknown instrument '%s'",
                      reportreq_quote(instrument, quoted, sizeof quoted));
    if (has_instrument)
        snprintf(out->instrument, sizeof out->instrument, "%s", instrument);
    return REPORTREQ_OK;
}

int
reportreq_find_instrument(const report_t *report, const char *text, size_t *index, char *err,
                          size_t errlen)
{
    const catalog_instrument_t *inst = catalog_instrument_find(report_catalog(report), text);
    const size_t n = report_instrument_count(report);
    for (size_t i = 0; inst && i < n; i++)
        if (strcmp(report_instrument(report, i)->id, catalog_instrument_id(inst)) == 0) {
            *index = i;
            return REPORTREQ_OK;
        }
    if (err && errlen > 0) {
        char quoted[REPORTREQ_QUOTE_MAX + 8];
        int len = snprintf(err, errlen, "unknown instrument '%s' (known:",
                           reportreq_quote(text, quoted, sizeof quoted));
        for (size_t i = 0; i < n && len >= 0 && (size_t) len < errlen; i++)
            len += snprintf(err + len, errlen - (size_t) len, "%s %s", i ? "," : "",
                            report_instrument(report, i)->id);
        if (len >= 0 && (size_t) len < errlen)
            snprintf(err + len, errlen - (size_t) len, ")");
    }
    return REPORTREQ_ENOTFOUND;
}

/* Renders the status report of instrument i. */
static int
s_status(const reportreq_t *req, const report_t *report, size_t i, strbuf_t *out)
{
    switch (req->format) {
    case REPORTREQ_TEXT:
        return render_text_status(report, i, out);
    case REPORTREQ_MD:
        return render_md_status(report, i, out);
    case REPORTREQ_CSV:
        return render_csv_status(report, i, out);
    case REPORTREQ_JSON:
        return render_json_instrument(report, i, out);
    case REPORTREQ_HTML:
        return render_html_status(report, i, out);
    default:
        return REPORT_EINVAL;
    }
}

int
reportreq_render(const reportreq_t *req, const report_t *report, strbuf_t *out, char *err,
                 size_t errlen)
{
    if (!req || !report || !out || !reportreq_offers(req->kind, req->format))
        return s_fail(err, errlen, REPORTREQ_EBAD, "not a report request");
    int rc = REPORT_EINVAL;
    if (req->kind == REPORTREQ_STATUS) {
        size_t i = 0;
        int found = reportreq_find_instrument(report, req->instrument, &i, err, errlen);
        if (found != REPORTREQ_OK)
            return found;
        rc = s_status(req, report, i, out);
    }
    else if (req->kind == REPORTREQ_ANNEX) {
        switch (req->format) {
        case REPORTREQ_TEXT:
            rc = render_text_annex(report, RENDER_TEXT_HEADING, out);
            break;
        case REPORTREQ_MD:
            rc = render_md_annex(report, out);
            break;
        case REPORTREQ_CSV:
            rc = render_csv_annex(report, out);
            break;
        case REPORTREQ_JSON:
            rc = render_json(report, out);
            break;
        case REPORTREQ_HTML:
            rc = render_html(report, out);
            break;
        default:
            break;
        }
    }
    else {
        switch (req->format) {
        case REPORTREQ_TEXT:
            rc = render_text_progress(report, out);
            break;
        case REPORTREQ_MD:
            rc = render_md_progress(report, out);
            break;
        case REPORTREQ_CSV:
            rc = render_csv_progress(report, out);
            break;
        case REPORTREQ_JSON:
            rc = render_json(report, out);
            break;
        case REPORTREQ_HTML:
            rc = render_html_progress(report, out);
            break;
        case REPORTREQ_SVG:
            rc = svg_progress_chart(report, out);
            if (rc == REPORT_OK)
                rc = strbuf_putc(out, '\n') == 0 ? REPORT_OK : REPORT_ENOMEM;
            break;
        default:
            break;
        }
    }
    if (rc == REPORT_OK && !strbuf_failed(out))
        return REPORTREQ_OK;
    const int io = strbuf_errno(out); /* a spill buffer's file */
    return s_fail(err, errlen, REPORTREQ_EINTERNAL, "the %s report could not be rendered (%s%s)",
                  s_kinds[req->kind], io ? "its temporary file: " : "",
                  io                                          ? strerror(io)
                  : rc == REPORT_ENOMEM || strbuf_failed(out) ? "out of memory"
                                                              : "renderer error");
}
