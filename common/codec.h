/*  codec: one entry point over every message family of the protocol.

    msg.c holds the envelope and the registry's messages; milestone.c the
    threshold service's; alert.c the notifier's; report_msg.c the
    reporter's. codec_reencode tries each family's typed decoder for a
    frame, so tools that handle any message (ratifyctl request and decode,
    the vector tests, the fuzzers) need one call. */
#ifndef RATIFY_CODEC_H
#define RATIFY_CODEC_H

#include "msg.h"

/* Decodes the frame with the typed decoder of its type, whichever service
   owns it, and encodes it again into `out` (the canonical form); with out
   NULL, only decodes. Returns 0, or -1 with err filled ("unknown_type" when
   no family knows the type). */
int codec_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err);

/* Returns 0 when the typed decoder of the frame's type accepts it (what
   codec_reencode checks, without encoding), or -1 with err filled. */
int codec_check(const msg_in_t *in, wire_err_t *err);

#endif
