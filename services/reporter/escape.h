/*  escape: writing untrusted text into HTML/SVG, CSV, Markdown and JSON.

    Participant names and titles come from an operator-edited catalog, so a
    renderer never copies one into markup as is: every string goes through
    the function for its format. HTML and SVG share one escaper (their text
    and attribute values need the same five entities); control characters
    that XML 1.0 forbids are dropped so that the SVG stays well-formed.
    Invalid UTF-8 is copied unchanged (the catalog is UTF-8 by contract),
    except in JSON: a JSON text must be UTF-8, so escape_json refuses it. */
#ifndef RATIFY_ESCAPE_H
#define RATIFY_ESCAPE_H

#include "strbuf.h"

/* Appends text with & < > " ' written as entities and C0 controls other
   than tab, LF and CR dropped: safe as HTML/SVG text and as a quoted
   attribute value. NULL appends nothing. Returns 0, or -1 when out of
   memory (out is then marked failed). */
int escape_html(strbuf_t *out, const char *text);

/* Appends text as one CSV field (RFC 4180): quoted, with quotes doubled,
   when it holds a comma, quote, CR or LF, or starts or ends with a space;
   as is otherwise. NULL appends an empty field. Returns as escape_html. */
int escape_csv(strbuf_t *out, const char *text);

/* Appends text for a Markdown table cell: the punctuation CommonMark gives
   a meaning inline (\ ` * _ [ ] < > | ~ & # !) is backslash-escaped, and
   line breaks become spaces, so a name renders literally and never opens
   raw HTML or splits the table. Returns as escape_html. */
int escape_md(strbuf_t *out, const char *text);

/* Appends text as one JSON string (RFC 8259), quotes included: " and \
   backslash-escaped, \b \f \n \r \t for those controls, \u00XX (upper
   case hex) for the other C0 controls, everything else as is ("/", DEL
   and non-ASCII UTF-8 included), as jansson's json_dumps writes a string
   without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH. NULL appends null.
   Returns 0, or -1 when out of memory or when text is not well-formed
   UTF-8 (overlong, a surrogate, past U+10FFFF, cut short): out is then
   marked failed, as json_string refuses such text. */
int escape_json(strbuf_t *out, const char *text);

#endif
