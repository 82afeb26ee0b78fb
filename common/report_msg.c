/*  report_msg: codecs of "report" and "report.reply".

    Absent request fields travel as nil, so a request names only what it
    sets and the canonical form of {"kind":"annex"} is one frame. The body
    is read straight from the unpacked frame: its size is bounded by the
    frame's, which msg_in_parse bounds by SOCK_MAX_MSG_BYTES. */
#include "report_msg.h"

#include <stdlib.h>
#include <string.h>

int
report_msg_encode_request(const report_msg_request_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_REPORT, 4);
    rc = rc ? rc : wire_pack_kv_str(&pk, "kind", m->kind);
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "format", m->format);
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "as_of", m->as_of);
    rc = rc ? rc : wire_pack_kv_opt_str(&pk, "instrument", m->instrument);
    return rc ? -1 : 0;
}

int
report_msg_decode_request(const msg_in_t *in, report_msg_request_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_REPORT, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_str(map, "kind", out->kind, sizeof out->kind, true, err) < 0
        || wire_get_str(map, "format", out->format, sizeof out->format, false, err) < 0
        || wire_get_str(map, "as_of", out->as_of, sizeof out->as_of, false, err) < 0
        || wire_get_str(map, "instrument", out->instrument, sizeof out->instrument, false, err) < 0)
        return -1;
    return 0;
}

int
report_msg_encode_reply(const report_msg_reply_t *m, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    int rc = msg_pack_begin(&pk, MSG_REPORT_REPLY, 6);
    rc = rc ? rc : wire_pack_kv_str(&pk, "kind", m->kind);
    rc = rc ? rc : wire_pack_kv_str(&pk, "format", m->format);
    rc = rc ? rc : wire_pack_kv_str(&pk, "as_of", m->as_of);
    rc = rc ? rc : wire_pack_kv_int(&pk, "last_seq", m->last_seq);
    rc = rc ? rc : wire_pack_kv_str(&pk, "content_type", m->content_type);
    rc = rc ? rc : wire_pack_str(&pk, "body");
    rc = rc ? rc : msgpack_pack_str(&pk, m->body_len);
    rc = rc ? rc : msgpack_pack_str_body(&pk, m->body ? m->body : "", m->body_len);
    return rc ? -1 : 0;
}

int
report_msg_decode_reply(const msg_in_t *in, report_msg_reply_t *out, wire_err_t *err)
{
    const msgpack_object *map = msg_in_expect(in, MSG_REPORT_REPLY, err);
    memset(out, 0, sizeof *out);
    if (!map || wire_get_str(map, "kind", out->kind, sizeof out->kind, true, err) < 0
        || wire_get_str(map, "format", out->format, sizeof out->format, true, err) < 0
        || wire_get_str(map, "as_of", out->as_of, sizeof out->as_of, true, err) < 0
        || wire_get_int(map, "last_seq", &out->last_seq, true, err) < 0
        || wire_get_str(map, "content_type", out->content_type, sizeof out->content_type, true, err)
               < 0)
        return -1;
    const msgpack_object *body = wire_map_get(map, "body");
    if (!body || body->type != MSGPACK_OBJECT_STR)
        return wire_fail(err, "missing_field", "field 'body' must be a string");
    out->body = malloc((size_t) body->via.str.size + 1);
    if (!out->body)
        return wire_fail(err, "internal", "out of memory");
    memcpy(out->body, body->via.str.ptr, body->via.str.size);
    out->body[body->via.str.size] = '\0';
    out->body_len = body->via.str.size;
    return 0;
}

void
report_msg_reply_clear(report_msg_reply_t *m)
{
    if (!m)
        return;
    free(m->body);
    memset(m, 0, sizeof *m);
}

int
report_msg_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err)
{
    switch (msg_in_type(in)) {
    case MSG_REPORT: {
        report_msg_request_t m;
        return report_msg_decode_request(in, &m, err) ? -1
               : !out                                 ? 0
                                                      : report_msg_encode_request(&m, out);
    }
    case MSG_REPORT_REPLY: {
        report_msg_reply_t m;
        int rc = report_msg_decode_reply(in, &m, err) ? -1
                 : !out                               ? 0
                                                      : report_msg_encode_reply(&m, out);
        report_msg_reply_clear(&m);
        return rc;
    }
    default:
        return wire_fail(err, "unknown_type", "not a reporter message: '%s'", msg_in_type_name(in));
    }
}
