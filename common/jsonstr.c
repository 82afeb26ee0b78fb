/*  jsonstr: the JSON string escaper (jsonstr.h), with the UTF-8 check done
    in the same walk. */
#include "jsonstr.h"

#include <stdio.h>

size_t
jsonstr_utf8_len(const char *text)
{
    const unsigned char *p = (const unsigned char *) text;
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
jsonstr_escape(const char *text, jsonstr_sink_fn *sink, void *ctx)
{
    const char *run = text;
    const char *p = text;
    while (*p) {
        unsigned char c = (unsigned char) *p;
        if (c >= 0x80) {
            size_t len = jsonstr_utf8_len(p);
            if (len == 0)
                return -1;
            p += len;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        char hex[8];
        const char *seq = hex;
        size_t seqlen = 2;
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
            seqlen = (size_t) snprintf(hex, sizeof hex, "\\u%04X", (unsigned) c);
            break;
        }
        if ((p > run && sink(ctx, run, (size_t) (p - run)) != 0) || sink(ctx, seq, seqlen) != 0)
            return -2;
        run = ++p;
    }
    if (p > run && sink(ctx, run, (size_t) (p - run)) != 0)
        return -2;
    return 0;
}
