/*  codec: dispatch to the family that knows a type. Each family answers
    "unknown_type" for types that are not its own. */
#include "codec.h"

#include "alert.h"
#include "milestone.h"
#include "report_msg.h"

#include <string.h>

typedef int(s_reencode_fn)(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err);

int
codec_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err)
{
    static s_reencode_fn *const families[] = {msg_reencode, milestone_reencode, alert_reencode,
                                              report_msg_reencode};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        const size_t before = out ? out->size : 0;
        if (families[i](in, out, err) == 0)
            return 0;
        if (out)
            out->size = before; /* drop anything a failed family wrote */
        if (strcmp(err->code, "unknown_type") != 0)
            return -1;
    }
    return wire_fail(err, "unknown_type", "unknown message type '%s'", msg_in_type_name(in));
}

int
codec_check(const msg_in_t *in, wire_err_t *err)
{
    return codec_reencode(in, NULL, err);
}
