/*  report_msg: the reporter's API messages, "report" and "report.reply".

    A client asks for one rendered report; the reporter answers with the
    document itself as one string, and its media type:

      report        {kind, format, as_of, instrument}
      report.reply  {kind, format, as_of, last_seq, content_type, body}

    kind is "annex", "status" or "progress"; format "text", "md", "csv",
    "json", "html" (and "svg" for progress); as_of "YYYY-MM-DD" or nil for
    today; instrument (status only) an id or UNTC reference, or nil. The
    request fields are carried as strings and validated by the reporter
    (services/reporter/reportreq.h), which names a bad value in its "error"
    reply; here they are only bounded. The reply's as_of is the date the
    report was built for, last_seq the last registry event it includes.

    Kept beside msg.c, as alert.h and milestone.h are, because ratifyctl and
    the reporter both need them; the type names live in msg.h. Encoding
    writes the fields in the order above, so frames are deterministic. */
#ifndef RATIFY_REPORT_MSG_H
#define RATIFY_REPORT_MSG_H

#include "msg.h"
#include "rdate.h"
#include "wire.h"

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_MSG_KIND_MAX         16 /* "progress", NUL included */
#define REPORT_MSG_FORMAT_MAX       16 /* "html" */
#define REPORT_MSG_AS_OF_MAX        64 /* room to quote a malformed date back */
#define REPORT_MSG_INSTRUMENT_MAX   64 /* id or UNTC reference */
#define REPORT_MSG_CONTENT_TYPE_MAX 64 /* "text/markdown; charset=utf-8" */

/* A "report" request. Empty strings stand for absent fields (nil). */
typedef struct {
    char kind[REPORT_MSG_KIND_MAX];
    char format[REPORT_MSG_FORMAT_MAX];
    char as_of[REPORT_MSG_AS_OF_MAX];
    char instrument[REPORT_MSG_INSTRUMENT_MAX];
} report_msg_request_t;

/* A "report.reply". body is body_len bytes of UTF-8 text: the encoder
   reads it (the caller keeps ownership); the decoder allocates it
   NUL-terminated, owned by the struct (free with report_msg_reply_clear). */
typedef struct {
    char kind[REPORT_MSG_KIND_MAX];
    char format[REPORT_MSG_FORMAT_MAX];
    char as_of[RDATE_ISO_SIZE];
    int64_t last_seq;
    char content_type[REPORT_MSG_CONTENT_TYPE_MAX];
    char *body;
    size_t body_len;
} report_msg_reply_t;

/* Append one complete frame to out (caller-owned, initialised). Return 0,
   or -1 when memory ran out. */
int report_msg_encode_request(const report_msg_request_t *m, msgpack_sbuffer *out);
int report_msg_encode_reply(const report_msg_reply_t *m, msgpack_sbuffer *out);

/* Check the frame's type and fill *out. Return 0, or -1 with err naming
   the missing, mistyped or oversize field. kind is required; the other
   request fields may be absent or nil. A decoded reply owns its body. */
int report_msg_decode_request(const msg_in_t *in, report_msg_request_t *out, wire_err_t *err);
int report_msg_decode_reply(const msg_in_t *in, report_msg_reply_t *out, wire_err_t *err);

/* Frees the body a decode allocated and zeroes the struct. Accepts NULL. */
void report_msg_reply_clear(report_msg_reply_t *m);

/* Decodes a "report" or "report.reply" frame and encodes it again into out
   (the canonical form, as msg_reencode does for the registry's types).
   Returns 0, or -1 with err filled ("unknown_type" for any other type). With out NULL,
   only decodes (a check: codec_check). */
int report_msg_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err);

#endif
