/*  jsonstr: text written as the inside of a JSON string (RFC 8259), byte
    for byte as jansson's json_dumps writes a string without
    JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH: " and \ backslash-escaped,
    \b \f \n \r \t for those controls, \u00XX (upper-case hex) for the
    other C0 controls, everything else as is ("/", DEL and non-ASCII UTF-8
    included). A JSON text must be UTF-8, so text that is not well-formed
    UTF-8 is refused, as json_string refuses it. Used by the log records
    (common/log.c) and the reporter's JSON documents (escape_json); its
    UTF-8 check alone (jsonstr_utf8_len) by the registry's check of a
    retraction's reason and ratifyctl's printing of it. */
#ifndef RATIFY_JSONSTR_H
#define RATIFY_JSONSTR_H

#include <stddef.h>

/* Takes the next piece of escaped text (not NUL-terminated). Returns 0, or
   -1 to stop the walk (out of room or memory). */
typedef int(jsonstr_sink_fn)(void *ctx, const char *bytes, size_t len);

/* Returns the length (2 to 4) of the well-formed UTF-8 sequence of a
   non-ASCII code point starting at text, or 0 when it is not one: a stray
   continuation byte, an overlong form, a surrogate, a code point past
   U+10FFFF, or a sequence the NUL cuts short (a NUL is never a
   continuation byte, so the walk never reads past it). */
size_t jsonstr_utf8_len(const char *text);

/* Walks the NUL-terminated text once and hands it to sink escaped, without
   the quotes, in as few pieces as the escapes allow. Returns 0; -1 when
   text is not well-formed UTF-8 (an overlong form, a surrogate, past
   U+10FFFF, a stray continuation byte, cut short), with a prefix of the
   text possibly handed over; -2 when the sink stopped. */
int jsonstr_escape(const char *text, jsonstr_sink_fn *sink, void *ctx);

#endif
