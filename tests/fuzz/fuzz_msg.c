/*  fuzz_msg: libFuzzer target for everything a peer's bytes reach first.

    For arbitrary bytes: wire_check and msgpack-c must agree (whatever
    wire_check accepts unpacks completely); msg_in_parse either fails with
    one of its documented codes or gives an envelope whose msg_reencode is
    canonical (re-encoding the re-encoded frame gives the same bytes); and
    the JSON form ratifyctl prints (wirejson) converts back to a frame that
    wire_check accepts. Any violation aborts, so libFuzzer keeps the input.

    Build: tests/fuzz/CMakeLists.txt (clang, RATIFY_FUZZ=ON) or
    tests/fuzz/run.sh SECONDS. */
#include "codec.h"
#include "msg.h"
#include "wire.h"
#include "wirejson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_msg: %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool
s_is_parse_code(const char *code)
{
    return strcmp(code, "too_large") == 0 || strcmp(code, "bad_frame") == 0
           || strcmp(code, "bad_envelope") == 0 || strcmp(code, "bad_version") == 0;
}

/* wire_check's promise: what it accepts, msgpack-c unpacks in full. */
static void
s_check_agreement(const uint8_t *data, size_t size)
{
    wire_err_t err;
    if (wire_check(data, size, &err) != 0) {
        FUZZ_ASSERT(strcmp(err.code, "bad_frame") == 0);
        FUZZ_ASSERT(err.offset <= size);
        return;
    }
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    const msgpack_unpack_return rc = msgpack_unpack_next(&u, (const char *) data, size, &off);
    FUZZ_ASSERT(rc == MSGPACK_UNPACK_SUCCESS);
    FUZZ_ASSERT(off == size);
    msgpack_unpacked_destroy(&u);
}

/* codec_reencode gives the canonical form: a fixed point. */
static void
s_check_reencode(const msg_in_t *in)
{
    msgpack_sbuffer once, twice;
    msgpack_sbuffer_init(&once);
    msgpack_sbuffer_init(&twice);
    wire_err_t err;
    if (codec_reencode(in, &once, &err) == 0) {
        /* a type of the table, or a published alert (its CloudEvents type) */
        FUZZ_ASSERT(msg_in_type(in) != MSG_UNKNOWN
                    || strncmp(msg_in_type_name(in), "org.ratify.", 11) == 0);
        msg_in_t *again = msg_in_parse(once.data, once.size, &err);
        FUZZ_ASSERT(again != NULL);
        FUZZ_ASSERT(msg_in_type(again) == msg_in_type(in));
        FUZZ_ASSERT(codec_reencode(again, &twice, &err) == 0);
        FUZZ_ASSERT(twice.size == once.size && memcmp(twice.data, once.data, once.size) == 0);
        msg_in_destroy(&again);
    }
    else
        FUZZ_ASSERT(err.code[0] != '\0');
    msgpack_sbuffer_destroy(&twice);
    msgpack_sbuffer_destroy(&once);
}

/* msgpack -> JSON -> msgpack stays a valid frame, also through JSON text. */
static void
s_check_json(const msg_in_t *in)
{
    json_t *j = wirejson_from_msgpack(msg_in_root(in));
    if (!j)
        return; /* not UTF-8, or a NaN: ratifyctl prints nothing */
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    wire_err_t err;
    FUZZ_ASSERT(wirejson_to_msgpack(j, &pk) == 0);
    FUZZ_ASSERT(wire_check(buf.data, buf.size, &err) == 0);
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    FUZZ_ASSERT(text != NULL);
    json_error_t jerr;
    json_t *back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (back) {
        msgpack_sbuffer_clear(&buf);
        FUZZ_ASSERT(wirejson_to_msgpack(back, &pk) == 0);
        FUZZ_ASSERT(wire_check(buf.data, buf.size, &err) == 0);
        json_decref(back);
    }
    free(text);
    msgpack_sbuffer_destroy(&buf);
    json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s_check_agreement(data, size);
    wire_err_t err;
    memset(&err, 0, sizeof err);
    msg_in_t *in = msg_in_parse(data, size, &err);
    if (!in) {
        FUZZ_ASSERT(s_is_parse_code(err.code));
        return 0;
    }
    FUZZ_ASSERT(msg_in_root(in)->type == MSGPACK_OBJECT_MAP);
    FUZZ_ASSERT(strcmp(msg_type_name(msg_in_type(in)), msg_in_type_name(in)) == 0
                || msg_in_type(in) == MSG_UNKNOWN);
    s_check_reencode(in);
    s_check_json(in);
    msg_in_destroy(&in);
    return 0;
}
