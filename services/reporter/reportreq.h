/*  reportreq: one report request, as both of the reporter's front ends
    (the ZeroMQ "report" message and the HTTP paths) ask for it.

    A request names a kind (annex, status, progress), a format (text, md,
    csv, json, html; svg for progress), an as-at date (default today) and,
    for status, an instrument. reportreq_parse turns the untrusted strings
    into a checked reportreq_t, or says in one sentence what is wrong
    ("as_of must be a date YYYY-MM-DD: '2003-13-45'"), quoting the bad value
    cut short and with anything but printable ASCII shown as '?', so the
    message is safe to log and to send back. reportreq_render then writes
    the document from a built report.

    Which renderer serves what:
                annex              status (one instrument)  progress
      text      render_text_annex  render_text_status       render_text_progress
      md        render_md_annex    render_md_status         render_md_progress
      csv       render_csv_annex   render_csv_status        render_csv_progress
      json      render_json        render_json_instrument   render_json
      html      render_html        render_html_status       render_html_progress
      svg       -                  -                        svg_progress_chart
    The text annex starts with its heading ("Annex", the title with the
    as-at date), then tables A, B... exactly as render_text_annex writes
    them. The csv annex is the deposits table (tables B...: one CSV file
    holds one table); table A's counts are in every other format.

    Pure: no I/O, no clock (today is passed in). */
#ifndef RATIFY_REPORTREQ_H
#define RATIFY_REPORTREQ_H

#include "rdate.h"
#include "report.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Return codes of reportreq_parse and reportreq_render; the HTTP status
   each maps to is in parentheses. */
#define REPORTREQ_OK        0
#define REPORTREQ_EBAD      (-1) /* a malformed or contradictory request (400) */
#define REPORTREQ_ENOTFOUND (-2) /* the instrument is not in the catalog (404) */
#define REPORTREQ_EINTERNAL (-3) /* out of memory, or the renderer failed (500) */

#define REPORTREQ_INSTRUMENT_MAX 64 /* an id or UNTC reference, NUL included */
#define REPORTREQ_QUOTE_MAX      40 /* bytes of a bad value quoted back */

typedef enum {
    REPORTREQ_ANNEX = 0,
    REPORTREQ_STATUS,
    REPORTREQ_PROGRESS,
    REPORTREQ_KIND_COUNT
} reportreq_kind_t;

typedef enum {
    REPORTREQ_TEXT = 0,
    REPORTREQ_MD,
    REPORTREQ_CSV,
    REPORTREQ_JSON,
    REPORTREQ_HTML,
    REPORTREQ_SVG,
    REPORTREQ_FORMAT_COUNT
} reportreq_format_t;

typedef struct {
    reportreq_kind_t kind;
    reportreq_format_t format;
    rdate_t as_of;                             /* the date asked for, or today */
    bool as_of_given;                          /* false: as_of is today */
    char instrument[REPORTREQ_INSTRUMENT_MAX]; /* status only; "" otherwise */
} reportreq_t;

/* Fills *out from the request's strings: kind (required), format (NULL or
   "": text; "txt" and "markdown" are accepted as aliases), as_of (NULL or
   "": today), instrument (required for status, refused for the others).
   Returns REPORTREQ_OK, or REPORTREQ_EBAD with one sentence in err
   (errlen bytes; may be NULL). Whether the instrument exists is checked by
   reportreq_render, against the report's catalog. */
int reportreq_parse(reportreq_t *out, const char *kind, const char *format, const char *as_of,
                    const char *instrument, rdate_t today, char *err, size_t errlen);

/* Parses an as-at date: NULL or "" gives today (*given false), else the
   text must be exactly YYYY-MM-DD naming a real day. Returns REPORTREQ_OK
   or REPORTREQ_EBAD with "as_of must be a date YYYY-MM-DD: '...'" in err. */
int reportreq_parse_date(const char *text, rdate_t today, rdate_t *out, bool *given, char *err,
                         size_t errlen);

/* Appends the requested document, built from report (whose as-at date
   should be req->as_of), to out. Returns REPORTREQ_OK; REPORTREQ_ENOTFOUND
   with the known instruments listed in err when req->instrument names
   none; REPORTREQ_EINTERNAL when out of memory. */
int reportreq_render(const reportreq_t *req, const report_t *report, strbuf_t *out, char *err,
                     size_t errlen);

/* Returns the index in report of the instrument that text names (catalog
   id or UNTC reference, any case) through *index: REPORTREQ_OK, or
   REPORTREQ_ENOTFOUND with "unknown instrument 'X' (known: UNTOC, ...)" in
   err. */
int reportreq_find_instrument(const report_t *report, const char *text, size_t *index, char *err,
                              size_t errlen);

/* Names: the wire name of a kind ("annex") or format ("text"), a format's
   file extension ("txt") and its HTTP Content-Type ("text/plain;
   charset=utf-8"). Static strings; "" when out of range. */
const char *reportreq_kind_name(reportreq_kind_t kind);
const char *reportreq_format_name(reportreq_format_t format);
const char *reportreq_format_ext(reportreq_format_t format);
const char *reportreq_content_type(reportreq_format_t format);

/* Returns the format whose file extension is ext ("txt", "md", "csv",
   "json", "html", "svg") through *out: 0, or -1 when there is none. */
int reportreq_format_from_ext(const char *ext, reportreq_format_t *out);

/* Returns true when the kind is offered in that format. */
bool reportreq_offers(reportreq_kind_t kind, reportreq_format_t format);

/* Writes text into buf (cap bytes) cut to REPORTREQ_QUOTE_MAX bytes (with
   "..." when cut), every byte that is not printable ASCII written '?'.
   Returns buf. For quoting untrusted input in messages. */
char *reportreq_quote(const char *text, char *buf, size_t cap);

#endif
