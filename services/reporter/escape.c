/*  escape: per-format escaping of untrusted text.

    Each function walks the text once and appends runs of safe bytes in one
    call, so escaping costs O(n) with few appends. escape_json is
    common/jsonstr.c's walk, which checks UTF-8 as it goes. */
#include "escape.h"
#include "jsonstr.h"

#include <stdbool.h>
#include <string.h>

int
escape_html(strbuf_t *out, const char *text)
{
    if (!text)
        return strbuf_failed(out) ? -1 : 0;
    const char *run = text;
    for (const char *p = text; *p; p++) {
        const char *entity = NULL;
        unsigned char c = (unsigned char) *p;
        switch (c) {
        case '&':
            entity = "&amp;";
            break;
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\'':
            entity = "&#39;";
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                entity = ""; /* forbidden in XML 1.0: dropped */
            else if (c == 0x7f)
                entity = "";
            break;
        }
        if (entity) {
            strbuf_appendn(out, run, (size_t) (p - run));
            strbuf_append(out, entity);
            run = p + 1;
        }
    }
    strbuf_append(out, run);
    return strbuf_failed(out) ? -1 : 0;
}

int
escape_csv(strbuf_t *out, const char *text)
{
    if (!text)
        text = "";
    size_t len = strlen(text);
    bool quote =
        strpbrk(text, ",\"\r\n") != NULL || (len > 0 && (text[0] == ' ' || text[len - 1] == ' '));
    if (!quote) {
        strbuf_appendn(out, text, len);
        return strbuf_failed(out) ? -1 : 0;
    }
    strbuf_putc(out, '"');
    const char *run = text;
    for (const char *p = text; *p; p++)
        if (*p == '"') {
            strbuf_appendn(out, run, (size_t) (p - run) + 1); /* keep it */
            run = p;                                          /* and again */
        }
    strbuf_append(out, run);
    strbuf_putc(out, '"');
    return strbuf_failed(out) ? -1 : 0;
}

int
escape_md(strbuf_t *out, const char *text)
{
    if (!text)
        return strbuf_failed(out) ? -1 : 0;
    static const char special[] = "\\`*_[]<>|~&#!";
    const char *run = text;
    for (const char *p = text; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            strbuf_appendn(out, run, (size_t) (p - run));
            strbuf_putc(out, ' ');
            run = p + 1;
        }
        else if (strchr(special, *p)) {
            strbuf_appendn(out, run, (size_t) (p - run));
            strbuf_putc(out, '\\');
            run = p; /* the character itself follows the backslash */
        }
    }
    strbuf_append(out, run);
    return strbuf_failed(out) ? -1 : 0;
}

/* jsonstr's sink: appends to the strbuf (a failed append marks it). */
static int
s_strbuf_sink(void *ctx, const char *bytes, size_t len)
{
    strbuf_appendn(ctx, bytes, len);
    return 0;
}

int
escape_json(strbuf_t *out, const char *text)
{
    if (!text)
        return strbuf_append(out, "null");
    strbuf_putc(out, '"');
    if (jsonstr_escape(text, s_strbuf_sink, out) != 0) {
        strbuf_fail(out);
        return -1;
    }
    strbuf_putc(out, '"');
    return strbuf_failed(out) ? -1 : 0;
}
