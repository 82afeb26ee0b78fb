/*  render_json: the whole report as one JSON document, indented two
    spaces per level, written as it goes (no tree in memory).

    Shape (dates ISO 8601 or null; every list in report order):
      { "title", "as_of", "skipped_events",
        "projection_method",
        "instruments": [ {
            "id", "reference", "title", "short_title", "parent",
            "threshold", "delay_days", "signatures", "ratifications",
            "counted", "threshold_date", "entry_into_force", "stage",
            "waiting_for_parent",
            "projection": { "available", "window_days", "window_deposits",
                            "remaining", "threshold_date",
                            "entry_into_force" },
            "deposits": [ { "number", "participant", "name", "action",
                            "date", "entry_into_force", "counted",
                            "footnotes": ["a"] } ],
            "footnotes": [ { "mark", "text" } ],
            "status": [ { "participant", "name", "signature", "consent",
                          "action", "suffix", "entry_into_force",
                          "denounced", "end", "footnotes" } ],
            "status_footnotes": [ { "mark", "text" } ],
            "progress": [ { "date", "count" } ] } ] }
    "ratifications" is table A's count (the annex list's length). */
#ifndef RATIFY_RENDER_JSON_H
#define RATIFY_RENDER_JSON_H

#include "report.h"
#include "strbuf.h"

/* Appends the report as indented JSON followed by a newline. Returns
   REPORT_OK, REPORT_EINVAL (NULL argument) or REPORT_ENOMEM (out of memory,
   or a catalog string that is not UTF-8; out is then marked failed and
   may hold part of a document). report and out are borrowed. */
int render_json(const report_t *report, strbuf_t *out);

/* Appends the same document with "instruments" holding instrument i alone
   (the status report of one instrument). Returns as render_json, and
   REPORT_EINVAL when i is out of range. */
int render_json_instrument(const report_t *report, size_t i, strbuf_t *out);

#endif
