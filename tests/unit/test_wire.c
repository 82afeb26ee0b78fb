/*  test_wire: frame validation and field helpers (common/wire.h).

    wire_check must accept every well-formed msgpack object the protocol
    could carry (built here with msgpack-c's own packers, every width of
    every type) and refuse, with code "bad_frame" and the offset where it
    stopped, anything whose declared sizes do not fit the bytes present:
    every truncation of a valid frame, the 7-byte frame declaring an array
    of 2^32 - 1 elements, nesting past WIRE_MAX_DEPTH, reserved and
    extension type bytes, trailing bytes. A mutation pass then checks the
    property the rest of the code relies on: whatever wire_check accepts,
    msgpack-c unpacks completely. The field getters are checked for every
    way a field can be wrong. */
#include "check.h"
#include "wire.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    msgpack_sbuffer buf;
    msgpack_packer pk;
} s_frame_t;

static void
s_frame_init(s_frame_t *f)
{
    msgpack_sbuffer_init(&f->buf);
    msgpack_packer_init(&f->pk, &f->buf, msgpack_sbuffer_write);
}

static void
s_frame_reset(s_frame_t *f)
{
    msgpack_sbuffer_clear(&f->buf);
}

static void
s_pack_cstr(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

/* wire_check on bytes; returns its result and leaves the error in *err. */
static int
s_check(const void *data, size_t size, wire_err_t *err)
{
    memset(err, 0, sizeof *err);
    err->offset = (size_t) -1;
    return wire_check(data, size, err);
}

/* Expects rejection with "bad_frame" at `offset`. */
#define CHECK_BAD(data, size, want_offset)                                                         \
    do {                                                                                           \
        wire_err_t e_;                                                                             \
        CHECK_INT(s_check((data), (size), &e_), -1);                                               \
        CHECK_STR(e_.code, "bad_frame");                                                           \
        CHECK_INT(e_.offset, (want_offset));                                                       \
        CHECK(strstr(e_.message, "byte") != NULL);                                                 \
    } while (0)

#define CHECK_GOOD(data, size)                                                                     \
    do {                                                                                           \
        wire_err_t e_;                                                                             \
        const int rc_ = s_check((data), (size), &e_);                                              \
        if (rc_ != 0)                                                                              \
            fprintf(stderr, "rejected: %s\n", e_.message);                                         \
        CHECK_INT(rc_, 0);                                                                         \
    } while (0)

/* True when msgpack-c unpacks exactly one object spanning all the bytes. */
static bool
s_unpacks_whole(const void *data, size_t size)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    const msgpack_unpack_return rc = msgpack_unpack_next(&u, data, size, &off);
    msgpack_unpacked_destroy(&u);
    return rc == MSGPACK_UNPACK_SUCCESS && off == size;
}

/* Packs one map holding every type at every width the packers produce. */
static void
s_pack_everything(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 9);
    s_pack_cstr(pk, "uints");
    msgpack_pack_array(pk, 10);
    msgpack_pack_uint64(pk, 0);   /* positive fixint */
    msgpack_pack_uint64(pk, 127); /* positive fixint */
    msgpack_pack_fix_uint8(pk, 200);
    msgpack_pack_fix_uint16(pk, 60000);
    msgpack_pack_fix_uint32(pk, 4000000000u);
    msgpack_pack_fix_uint64(pk, UINT64_MAX);
    msgpack_pack_uint64(pk, 255);
    msgpack_pack_uint64(pk, 65535);
    msgpack_pack_uint64(pk, 65536);
    msgpack_pack_uint64(pk, (uint64_t) 1 << 40);
    s_pack_cstr(pk, "ints");
    msgpack_pack_array(pk, 8);
    msgpack_pack_int64(pk, -1);  /* negative fixint */
    msgpack_pack_int64(pk, -32); /* negative fixint */
    msgpack_pack_fix_int8(pk, -100);
    msgpack_pack_fix_int16(pk, -30000);
    msgpack_pack_fix_int32(pk, -2000000000);
    msgpack_pack_fix_int64(pk, INT64_MIN);
    msgpack_pack_int64(pk, -33);
    msgpack_pack_int64(pk, INT64_MAX);
    s_pack_cstr(pk, "floats");
    msgpack_pack_array(pk, 2);
    msgpack_pack_float(pk, 1.5f);
    msgpack_pack_double(pk, -2.25);
    s_pack_cstr(pk, "atoms");
    msgpack_pack_array(pk, 3);
    msgpack_pack_nil(pk);
    msgpack_pack_true(pk);
    msgpack_pack_false(pk);
    s_pack_cstr(pk, "strs");
    msgpack_pack_array(pk, 3);
    s_pack_cstr(pk, "");
    s_pack_cstr(pk, "fixstr of 31 bytes, at the edge");
    s_pack_cstr(pk, "a str8: thirty-two bytes or more in length");
    s_pack_cstr(pk, "bin");
    msgpack_pack_bin(pk, 3);
    msgpack_pack_bin_body(pk, "\x00\x01\x02", 3);
    s_pack_cstr(pk, "empty");
    msgpack_pack_array(pk, 2);
    msgpack_pack_map(pk, 0);
    msgpack_pack_array(pk, 0);
    s_pack_cstr(pk, "nested");
    msgpack_pack_map(pk, 1);
    s_pack_cstr(pk, "a");
    msgpack_pack_map(pk, 1);
    s_pack_cstr(pk, "b");
    msgpack_pack_array(pk, 2);
    msgpack_pack_int64(pk, 1);
    msgpack_pack_map(pk, 1);
    msgpack_pack_uint64(pk, 7); /* a non-string key */
    msgpack_pack_nil(pk);
    msgpack_pack_uint64(pk, 42); /* a non-string key at the top */
    s_pack_cstr(pk, "value");
}

/* ---- wire_check: valid frames ------------------------------------------ */

static void
test_accepts(void)
{
    s_frame_t f;
    s_frame_init(&f);
    s_pack_everything(&f.pk);
    CHECK_GOOD(f.buf.data, f.buf.size);
    CHECK(s_unpacks_whole(f.buf.data, f.buf.size));

    /* every scalar alone is a frame */
    static const uint8_t scalars[][9] = {{0x00},
                                         {0x7f},
                                         {0xe0},
                                         {0xff},
                                         {0xc0},
                                         {0xc2},
                                         {0xc3},
                                         {0xa0},
                                         {0xcc, 1},
                                         {0xcd, 1, 2},
                                         {0xce, 1, 2, 3, 4},
                                         {0xcf, 1, 2, 3, 4, 5, 6, 7, 8},
                                         {0xd0, 1},
                                         {0xd1, 1, 2},
                                         {0xd2, 1, 2, 3, 4},
                                         {0xd3, 1, 2, 3, 4, 5, 6, 7, 8},
                                         {0xca, 1, 2, 3, 4},
                                         {0xcb, 1, 2, 3, 4, 5, 6, 7, 8},
                                         {0x80},
                                         {0x90},
                                         {0xc4, 0},
                                         {0xd9, 0},
                                         {0xdc, 0, 0},
                                         {0xde, 0, 0}};
    static const size_t lens[] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 5, 9,
                                  2, 3, 5, 9, 5, 9, 1, 1, 2, 2, 3, 3};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        CHECK_GOOD(scalars[i], lens[i]);
        CHECK(s_unpacks_whole(scalars[i], lens[i]));
    }

    /* str8/16/32 and bin8/16/32: msgpack-c picks the width from the length */
    static const size_t sizes[] = {31, 32, 255, 256, 65535, 65536, 70000};
    static const uint8_t str_type[] = {0xbf, 0xd9, 0xd9, 0xda, 0xda, 0xdb, 0xdb};
    static const uint8_t bin_type[] = {0xc4, 0xc4, 0xc4, 0xc5, 0xc5, 0xc6, 0xc6};
    char *blob = malloc(70000);
    memset(blob, 'x', 70000);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        s_frame_reset(&f);
        msgpack_pack_str(&f.pk, sizes[i]);
        msgpack_pack_str_body(&f.pk, blob, sizes[i]);
        CHECK_INT((uint8_t) f.buf.data[0], str_type[i]);
        CHECK_GOOD(f.buf.data, f.buf.size);
        CHECK_BAD(f.buf.data, f.buf.size - 1, f.buf.size - sizes[i]);
        s_frame_reset(&f);
        msgpack_pack_bin(&f.pk, sizes[i]);
        msgpack_pack_bin_body(&f.pk, blob, sizes[i]);
        CHECK_INT((uint8_t) f.buf.data[0], bin_type[i]);
        CHECK_GOOD(f.buf.data, f.buf.size);
        CHECK_BAD(f.buf.data, f.buf.size - 1, f.buf.size - sizes[i]);
    }
    free(blob);

    /* arrays and maps: fix, 16 and 32 bit counts */
    static const size_t counts[] = {15, 16, 65535, 65536, 70000};
    static const uint8_t arr_type[] = {0x9f, 0xdc, 0xdc, 0xdd, 0xdd};
    static const uint8_t map_type[] = {0x8f, 0xde, 0xde, 0xdf, 0xdf};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        s_frame_reset(&f);
        msgpack_pack_array(&f.pk, counts[i]);
        for (size_t j = 0; j < counts[i]; j++)
            msgpack_pack_uint64(&f.pk, j & 0x7f);
        CHECK_INT((uint8_t) f.buf.data[0], arr_type[i]);
        CHECK_GOOD(f.buf.data, f.buf.size);
        CHECK(s_unpacks_whole(f.buf.data, f.buf.size));
        s_frame_reset(&f);
        msgpack_pack_map(&f.pk, counts[i]);
        for (size_t j = 0; j < counts[i]; j++) {
            msgpack_pack_uint64(&f.pk, j & 0x7f);
            msgpack_pack_nil(&f.pk);
        }
        CHECK_INT((uint8_t) f.buf.data[0], map_type[i]);
        CHECK_GOOD(f.buf.data, f.buf.size);
        /* one byte short: 2n one-byte elements no longer fit, refused at
           the map's type byte before anything else is read */
        CHECK_BAD(f.buf.data, f.buf.size - 1, 0);
    }

    /* nesting exactly WIRE_MAX_DEPTH deep, arrays and maps mixed */
    s_frame_reset(&f);
    for (int i = 0; i < WIRE_MAX_DEPTH; i++) {
        if (i % 2) {
            msgpack_pack_array(&f.pk, 1);
        }
        else {
            msgpack_pack_map(&f.pk, 1);
            s_pack_cstr(&f.pk, "k");
        }
    }
    msgpack_pack_int64(&f.pk, 1);
    CHECK_GOOD(f.buf.data, f.buf.size);
    CHECK(s_unpacks_whole(f.buf.data, f.buf.size));

    /* depth is per branch: siblings do not add up */
    s_frame_reset(&f);
    msgpack_pack_array(&f.pk, 3);
    for (int b = 0; b < 3; b++) {
        for (int i = 1; i < WIRE_MAX_DEPTH; i++)
            msgpack_pack_array(&f.pk, 1);
        msgpack_pack_nil(&f.pk);
    }
    CHECK_GOOD(f.buf.data, f.buf.size);
    msgpack_sbuffer_destroy(&f.buf);
}

/* ---- wire_check: hostile and broken frames ----------------------------- */

static void
test_rejects(void)
{
    wire_err_t err;
    CHECK_BAD("", 0, 0);
    CHECK_BAD(NULL, 0, 0);
    CHECK_BAD(NULL, 5, 0);
    CHECK_INT(wire_check("", 0, NULL), -1); /* err may be NULL */
    CHECK_INT(wire_check("\xc1", 1, NULL), -1);

    /* 7 bytes declaring an array32 of 2^32 - 1 elements */
    const uint8_t huge_array[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00};
    CHECK_BAD(huge_array, sizeof huge_array, 0);
    s_check(huge_array, sizeof huge_array, &err);
    CHECK(strstr(err.message, "more elements") != NULL);
    /* the same inside a map value: the offset points at the array */
    const uint8_t nested_huge[] = {0x81, 0xa1, 'a', 0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0};
    CHECK_BAD(nested_huge, sizeof nested_huge, 3);
    /* map32 declaring 4 million entries, array16/map16 declaring 65535 */
    const uint8_t huge_map[] = {0xdf, 0x00, 0x40, 0x00, 0x00, 0xa1, 'k', 0xc0};
    CHECK_BAD(huge_map, sizeof huge_map, 0);
    const uint8_t big_array16[] = {0xdc, 0xff, 0xff, 0x01, 0x02};
    CHECK_BAD(big_array16, sizeof big_array16, 0);
    const uint8_t big_map16[] = {0xde, 0xff, 0xff, 0x01, 0x02};
    CHECK_BAD(big_map16, sizeof big_map16, 0);
    /* a map needs two objects per entry: fixmap of 2 entries, 3 objects */
    const uint8_t short_map[] = {0x82, 0x01, 0x02, 0x03};
    CHECK_BAD(short_map, sizeof short_map, 0);
    /* str32 and bin32 declaring 4 GiB; str8/str16 one byte short */
    const uint8_t huge_str[] = {0xdb, 0xff, 0xff, 0xff, 0xff, 'a', 'b'};
    CHECK_BAD(huge_str, sizeof huge_str, 5);
    s_check(huge_str, sizeof huge_str, &err);
    CHECK(strstr(err.message, "declared length") != NULL);
    const uint8_t huge_bin[] = {0xc6, 0xff, 0xff, 0xff, 0xff, 0x00};
    CHECK_BAD(huge_bin, sizeof huge_bin, 5);
    const uint8_t short_str8[] = {0xd9, 0x03, 'a', 'b'};
    CHECK_BAD(short_str8, sizeof short_str8, 2);
    const uint8_t short_fixstr[] = {0xa3, 'a', 'b'};
    CHECK_BAD(short_fixstr, sizeof short_fixstr, 1);
    /* truncated length fields */
    const uint8_t trunc_len[] = {0xda, 0x00};
    CHECK_BAD(trunc_len, sizeof trunc_len, 0);
    const uint8_t trunc_len32[] = {0x91, 0xdd, 0x00, 0x00, 0x00};
    CHECK_BAD(trunc_len32, sizeof trunc_len32, 1);
    const uint8_t trunc_u64[] = {0xcf, 1, 2, 3, 4, 5, 6, 7};
    CHECK_BAD(trunc_u64, sizeof trunc_u64, 1);

    /* reserved 0xc1 and every extension type byte, at the top and nested */
    CHECK_BAD("\xc1", 1, 0);
    const uint8_t nested_c1[] = {0x81, 0xa1, 'a', 0xc1};
    CHECK_BAD(nested_c1, sizeof nested_c1, 3);
    s_check(nested_c1, sizeof nested_c1, &err);
    CHECK(strstr(err.message, "0xc1") != NULL);
    const uint8_t ext_types[] = {0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8};
    for (size_t i = 0; i < sizeof ext_types; i++) {
        uint8_t frame[24] = {0x92, 0x01, ext_types[i]}; /* [1, ext...] */
        CHECK_BAD(frame, sizeof frame, 2);
        s_check(frame, sizeof frame, &err);
        CHECK(strstr(err.message, "extension") != NULL);
    }

    /* nesting one deeper than WIRE_MAX_DEPTH: the offset is the container
       that goes too deep */
    uint8_t deep[WIRE_MAX_DEPTH + 2];
    memset(deep, 0x91, sizeof deep);
    deep[WIRE_MAX_DEPTH + 1] = 0xc0;
    CHECK_BAD(deep, sizeof deep, WIRE_MAX_DEPTH);
    s_check(deep, sizeof deep, &err);
    CHECK(strstr(err.message, "deep") != NULL);
    CHECK_GOOD(deep + 1, sizeof deep - 1); /* one level less is fine */
    /* hostile depth: a megabyte of nested arrays stops at the cap */
    uint8_t *abyss = malloc(1 << 20);
    memset(abyss, 0x91, 1 << 20);
    CHECK_BAD(abyss, 1 << 20, WIRE_MAX_DEPTH);
    memset(abyss, 0xdd, 1 << 20); /* array32s declaring 0xdddddddd each */
    CHECK_BAD(abyss, 1 << 20, 0);
    free(abyss);

    /* trailing bytes: two objects, or one and garbage */
    const uint8_t two[] = {0x80, 0x80};
    CHECK_BAD(two, sizeof two, 1);
    s_check(two, sizeof two, &err);
    CHECK(strstr(err.message, "trailing") != NULL);
    const uint8_t trailing[] = {0x81, 0xa1, 'v', 0x01, 0x00};
    CHECK_BAD(trailing, sizeof trailing, 4);

    /* every truncation of a valid frame is refused, at or before its end */
    s_frame_t f;
    s_frame_init(&f);
    s_pack_everything(&f.pk);
    int refused = 0, offset_ok = 0;
    for (size_t len = 0; len < f.buf.size; len++) {
        if (s_check(f.buf.data, len, &err) == -1 && strcmp(err.code, "bad_frame") == 0)
            refused++;
        if (err.offset <= len)
            offset_ok++;
    }
    CHECK_INT(refused, (int) f.buf.size);
    CHECK_INT(offset_ok, (int) f.buf.size);
    /* and one byte more is trailing, reported at the old end */
    msgpack_pack_nil(&f.pk);
    CHECK_BAD(f.buf.data, f.buf.size, f.buf.size - 1);
    msgpack_sbuffer_destroy(&f.buf);
}

/* Whatever wire_check accepts, msgpack-c unpacks in full: set every byte
   of a valid frame to each type byte that changes sizes (0xc0-0xdf, the
   fix-type boundaries) and a few values in between. */
static void
test_mutations(void)
{
    s_frame_t f;
    s_frame_init(&f);
    s_pack_everything(&f.pk);
    uint8_t *copy = malloc(f.buf.size);
    int accepted = 0, disagreements = 0;
    uint8_t values[64];
    int nvalues = 0;
    static const uint8_t fixed[] = {0x00, 0x01, 0x02, 0x05, 0x7f, 0x80, 0x81,
                                    0x82, 0x8f, 0x90, 0x91, 0x92, 0x9f, 0xa0,
                                    0xa1, 0xa5, 0xbf, 0xe0, 0xff, 0x10, 0x40};
    for (size_t i = 0; i < sizeof fixed; i++)
        values[nvalues++] = fixed[i];
    for (int v = 0xc0; v <= 0xdf; v++)
        values[nvalues++] = (uint8_t) v;
    for (size_t pos = 0; pos < f.buf.size; pos++) {
        for (int k = 0; k < nvalues; k++) {
            const uint8_t v = values[k];
            memcpy(copy, f.buf.data, f.buf.size);
            copy[pos] = v;
            wire_err_t err;
            if (s_check(copy, f.buf.size, &err) == 0) {
                accepted++;
                if (!s_unpacks_whole(copy, f.buf.size)) {
                    if (disagreements++ == 0)
                        fprintf(stderr, "accepted but not unpackable: byte %zu = 0x%02x\n", pos, v);
                }
            }
            else if (err.offset > f.buf.size || strcmp(err.code, "bad_frame") != 0)
                disagreements++;
        }
    }
    CHECK_INT(disagreements, 0);
    CHECK(accepted > 0);
    free(copy);
    msgpack_sbuffer_destroy(&f.buf);
}

/* ---- field getters ------------------------------------------------------ */

/* Unpacks the frame under test into *u; returns its root. */
static const msgpack_object *
s_unpack(const s_frame_t *f, msgpack_unpacked *u)
{
    msgpack_unpacked_init(u);
    size_t off = 0;
    if (msgpack_unpack_next(u, f->buf.data, f->buf.size, &off) != MSGPACK_UNPACK_SUCCESS)
        fprintf(stderr, "test frame did not unpack\n");
    return &u->data;
}

static void
test_getters(void)
{
    s_frame_t f;
    s_frame_init(&f);
    msgpack_pack_map(&f.pk, 19);
    wire_pack_kv_str(&f.pk, "name", "Armenia");
    wire_pack_kv_str(&f.pk, "empty", "");
    wire_pack_kv_nil(&f.pk, "nothing");
    wire_pack_kv_int(&f.pk, "int", 42);
    wire_pack_kv_int(&f.pk, "neg", -7);
    wire_pack_kv_int(&f.pk, "min", INT64_MIN);
    wire_pack_kv_int(&f.pk, "max", INT64_MAX);
    wire_pack_str(&f.pk, "over");
    msgpack_pack_uint64(&f.pk, (uint64_t) INT64_MAX + 1);
    wire_pack_str(&f.pk, "umax");
    msgpack_pack_uint64(&f.pk, UINT64_MAX);
    wire_pack_kv_bool(&f.pk, "yes", true);
    wire_pack_kv_bool(&f.pk, "no", false);
    wire_pack_str(&f.pk, "nul");
    msgpack_pack_str(&f.pk, 3);
    msgpack_pack_str_body(&f.pk, "a\0b", 3);
    wire_pack_kv_date(&f.pk, "date", rdate_from_ymd(2003, 7, 1));
    wire_pack_kv_date(&f.pk, "nodate", RDATE_NONE);
    wire_pack_kv_str(&f.pk, "baddate", "2003-02-29");
    wire_pack_kv_str(&f.pk, "longdate", "2003-07-01T00:00");
    wire_pack_str(&f.pk, "float");
    msgpack_pack_double(&f.pk, 1.0);
    wire_pack_str(&f.pk, "bin");
    msgpack_pack_bin(&f.pk, 2);
    msgpack_pack_bin_body(&f.pk, "ab", 2);
    msgpack_pack_uint64(&f.pk, 5); /* a non-string key is never matched */
    wire_pack_str(&f.pk, "five");
    CHECK_GOOD(f.buf.data, f.buf.size);
    msgpack_unpacked u;
    const msgpack_object *map = s_unpack(&f, &u);
    wire_err_t err;
    char buf[64];
    int64_t i64;
    bool b;
    rdate_t d;

    /* wire_map_get */
    CHECK(wire_map_get(map, "name") != NULL);
    CHECK(wire_map_get(map, "nam") == NULL);
    CHECK(wire_map_get(map, "names") == NULL);
    CHECK(wire_map_get(map, "") == NULL);
    CHECK(wire_map_get(map, "5") == NULL);
    CHECK(wire_map_get(NULL, "name") == NULL);
    CHECK(wire_map_get(wire_map_get(map, "name"), "name") == NULL); /* not a map */
    CHECK_INT(wire_map_get(map, "nothing")->type, MSGPACK_OBJECT_NIL);

    /* wire_map_find: what wire_map_get finds, key by key, in one pass */
    static const wire_key_t keys[] = {WIRE_KEY("five"),    WIRE_KEY("name"), WIRE_KEY("nam"),
                                      WIRE_KEY("nothing"), WIRE_KEY(""),     WIRE_KEY("5"),
                                      WIRE_KEY("bin")};
    const msgpack_object *found[7];
    wire_map_find(map, keys, 7, found);
    for (int i = 0; i < 7; i++)
        CHECK(found[i] == wire_map_get(map, keys[i].name));
    CHECK(found[1] != NULL && found[2] == NULL && found[5] == NULL);
    found[0] = map;
    wire_map_find(NULL, keys, 1, found);
    CHECK(found[0] == NULL);
    found[0] = map;
    wire_map_find(wire_map_get(map, "name"), keys, 1, found); /* not a map */
    CHECK(found[0] == NULL);

    /* strings */
    memset(&err, 0, sizeof err);
    CHECK_INT(wire_get_str(map, "name", buf, sizeof buf, true, &err), 0);
    CHECK_STR(buf, "Armenia");
    CHECK_INT(wire_get_str(map, "empty", buf, sizeof buf, true, &err), 0);
    CHECK_STR(buf, "");
    CHECK_INT(wire_get_str(map, "name", buf, 8, true, &err), 0); /* 7 bytes + NUL fit */
    CHECK_STR(buf, "Armenia");
    strcpy(buf, "untouched");
    CHECK_INT(wire_get_str(map, "name", buf, 7, true, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(strstr(err.message, "'name'") && strstr(err.message, "6 bytes"));
    CHECK_STR(buf, "untouched");
    CHECK_INT(wire_get_str(map, "missing", buf, sizeof buf, true, &err), -1);
    CHECK_STR(err.code, "missing_field");
    CHECK(strstr(err.message, "'missing'") != NULL);
    CHECK_INT(wire_get_str(map, "missing", buf, sizeof buf, false, &err), 1);
    CHECK_STR(buf, "untouched");
    CHECK_INT(wire_get_str(map, "nothing", buf, sizeof buf, false, &err), 1);
    CHECK_INT(wire_get_str(map, "nothing", buf, sizeof buf, true, &err), -1);
    CHECK_STR(err.code, "missing_field");
    CHECK(strstr(err.message, "'nothing'") != NULL);
    static const char *not_strings[] = {"int", "yes", "float", "bin"};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(wire_get_str(map, not_strings[i], buf, sizeof buf, true, &err), -1);
        CHECK_STR(err.code, "bad_field");
        CHECK(strstr(err.message, not_strings[i]) != NULL);
        CHECK_INT(wire_get_str(map, not_strings[i], buf, sizeof buf, false, &err), -1);
    }
    CHECK_INT(wire_get_str(map, "nul", buf, sizeof buf, true, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(strstr(err.message, "NUL") != NULL);
    CHECK_INT(wire_get_str(map, "name", buf, sizeof buf, true, NULL), 0);
    CHECK_INT(wire_get_str(map, "missing", buf, sizeof buf, true, NULL), -1);

    /* integers */
    CHECK_INT(wire_get_int(map, "int", &i64, true, &err), 0);
    CHECK_INT(i64, 42);
    CHECK_INT(wire_get_int(map, "neg", &i64, true, &err), 0);
    CHECK_INT(i64, -7);
    CHECK_INT(wire_get_int(map, "min", &i64, true, &err), 0);
    CHECK(i64 == INT64_MIN);
    CHECK_INT(wire_get_int(map, "max", &i64, true, &err), 0);
    CHECK(i64 == INT64_MAX);
    i64 = 99;
    CHECK_INT(wire_get_int(map, "over", &i64, true, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(strstr(err.message, "'over'") != NULL);
    CHECK_INT(wire_get_int(map, "umax", &i64, false, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK_INT(i64, 99);
    CHECK_INT(wire_get_int(map, "name", &i64, true, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK_INT(wire_get_int(map, "float", &i64, true, &err), -1);
    CHECK_INT(wire_get_int(map, "yes", &i64, true, &err), -1);
    CHECK_INT(wire_get_int(map, "missing", &i64, true, &err), -1);
    CHECK_STR(err.code, "missing_field");
    CHECK_INT(wire_get_int(map, "missing", &i64, false, &err), 1);
    CHECK_INT(wire_get_int(map, "nothing", &i64, false, &err), 1);
    CHECK_INT(i64, 99);

    /* booleans */
    CHECK_INT(wire_get_bool(map, "yes", &b, true, &err), 0);
    CHECK(b);
    CHECK_INT(wire_get_bool(map, "no", &b, true, &err), 0);
    CHECK(!b);
    CHECK_INT(wire_get_bool(map, "int", &b, true, &err), -1);
    CHECK_STR(err.code, "bad_field");
    CHECK(strstr(err.message, "true or false") != NULL);
    CHECK_INT(wire_get_bool(map, "name", &b, true, &err), -1);
    CHECK_INT(wire_get_bool(map, "missing", &b, true, &err), -1);
    CHECK_STR(err.code, "missing_field");
    CHECK_INT(wire_get_bool(map, "nothing", &b, false, &err), 1);

    /* dates */
    CHECK_INT(wire_get_date(map, "date", &d, true, &err), 0);
    CHECK_INT(d, rdate_from_ymd(2003, 7, 1));
    CHECK_INT(wire_get_date(map, "nodate", &d, false, &err), 1);
    CHECK_INT(d, RDATE_NONE);
    d = 0;
    CHECK_INT(wire_get_date(map, "nodate", &d, true, &err), -1);
    CHECK_STR(err.code, "missing_field");
    CHECK_INT(d, RDATE_NONE);
    d = 0;
    CHECK_INT(wire_get_date(map, "missing", &d, false, &err), 1);
    CHECK_INT(d, RDATE_NONE);
    static const char *not_dates[] = {"baddate", "longdate", "int", "empty", "nul", "bin"};
    for (int i = 0; i < 6; i++) {
        d = 0;
        CHECK_INT(wire_get_date(map, not_dates[i], &d, true, &err), -1);
        CHECK_STR(err.code, "bad_field");
        CHECK(strstr(err.message, not_dates[i]) && strstr(err.message, "YYYY-MM-DD"));
        CHECK_INT(d, RDATE_NONE);
    }

    /* getters on something that is not a map: every field is absent */
    const msgpack_object *name = wire_map_get(map, "name");
    CHECK_INT(wire_get_str(name, "name", buf, sizeof buf, false, &err), 1);
    CHECK_INT(wire_get_int(name, "int", &i64, true, &err), -1);
    CHECK_STR(err.code, "missing_field");
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&f.buf);
}

/* A key given twice: wire_map_get and wire_map_find both take the first. */
static void
test_duplicate_keys(void)
{
    s_frame_t f;
    s_frame_init(&f);
    msgpack_pack_map(&f.pk, 4);
    wire_pack_kv_int(&f.pk, "a", 1);
    wire_pack_kv_int(&f.pk, "b", 2);
    wire_pack_kv_int(&f.pk, "a", 3);
    wire_pack_kv_int(&f.pk, "b", 4);
    msgpack_unpacked u;
    const msgpack_object *map = s_unpack(&f, &u);
    static const wire_key_t keys[] = {WIRE_KEY("b"), WIRE_KEY("a"), WIRE_KEY("c")};
    const msgpack_object *found[3];
    wire_map_find(map, keys, 3, found);
    CHECK(found[0] && found[0]->via.u64 == 2);
    CHECK(found[1] && found[1]->via.u64 == 1);
    CHECK(found[2] == NULL);
    CHECK(wire_map_get(map, "a") == found[1] && wire_map_get(map, "b") == found[0]);
    /* in the map's own order, each key at its expected place: still the first */
    wire_map_find(map, keys + 1, 1, found);
    CHECK(found[0] && found[0]->via.u64 == 1);
    static const wire_key_t ordered[] = {WIRE_KEY("a"), WIRE_KEY("b")};
    wire_map_find(map, ordered, 2, found);
    CHECK(found[0] && found[0]->via.u64 == 1 && found[1] && found[1]->via.u64 == 2);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&f.buf);
}

/* ---- packers and wire_fail --------------------------------------------- */

/* wire_pack_str writes what msgpack-c's own str packer writes, at every
   width: fixstr (up to 31 bytes, which it packs in one write), str8, str16. */
static void
test_pack_str_widths(void)
{
    static const size_t lens[] = {0, 1, 30, 31, 32, 33, 255, 256, 70000};
    char *text = malloc(70001);
    CHECK(text != NULL);
    if (!text)
        return;
    memset(text, 'x', 70000);
    s_frame_t ours, theirs;
    s_frame_init(&ours);
    s_frame_init(&theirs);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        text[lens[i]] = '\0';
        s_frame_reset(&ours);
        s_frame_reset(&theirs);
        CHECK_INT(wire_pack_str(&ours.pk, text), 0);
        msgpack_pack_str(&theirs.pk, lens[i]);
        msgpack_pack_str_body(&theirs.pk, text, lens[i]);
        CHECK(ours.buf.size == theirs.buf.size
              && memcmp(ours.buf.data, theirs.buf.data, ours.buf.size) == 0);
        text[lens[i]] = 'x';
    }
    msgpack_sbuffer_destroy(&ours.buf);
    msgpack_sbuffer_destroy(&theirs.buf);
    free(text);
}

static void
test_packers(void)
{
    s_frame_t f;
    s_frame_init(&f);
    CHECK_INT(wire_pack_str(&f.pk, NULL), 0);
    CHECK_INT(f.buf.size, 1);
    CHECK_INT((uint8_t) f.buf.data[0], 0xc0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_str(&f.pk, "k", NULL), 0);
    CHECK(f.buf.size == 3 && memcmp(f.buf.data, "\xa1k\xc0", 3) == 0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_date(&f.pk, "d", RDATE_NONE), 0);
    CHECK(f.buf.size == 3
          && memcmp(f.buf.data,
                    "\xa1"
                    "d\xc0",
                    3)
                 == 0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_date(&f.pk, "d", rdate_from_ymd(2003, 9, 29)), 0);
    CHECK(f.buf.size == 13
          && memcmp(f.buf.data,
                    "\xa1"
                    "d\xaa"
                    "2003-09-29",
                    13)
                 == 0);
    s_frame_reset(&f);
    /* integers take the smallest encoding */
    CHECK_INT(wire_pack_kv_int(&f.pk, "i", 1), 0);
    CHECK(f.buf.size == 3 && memcmp(f.buf.data, "\xa1i\x01", 3) == 0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_int(&f.pk, "i", -1), 0);
    CHECK(f.buf.size == 3 && memcmp(f.buf.data, "\xa1i\xff", 3) == 0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_int(&f.pk, "i", 1000), 0);
    CHECK(f.buf.size == 5 && memcmp(f.buf.data, "\xa1i\xcd\x03\xe8", 5) == 0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_bool(&f.pk, "t", true), 0);
    CHECK_INT(wire_pack_kv_bool(&f.pk, "f", false), 0);
    CHECK(f.buf.size == 6
          && memcmp(f.buf.data,
                    "\xa1t\xc3\xa1"
                    "f\xc2",
                    6)
                 == 0);
    s_frame_reset(&f);
    CHECK_INT(wire_pack_kv_nil(&f.pk, "n"), 0);
    CHECK(f.buf.size == 3 && memcmp(f.buf.data, "\xa1n\xc0", 3) == 0);
    msgpack_sbuffer_destroy(&f.buf);

    /* wire_fail: -1, code and message, offset reset, long text cut */
    wire_err_t err;
    err.offset = 77;
    CHECK_INT(wire_fail(&err, "some_code", "n=%d", 5), -1);
    CHECK_STR(err.code, "some_code");
    CHECK_STR(err.message, "n=5");
    CHECK_INT(err.offset, 0);
    CHECK_INT(wire_fail(NULL, "x", "y"), -1);
    char long_text[1000];
    memset(long_text, 'm', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    wire_fail(&err, "a_code_longer_than_thirty_one_bytes_total", "%s", long_text);
    CHECK_INT(strlen(err.code), sizeof err.code - 1);
    CHECK_INT(strlen(err.message), sizeof err.message - 1);
}

int
main(void)
{
    test_accepts();
    test_rejects();
    test_mutations();
    test_getters();
    test_duplicate_keys();
    test_pack_str_widths();
    test_packers();
    return check_report("test_wire");
}
