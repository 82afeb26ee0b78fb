/*  test_reporter_service: the reporter's modules around the report model.

    - report_msg: "report" and "report.reply" round-trip byte for byte,
      absent request fields travel as nil, oversize and mistyped fields
      are named in the error;
    - reportreq: every kind and format, the defaults and aliases, the
      sentences for bad values (a malformed as_of quoted back, non-ASCII
      and controls shown as '?'), an unknown instrument listing the known
      ones, and each format's media type; every kind and format rendered
      into a spill buffer (strbuf.h) that spills is the same bytes as in
      memory, and a spill file that cannot be made is named in the error;
    - http_parse_address: IPv4, [IPv6], localhost, host names and "*"
      (every interface), bad ports; http_spill_from_env: the default, the
      range, and the variable named for bad values;
    - view: events staged are invisible until committed, survive a reopen,
      duplicates are ignored, a skipped sequence moves the cursor durably,
      a report is built from the committed prefix; reports built on
      another thread while the loop stages and commits see only whole
      batches; view_activity moves on commits and reports; a retraction
      (its reason kept in the file only) removes its target, also after a
      reopen;
    - metrics: the Prometheus text holds the counters;
    - dashboard: links percent-encode an id and carry the date only when
      one was asked for. */
#include "check.h"
#include "dashboard.h"
#include "http.h"
#include "metrics.h"
#include "report_msg.h"
#include "reportreq.h"
#include "test_report_util.h"
#include "view.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- report_msg --------------------------------------------------------- */

static msg_in_t *
s_parse(const msgpack_sbuffer *buf)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(buf->data, buf->size, &err);
    if (!in)
        fprintf(stderr, "parse: %s: %s\n", err.code, err.message);
    return in;
}

static void
s_test_msg(void)
{
    msgpack_sbuffer buf, again;
    msgpack_sbuffer_init(&buf);
    msgpack_sbuffer_init(&again);
    wire_err_t err;

    report_msg_request_t req = {
        .kind = "status", .format = "csv", .as_of = "2003-07-02", .instrument = "UNTOC"};
    CHECK_INT(report_msg_encode_request(&req, &buf), 0);
    msg_in_t *in = s_parse(&buf);
    CHECK(in && msg_in_type(in) == MSG_REPORT);
    report_msg_request_t got;
    CHECK(in && report_msg_decode_request(in, &got, &err) == 0);
    CHECK_STR(got.kind, "status");
    CHECK_STR(got.instrument, "UNTOC");
    CHECK_STR(got.as_of, "2003-07-02");
    CHECK(in && report_msg_reencode(in, &again, &err) == 0);
    CHECK(again.size == buf.size && memcmp(again.data, buf.data, buf.size) == 0);
    msg_in_destroy(&in);

    /* absent fields: nil on the wire, "" decoded */
    msgpack_sbuffer_clear(&buf);
    report_msg_request_t bare = {.kind = "annex"};
    CHECK_INT(report_msg_encode_request(&bare, &buf), 0);
    in = s_parse(&buf);
    CHECK(in && report_msg_decode_request(in, &got, &err) == 0);
    CHECK_STR(got.format, "");
    CHECK_STR(got.as_of, "");
    CHECK(in && wire_map_get(msg_in_root(in), "as_of")
          && wire_map_get(msg_in_root(in), "as_of")->type == MSGPACK_OBJECT_NIL);
    msg_in_destroy(&in);

    /* a reply with a body holding NULs and non-ASCII, byte for byte */
    static const char body[] = "Türkiye\tline\n\0after";
    report_msg_reply_t reply = {.kind = "annex",
                                .format = "text",
                                .as_of = "2003-07-02",
                                .last_seq = 527,
                                .content_type = "text/plain; charset=utf-8",
                                .body = (char *) body,
                                .body_len = sizeof body - 1};
    msgpack_sbuffer_clear(&buf);
    CHECK_INT(report_msg_encode_reply(&reply, &buf), 0);
    in = s_parse(&buf);
    report_msg_reply_t back;
    CHECK(in && report_msg_decode_reply(in, &back, &err) == 0);
    CHECK_INT(back.last_seq, 527);
    CHECK_INT(back.body_len, sizeof body - 1);
    CHECK(back.body && memcmp(back.body, body, sizeof body - 1) == 0);
    CHECK(back.body && back.body[back.body_len] == '\0');
    report_msg_reply_clear(&back);
    report_msg_reply_clear(&back); /* harmless */
    msgpack_sbuffer_clear(&again);
    CHECK(in && report_msg_reencode(in, &again, &err) == 0);
    CHECK(again.size == buf.size && memcmp(again.data, buf.data, buf.size) == 0);
    CHECK(in && report_msg_decode_request(in, &got, &err) == -1);
    CHECK_STR(err.code, "wrong_type");
    msg_in_destroy(&in);

    /* hostile requests: a kind too long, an integer as_of, no kind */
    msgpack_packer pk;
    static const struct {
        const char *key;
        int kind; /* 0 string too long, 1 integer */
        const char *code;
    } bad[] = {{"kind", 0, "bad_field"}, {"as_of", 1, "bad_field"}, {"format", 0, "bad_field"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msgpack_sbuffer_clear(&buf);
        msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
        const bool has_kind = strcmp(bad[i].key, "kind") != 0;
        msgpack_pack_map(&pk, has_kind ? 4 : 3);
        wire_pack_kv_int(&pk, "v", MSG_VERSION);
        wire_pack_kv_str(&pk, "type", "report");
        if (has_kind)
            wire_pack_kv_str(&pk, "kind", "annex");
        if (bad[i].kind == 1)
            wire_pack_kv_int(&pk, bad[i].key, 20030702);
        else
            wire_pack_kv_str(&pk, bad[i].key, "abcdefghijklmnopqrstuvwxyz0123456789");
        in = s_parse(&buf);
        CHECK(in && report_msg_decode_request(in, &got, &err) == -1);
        CHECK_STR(err.code, bad[i].code);
        CHECK(strstr(err.message, bad[i].key) != NULL);
        msg_in_destroy(&in);
    }
    msgpack_sbuffer_clear(&buf);
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    wire_pack_kv_int(&pk, "v", MSG_VERSION);
    wire_pack_kv_str(&pk, "type", "report");
    in = s_parse(&buf);
    CHECK(in && report_msg_decode_request(in, &got, &err) == -1);
    CHECK_STR(err.code, "missing_field");
    msg_in_destroy(&in);
    CHECK_STR(msg_type_name(MSG_REPORT_REPLY), "report.reply");
    CHECK_INT(msg_type_parse("report"), MSG_REPORT);
    msgpack_sbuffer_destroy(&buf);
    msgpack_sbuffer_destroy(&again);
}

/* Returns true when the file fd (len bytes, at its start) holds exactly
   the text of want. Closes fd. */
static bool
s_file_is(int fd, size_t len, const strbuf_t *want)
{
    bool same = len == strbuf_len(want);
    char *got = same ? malloc(len + 1) : NULL;
    size_t n = 0;
    while (got && n <= len) {
        const ssize_t r = read(fd, got + n, len + 1 - n);
        if (r <= 0)
            break;
        n += (size_t) r;
    }
    same = got && n == len && memcmp(got, strbuf_data(want), len) == 0;
    free(got);
    close(fd);
    return same;
}

/* ---- reportreq ---------------------------------------------------------- */

static void
s_test_reportreq(const catalog_t *catalog, const tru_events_t *events)
{
    const rdate_t today = tru_date("2003-07-02");
    reportreq_t q;
    char err[512];
    CHECK_INT(reportreq_parse(&q, "annex", NULL, NULL, NULL, today, err, sizeof err), REPORTREQ_OK);
    CHECK_INT(q.kind, REPORTREQ_ANNEX);
    CHECK_INT(q.format, REPORTREQ_TEXT);
    CHECK_INT(q.as_of, today);
    CHECK(!q.as_of_given);
    CHECK_INT(reportreq_parse(&q, "Progress", "markdown", "2002-12-31", "", today, err, sizeof err),
              REPORTREQ_OK);
    CHECK_INT(q.format, REPORTREQ_MD);
    CHECK(q.as_of_given);
    CHECK_INT(q.as_of, tru_date("2002-12-31"));
    CHECK_INT(reportreq_parse(&q, "progress", "svg", NULL, NULL, today, err, sizeof err),
              REPORTREQ_OK);
    CHECK_INT(reportreq_parse(&q, "annex", "svg", NULL, NULL, today, err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_INT(reportreq_parse(&q, "annex", "text", "2003-13-45", NULL, today, err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_STR(err, "as_of must be a date YYYY-MM-DD: '2003-13-45'");
    CHECK_INT(reportreq_parse(&q, "annex", "text", "2003-07-0\x01<\xc3\xa9>", NULL, today, err,
                              sizeof err),
              REPORTREQ_EBAD);
    CHECK_STR(err, "as_of must be a date YYYY-MM-DD: '2003-07-0?<?"
                   "?>'");
    CHECK_INT(reportreq_parse(&q, "annex", "text",
                              "2003-07-02 and then a very long tail of text after it", NULL, today,
                              err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_STR(err,
              "as_of must be a date YYYY-MM-DD: '2003-07-02 and then a very long tail of ...'");
    CHECK_INT(reportreq_parse(&q, "yearly", NULL, NULL, NULL, today, err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_INT(reportreq_parse(&q, NULL, NULL, NULL, NULL, today, err, sizeof err), REPORTREQ_EBAD);
    CHECK_INT(reportreq_parse(&q, "annex", "pdf", NULL, NULL, today, err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_INT(reportreq_parse(&q, "status", "csv", NULL, NULL, today, err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_INT(reportreq_parse(&q, "annex", "csv", NULL, "UNTOC", today, err, sizeof err),
              REPORTREQ_EBAD);
    CHECK_INT(reportreq_parse(&q, "status", "json", NULL, "xviii-12-a", today, err, sizeof err),
              REPORTREQ_OK);
    CHECK_STR(q.instrument, "xviii-12-a");

    CHECK_STR(reportreq_content_type(REPORTREQ_TEXT), "text/plain; charset=utf-8");
    CHECK_STR(reportreq_content_type(REPORTREQ_MD), "text/markdown; charset=utf-8");
    CHECK_STR(reportreq_content_type(REPORTREQ_CSV), "text/csv; charset=utf-8");
    CHECK_STR(reportreq_content_type(REPORTREQ_JSON), "application/json");
    CHECK_STR(reportreq_content_type(REPORTREQ_HTML), "text/html; charset=utf-8");
    CHECK_STR(reportreq_content_type(REPORTREQ_FORMAT_COUNT), "");
    reportreq_format_t f;
    CHECK(reportreq_format_from_ext("txt", &f) == 0 && f == REPORTREQ_TEXT);
    CHECK(reportreq_format_from_ext("text", &f) == -1);

    /* every kind and format renders from the seed, the same into a buffer
       that spills to a file */
    char dir[] = "/tmp/ratify-reportreq.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int error = 0;
    report_t *report = report_new(catalog, events->items, events->count, today, &error);
    CHECK(report != NULL);
    for (int k = 0; report && k < REPORTREQ_KIND_COUNT; k++)
        for (int fm = 0; fm < REPORTREQ_FORMAT_COUNT; fm++) {
            if (!reportreq_offers((reportreq_kind_t) k, (reportreq_format_t) fm))
                continue;
            CHECK_INT(reportreq_parse(&q, reportreq_kind_name((reportreq_kind_t) k),
                                      reportreq_format_name((reportreq_format_t) fm), NULL,
                                      k == REPORTREQ_STATUS ? "TIP" : NULL, today, err, sizeof err),
                      REPORTREQ_OK);
            strbuf_t *out = strbuf_new();
            CHECK_INT(reportreq_render(&q, report, out, err, sizeof err), REPORTREQ_OK);
            CHECK(strbuf_len(out) > 100);
            strbuf_t *spill = strbuf_new_spill(dir, 64);
            CHECK_INT(reportreq_render(&q, report, spill, err, sizeof err), REPORTREQ_OK);
            CHECK(strbuf_spilled(spill));
            int fd = -1;
            size_t len = 0;
            CHECK_INT(strbuf_detach_fd(spill, &fd, &len), 0);
            CHECK(fd >= 0 && s_file_is(fd, len, out));
            strbuf_destroy(&spill);
            strbuf_destroy(&out);
        }
    /* a spill file that cannot be made */
    char missing[64];
    snprintf(missing, sizeof missing, "%s/gone", dir);
    CHECK(rmdir(dir) == 0); /* empty: the files had no name */
    CHECK_INT(reportreq_parse(&q, "annex", "json", NULL, NULL, today, err, sizeof err),
              REPORTREQ_OK);
    strbuf_t *lost = strbuf_new_spill(missing, 64);
    CHECK_INT(reportreq_render(&q, report, lost, err, sizeof err), REPORTREQ_EINTERNAL);
    CHECK_STR(err, "the annex report could not be rendered (its temporary file: No such file or "
                   "directory)");
    strbuf_destroy(&lost);
    CHECK_INT(reportreq_parse(&q, "status", "html", NULL, "ATLANTIS", today, err, sizeof err),
              REPORTREQ_OK);
    strbuf_t *out = strbuf_new();
    CHECK_INT(reportreq_render(&q, report, out, err, sizeof err), REPORTREQ_ENOTFOUND);
    CHECK_STR(err, "unknown instrument 'ATLANTIS' (known: UNTOC, TIP, SOM, FIREARMS)");
    size_t index = 99;
    CHECK_INT(reportreq_find_instrument(report, "XVIII-12-c", &index, err, sizeof err),
              REPORTREQ_OK);
    CHECK_INT(index, 3);
    strbuf_reset(out);
    CHECK_INT(reportreq_parse(&q, "annex", "text", NULL, NULL, today, err, sizeof err),
              REPORTREQ_OK);
    CHECK_INT(reportreq_render(&q, report, out, err, sizeof err), REPORTREQ_OK);
    CHECK(strncmp(strbuf_data(out), "Annex\n\n", 7) == 0);
    strbuf_destroy(&out);
    report_destroy(&report);
}

/* ---- http address ------------------------------------------------------- */

static void
s_test_address(void)
{
    struct sockaddr_storage addr;
    socklen_t len = 0;
    char bound[128], err[256];
    CHECK_INT(
        http_parse_address("127.0.0.1:8080", &addr, &len, bound, sizeof bound, err, sizeof err), 0);
    CHECK_STR(bound, "127.0.0.1:8080");
    CHECK_INT(addr.ss_family, AF_INET);
    CHECK_INT(len, sizeof(struct sockaddr_in));
    CHECK_INT(ntohs(((struct sockaddr_in *) &addr)->sin_port), 8080);
    CHECK_INT(
        http_parse_address("reporter:8080", &addr, &len, bound, sizeof bound, err, sizeof err), 0);
    CHECK_STR(bound, "0.0.0.0:8080");
    CHECK_INT(http_parse_address("localhost:80", &addr, &len, bound, sizeof bound, err, sizeof err),
              0);
    CHECK_STR(bound, "127.0.0.1:80");
    CHECK_INT(http_parse_address("*:9000", &addr, &len, bound, sizeof bound, err, sizeof err), 0);
    CHECK_STR(bound, "0.0.0.0:9000");
    CHECK_INT(http_parse_address(":9000", &addr, &len, bound, sizeof bound, err, sizeof err), 0);
    CHECK_STR(bound, "0.0.0.0:9000");
    CHECK_INT(http_parse_address("http://10.1.2.3:81/", &addr, &len, bound, sizeof bound, err,
                                 sizeof err),
              0);
    CHECK_STR(bound, "10.1.2.3:81");
    CHECK_INT(http_parse_address("[::1]:8443", &addr, &len, bound, sizeof bound, err, sizeof err),
              0);
    CHECK_INT(addr.ss_family, AF_INET6);
    CHECK_STR(bound, "[::1]:8443");
    static const char *bad[] = {"127.0.0.1",
                                "127.0.0.1:0",
                                "127.0.0.1:65536",
                                "127.0.0.1:80x",
                                "300.1.1.1:80",
                                "[::1]8080",
                                "[nope]:80",
                                ":",
                                ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK_INT(http_parse_address(bad[i], &addr, &len, bound, sizeof bound, err, sizeof err),
                  -1);
        CHECK(err[0] != '\0');
    }
}

static void
s_test_spill_setting(void)
{
    char err[256];
    size_t bytes = 0;
    unsetenv("RATIFY_REPORTER_SPILL_KB");
    CHECK_INT(http_spill_from_env(&bytes, err, sizeof err), 0);
    CHECK_INT(bytes, (size_t) HTTP_SPILL_KB_DEFAULT * 1024);
    CHECK_INT(bytes, 8 * 1024 * 1024);
    static const struct {
        const char *text;
        size_t bytes;
    } good[] = {{"", 8 * 1024 * 1024}, {"1", 1024}, {"16", 16384}, {"65536", STRBUF_MAX_BYTES}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        setenv("RATIFY_REPORTER_SPILL_KB", good[i].text, 1);
        bytes = 0;
        CHECK_INT(http_spill_from_env(&bytes, err, sizeof err), 0);
        CHECK_INT(bytes, good[i].bytes);
    }
    static const char *bad[] = {"0",  "-1", "65537", "abc",
                                "8M", "8 ", "1e3",   "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("RATIFY_REPORTER_SPILL_KB", bad[i], 1);
        err[0] = '\0';
        CHECK_INT(http_spill_from_env(&bytes, err, sizeof err), -1);
        char want[128];
        snprintf(want, sizeof want,
                 "RATIFY_REPORTER_SPILL_KB=%s is not an integer from 1 to 65536 (KiB)", bad[i]);
        CHECK_STR(err, want);
    }
    unsetenv("RATIFY_REPORTER_SPILL_KB");
}

/* ---- view --------------------------------------------------------------- */

/* Returns a fresh view in a new directory made from the template dir (its
   file's name written to path), or NULL (a failed CHECK). The caller
   destroys it and calls s_remove_view. */
static view_t *
s_view_in_tmp(const catalog_t *catalog, char *dir, char *path, size_t pathlen)
{
    char err[256];
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return NULL;
    }
    snprintf(path, pathlen, "%s/reporter.db", dir);
    view_t *view = view_open(path, catalog, err, sizeof err);
    CHECK(view != NULL);
    return view;
}

/* Removes a view's file (and its WAL) and directory. */
static void
s_remove_view(const char *dir, const char *path)
{
    char file[300];
    static const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        unlink(file);
    }
    rmdir(dir);
}

static void
s_test_view(const catalog_t *catalog, const tru_events_t *events)
{
    char dir[] = "/tmp/ratify-view-XXXXXX", path[256], err[256];
    view_t *view = s_view_in_tmp(catalog, dir, path, sizeof path);
    if (!view)
        return;
    CHECK_INT(view_last_seq(view), 0);
    for (size_t i = 0; i < 100; i++)
        CHECK_INT(view_append(view, &events->items[i], err, sizeof err), 0);
    CHECK_INT(view_pending(view), 100);
    CHECK_INT(view_count(view), 0); /* staged, not visible */
    CHECK_INT(view_last_seq(view), 0);
    CHECK_INT(view_commit(view, err, sizeof err), 0);
    CHECK_INT(view_count(view), 100);
    CHECK_INT(view_last_seq(view), 100);
    CHECK_INT(view_append(view, &events->items[50], err, sizeof err), 0); /* old: ignored */
    CHECK_INT(view_pending(view), 0);
    for (size_t i = 100; i < events->count; i++)
        CHECK_INT(view_append(view, &events->items[i], err, sizeof err), 0);
    CHECK_INT(view_skip(view, (int64_t) events->count + 1, err, sizeof err), 0);
    CHECK_INT(view_commit(view, err, sizeof err), 0);
    CHECK_INT(view_last_seq(view), (int64_t) events->count + 1);
    view_destroy(&view);
    view_destroy(&view); /* harmless */
    CHECK(view == NULL);

    /* reopened: everything back, the skipped sequence included */
    view = view_open(path, catalog, err, sizeof err);
    CHECK(view != NULL);
    if (view) {
        CHECK_INT(view_count(view), events->count);
        CHECK_INT(view_last_seq(view), (int64_t) events->count + 1);
        int64_t seq = 0;
        int error = 0;
        report_t *report = view_report(view, tru_date("2003-07-02"), &seq, &error);
        CHECK(report != NULL);
        CHECK_INT(seq, (int64_t) events->count + 1);
        CHECK(report && report_instrument(report, 0)->deposits == 40);
        report_destroy(&report);

        reportreq_t q;
        view_info_t info;
        CHECK_INT(reportreq_parse(&q, "annex", "html", "2003-07-02", NULL, 0, err, sizeof err),
                  REPORTREQ_OK);
        strbuf_t *out = strbuf_new();
        CHECK_INT(view_render(view, &q, out, &info, err, sizeof err), REPORTREQ_OK);
        CHECK(strstr(strbuf_data(out), "<td>Armenia</td>") != NULL);
        CHECK(info.build_us >= 0 && info.render_us >= 0);
        printf("seed report: model built in %lld us, html rendered in %lld us\n",
               (long long) info.build_us, (long long) info.render_us);
        strbuf_destroy(&out);

        /* staged then dropped at destroy: not kept */
        event_t extra = tru_event((int64_t) events->count + 2, "FIREARMS", "ARM",
                                  ACTION_RATIFICATION, "2003-07-02");
        CHECK_INT(view_append(view, &extra, err, sizeof err), 0);
        view_destroy(&view);
        view = view_open(path, catalog, err, sizeof err);
        CHECK(view && view_count(view) == events->count);
        view_destroy(&view);
    }
    s_remove_view(dir, path);
}

/* A reader building reports while the loop stages and commits in batches
   of VIEW_BATCH: each report sees a prefix ending on a commit. */
#define VIEW_BATCH 50

typedef struct {
    view_t *view;
    atomic_int reports;
    int torn;
    atomic_int stop;
} s_reader_t;

static void *
s_reader(void *arg)
{
    s_reader_t *r = arg;
    while (!atomic_load(&r->stop)) {
        int64_t seq = 0;
        int error = 0;
        report_t *report = view_report(r->view, tru_date("2003-07-02"), &seq, &error);
        if (!report || seq % VIEW_BATCH != 0)
            r->torn++;
        report_destroy(&report);
        atomic_fetch_add(&r->reports, 1);
    }
    return NULL;
}

static void
s_test_view_compact(const catalog_t *catalog, const tru_events_t *events)
{
    char dir[] = "/tmp/ratify-view-XXXXXX", path[256], err[256];
    view_t *view = s_view_in_tmp(catalog, dir, path, sizeof path);
    if (!view)
        return;
    const size_t n = events->count - events->count % VIEW_BATCH;
    s_reader_t reader = {.view = view};
    pthread_t thread;
    const bool started = pthread_create(&thread, NULL, s_reader, &reader) == 0;
    CHECK(started);
    uint64_t activity = view_activity(view);
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(view_append(view, &events->items[i], err, sizeof err), 0);
        if ((i + 1) % VIEW_BATCH == 0) {
            /* a report while this batch is staged, not yet committed (the
               loop would otherwise outrun the reader: a commit is not
               flushed to disk, so it is quick) */
            const int seen = atomic_load(&reader.reports);
            for (int w = 0; started && atomic_load(&reader.reports) == seen && w < 5000; w++)
                nanosleep(&(struct timespec){.tv_nsec = 1000 * 1000}, NULL);
            CHECK(atomic_load(&reader.reports) > seen);
            CHECK_INT(view_commit(view, err, sizeof err), 0);
            CHECK(view_activity(view) > activity);
            activity = view_activity(view);
        }
    }
    atomic_store(&reader.stop, 1);
    if (started)
        pthread_join(thread, NULL);
    CHECK(atomic_load(&reader.reports) > 0);
    CHECK_INT(reader.torn, 0);

    /* a report counts as activity */
    activity = view_activity(view);
    report_t *report = view_report(view, tru_date("2003-07-02"), NULL, NULL);
    CHECK(report != NULL);
    CHECK(view_activity(view) > activity);
    const int deposits = report ? report_instrument(report, 0)->deposits : -1;
    report_destroy(&report);

    /* a retraction, with its reason, survives a restart: the reason stays
       in the file, the retracted seq in memory */
    const event_t *target = NULL;
    for (size_t i = 0; i < n && !target; i++)
        if (events->items[i].action == ACTION_RATIFICATION
            && strcmp(events->items[i].instrument, "UNTOC") == 0)
            target = &events->items[i];
    CHECK(target != NULL);
    event_t retraction = tru_event((int64_t) n + 1, "UNTOC", target ? target->participant : "ARM",
                                   ACTION_RETRACTION, "2003-07-02");
    retraction.retracts = target ? target->seq : 1;
    snprintf(retraction.reason, sizeof retraction.reason, "entered in error");
    CHECK_INT(view_append(view, &retraction, err, sizeof err), 0);
    /* staged: not seen yet */
    report = view_report(view, tru_date("2003-07-02"), NULL, NULL);
    CHECK(report && report_instrument(report, 0)->deposits == deposits);
    report_destroy(&report);
    CHECK_INT(view_commit(view, err, sizeof err), 0);
    report = view_report(view, tru_date("2003-07-02"), NULL, NULL);
    CHECK(report && report_instrument(report, 0)->deposits == deposits - 1);
    report_destroy(&report);
    view_destroy(&view);

    view = view_open(path, catalog, err, sizeof err);
    CHECK(view != NULL);
    if (view) {
        CHECK_INT(view_count(view), n + 1);
        report = view_report(view, tru_date("2003-07-02"), NULL, NULL);
        CHECK(report && report_instrument(report, 0)->deposits == deposits - 1);
        report_destroy(&report);
        view_destroy(&view);
    }
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st = NULL;
    if (db
        && sqlite3_prepare_v2(db, "SELECT reason, retracts FROM events WHERE seq = ?1", -1, &st,
                              NULL)
               == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (int64_t) n + 1);
        CHECK(sqlite3_step(st) == SQLITE_ROW);
        CHECK_STR((const char *) sqlite3_column_text(st, 0), "entered in error");
        CHECK_INT(sqlite3_column_int64(st, 1), retraction.retracts);
    }
    else
        CHECK(!"prepare");
    sqlite3_finalize(st);
    sqlite3_close(db);

    s_remove_view(dir, path);
}

/* ---- metrics and dashboard ---------------------------------------------- */

static void
s_test_metrics(void)
{
    metrics_t *m = metrics_new();
    CHECK(m != NULL);
    if (!m)
        return;
    metrics_http(m, METRICS_ROUTE_ANNEX, 200);
    metrics_http(m, METRICS_ROUTE_ANNEX, 200);
    metrics_http(m, METRICS_ROUTE_ANNEX, 400);
    metrics_http(m, METRICS_ROUTE_OTHER, 418);
    metrics_api(m, METRICS_API_PING, true);
    metrics_events(m, 527);
    metrics_follow(m, 527, 527, 530, false);
    metrics_report(m, 1500, 250);
    int64_t last = 0, known = 0;
    CHECK(!metrics_synced(m, &last, &known));
    CHECK_INT(last, 527);
    CHECK_INT(known, 530);
    strbuf_t *out = strbuf_new();
    CHECK_INT(metrics_render(m, out), 0);
    const char *text = strbuf_data(out);
    CHECK(strstr(text, "\nratify_reporter_events_processed_total 527\n"));
    CHECK(strstr(text, "\nratify_reporter_http_requests_total{route=\"annex\",code=\"200\"} 2\n"));
    CHECK(strstr(text, "\nratify_reporter_http_requests_total{route=\"annex\",code=\"400\"} 1\n"));
    CHECK(strstr(text, "{route=\"other\",code=\"other\"} 1\n"));
    CHECK(strstr(text, "\nratify_reporter_api_requests_total{type=\"ping\",outcome=\"ok\"} 1\n"));
    CHECK(strstr(text, "\nratify_reporter_report_build_seconds_sum 0.001500\n"));
    CHECK(strstr(text, "\nratify_reporter_synced 0\n"));
    CHECK(strstr(text, "# TYPE ratify_reporter_last_seq gauge\n"));
    strbuf_destroy(&out);
    metrics_destroy(&m);
    metrics_destroy(&m);
    CHECK(m == NULL);
}

static void
s_test_dashboard(const catalog_t *catalog, const tru_events_t *events)
{
    strbuf_t *out = strbuf_new();
    CHECK_INT(dashboard_url_encode(out, "XVIII-12_a.b~ <\"&/é>"), 0);
    CHECK_STR(strbuf_data(out), "XVIII-12_a.b~%20%3C%22%26%2F%C3%A9%3E");
    int error = 0;
    report_t *report =
        report_new(catalog, events->items, events->count, tru_date("2003-07-02"), &error);
    strbuf_reset(out);
    CHECK_INT(dashboard_render(report, true, 527, out), REPORT_OK);
    const char *page = strbuf_data(out);
    CHECK(strstr(page, "href=\"reports/status/UNTOC.html?as_of=2003-07-02\""));
    CHECK(strstr(page, "href=\"reports/progress.svg?as_of=2003-07-02\""));
    CHECK(strstr(page, "from registry events 1 to 527."));
    CHECK(strstr(page, "<path d=\"M"));
    CHECK(!strstr(page, "<script"));
    strbuf_reset(out);
    CHECK_INT(dashboard_render(report, false, 527, out), REPORT_OK);
    CHECK(strstr(strbuf_data(out), "href=\"reports/annex.html\""));
    CHECK(!strstr(strbuf_data(out), "?as_of="));
    CHECK_INT(dashboard_render(NULL, false, 0, out), REPORT_EINVAL);
    report_destroy(&report);
    strbuf_destroy(&out);
}

int
main(void)
{
    catalog_t *catalog = tru_setup();
    CHECK(catalog != NULL);
    tru_events_t events = {0};
    if (catalog)
        CHECK_INT(tru_load_events(catalog, "a58-165.csv", 1, NULL, NULL, &events), 527);
    s_test_msg();
    s_test_address();
    s_test_spill_setting();
    s_test_metrics();
    if (catalog && events.count == 527) {
        s_test_reportreq(catalog, &events);
        s_test_view(catalog, &events);
        s_test_view_compact(catalog, &events);
        s_test_dashboard(catalog, &events);
    }
    free(events.items);
    catalog_destroy(&catalog);
    return check_report("test_reporter_service");
}
