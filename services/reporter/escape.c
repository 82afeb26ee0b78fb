/*  escape: per-format escaping of untrusted text.

    Each function walks the text once and appends runs of safe bytes in one
    call, so escaping costs O(n) with few appends. escape_json checks UTF-8
    in that same walk. */
#include "escape.h"

#include <stdbool.h>
#include <stdio.h>
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

/* Returns the length (2 to 4) of the well-formed UTF-8 sequence of a
   non-ASCII code point starting at p, or 0 when it is not one: a stray
   continuation byte, an overlong form, a surrogate, a code point past
   U+10FFFF, or a sequence the NUL cuts short (a NUL is never a
   continuation byte, so the walk never reads past it). */
static size_t
s_utf8_len(const unsigned char *p)
{
    size_t len;
    unsigned long cp;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        len = 2;
        cp = p[0] & 0x1Fu;
    }
    else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        cp = p[0] & 0x0Fu;
    }
    else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        len = 4;
        cp = p[0] & 0x07u;
    }
    else
        return 0; /* continuation byte, C0/C1 (overlong ASCII), F5..FF */
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0u) != 0x80u)
            return 0;
        cp = cp << 6 | (p[k] & 0x3Fu);
    }
    if (cp > 0x10FFFFul || (cp >= 0xD800ul && cp <= 0xDFFFul) || (len == 3 && cp < 0x800ul)
        || (len == 4 && cp < 0x10000ul))
        return 0;
    return len;
}

int
escape_json(strbuf_t *out, const char *text)
{
    if (!text)
        return strbuf_append(out, "null");
    strbuf_putc(out, '"');
    const char *run = text;
    const char *p = text;
    while (*p) {
        unsigned char c = (unsigned char) *p;
        if (c >= 0x80) {
            size_t len = s_utf8_len((const unsigned char *) p);
            if (len == 0) {
                strbuf_fail(out);
                return -1;
            }
            p += len;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        char hex[8];
        const char *seq = hex;
        switch (c) {
        case '"':
            seq = "\\\"";
            break;
        case '\\':
            seq = "\\\\";
            break;
        case '\b':
            seq = "\\b";
            break;
        case '\f':
            seq = "\\f";
            break;
        case '\n':
            seq = "\\n";
            break;
        case '\r':
            seq = "\\r";
            break;
        case '\t':
            seq = "\\t";
            break;
        default:
            snprintf(hex, sizeof hex, "\\u%04X", (unsigned) c);
            break;
        }
        strbuf_appendn(out, run, (size_t) (p - run));
        strbuf_append(out, seq);
        run = ++p;
    }
    strbuf_appendn(out, run, (size_t) (p - run));
    strbuf_putc(out, '"');
    return strbuf_failed(out) ? -1 : 0;
}
