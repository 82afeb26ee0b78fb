/*  render_csv: the reports as CSV (RFC 4180), one table per call.

    A CSV file holds one table, so the annex is two: the summary (table A)
    and the deposits of every instrument (tables B..., one row each, with
    the instrument and the row number). Every record ends in CRLF, as RFC
    4180 specifies; fields are quoted only when they must be (escape_csv).
    Dates are ISO 8601 ("2003-07-01"), empty when unknown, so a
    spreadsheet reads them as dates. A row's footnotes are given as their
    full sentences, joined by a space, in a "notes" column.

    Every function appends to out (header record first) and returns
    REPORT_OK, REPORT_EINVAL (NULL argument, instrument out of range) or
    REPORT_ENOMEM (out is then marked failed). */
#ifndef RATIFY_RENDER_CSV_H
#define RATIFY_RENDER_CSV_H

#include "report.h"
#include "strbuf.h"

/* Table A: instrument,reference,title,signatures,ratifications. One record
   per instrument. */
int render_csv_summary(const report_t *report, strbuf_t *out);

/* Tables B...: section,instrument,number,participant,state,date,action,
   notes. One record per deposit of every instrument, in annex order. */
int render_csv_annex(const report_t *report, strbuf_t *out);

/* Instrument i's status table: participant,name,signature,consent,action,
   suffix,eif,denounced,end,notes. One record per participant. */
int render_csv_status(const report_t *report, size_t i, strbuf_t *out);

/* The cumulative series: instrument,date,count. One record per step of
   every instrument. */
int render_csv_progress(const report_t *report, strbuf_t *out);

#endif
