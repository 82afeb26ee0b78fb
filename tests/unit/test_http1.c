/*  test_http1: the webhook client's pure parts -- hookurl (URLs accepted
    and refused, userinfo to Basic authorization, default ports, the Host
    header and the request target) and http1 (the POST request's exact
    bytes, and response heads: fed one byte at a time, interim 1xx heads,
    bare LF, Retry-After as seconds or a date, and the malformed ones).
    Every head is parsed from a malloc'd copy of exactly the bytes given,
    so ASan catches a read past them. */
#include "check.h"
#include "hookurl.h"
#include "http1.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- hookurl ------------------------------------------------------------ */

/* Parses url, which must be accepted, and checks every field. */
static void
s_url_ok(int line, const char *url, bool tls, const char *host, bool is_ip, int port,
         const char *authority, const char *target, const char *auth)
{
    hookurl_t u;
    char err[256] = "";
    const int rc = hookurl_parse(url, &u, err, sizeof err);
    const int before = check_failed_;
    CHECK_INT(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  line %d: %s: %s\n", line, url, err);
        return;
    }
    CHECK_INT(u.tls, tls);
    CHECK_STR(u.host, host);
    CHECK_INT(u.host_is_ip, is_ip);
    CHECK_INT(u.port, port);
    CHECK_STR(u.authority, authority);
    CHECK_STR(u.target, target);
    CHECK_STR(u.basic_auth, auth);
    if (check_failed_ != before)
        fprintf(stderr, "  line %d: %s\n", line, url);
}

/* Parses url, which must be refused with a message starting as want. */
static void
s_url_bad(int line, const char *url, const char *want)
{
    hookurl_t u;
    memset(&u, 0x5a, sizeof u);
    char err[512] = "";
    const int before = check_failed_;
    CHECK_INT(hookurl_parse(url, &u, err, sizeof err), -1);
    CHECK(err[0] != '\0');
    if (want)
        CHECK(strncmp(err, want, strlen(want)) == 0);
    CHECK(u.basic_auth[0] == '\0' && u.host[0] == '\0' && u.port == 0); /* nothing half-filled */
    if (check_failed_ != before)
        fprintf(stderr, "  line %d: %s: %s\n", line, url ? url : "(null)", err);
}

#define URL_OK(...)        s_url_ok(__LINE__, __VA_ARGS__)
#define URL_BAD(url, want) s_url_bad(__LINE__, url, want)

/* Passwords hidden for logs and replies; a refusal names the URL so too. */
static void
test_url_redacted(void)
{
    static const char *const cases[][2] = {
        {"https://user:secret@example.org/hook", "https://user:***@example.org/hook"},
        {"http://token@127.0.0.1:8080/h?x=1#f", "http://***@127.0.0.1:8080/h?x=1#f"},
        {"http://a:b@c@example.org/", "http://a:***@example.org/"}, /* the last @ ends it */
        {"https://user:@example.org", "https://user:***@example.org"},
        {"https://example.org/path@x?mail=a@b", "https://example.org/path@x?mail=a@b"},
        {"https://bot:abc#def@example.org/x", "https://bot:***@example.org/x"},
        {"not a url", "not a url"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[ALERT_URL_MAX];
        hookurl_redact(cases[i][0], out, sizeof out);
        CHECK_STR(out, cases[i][1]);
    }
    char small[12];
    hookurl_redact("https://user:secret@example.org/", small, sizeof small);
    CHECK_STR(small, "https://use"); /* cut, terminated */
    hookurl_redact(NULL, small, sizeof small);
    CHECK_STR(small, "");
    char err[512] = "";
    CHECK_INT(hookurl_parse("ftp://user:secret@example.org/", &(hookurl_t){0}, err, sizeof err),
              -1);
    CHECK(strstr(err, "user:***@") && !strstr(err, "secret"));
    CHECK_INT(hookurl_parse("https://user:secret@/x", &(hookurl_t){0}, err, sizeof err), -1);
    CHECK(!strstr(err, "secret"));
    CHECK_INT(hookurl_parse("https://user:secret@exa mple.org/", &(hookurl_t){0}, err, sizeof err),
              -1);
    CHECK(err[0] && !strstr(err, "secret"));
    CHECK_INT(
        hookurl_parse("https://bot:abc#secret@example.org/", &(hookurl_t){0}, err, sizeof err), -1);
    CHECK(err[0] && !strstr(err, "secret"));
}

static void
test_url_accepted(void)
{
    /* url, tls, host, host_is_ip, port, authority, target, basic_auth */
    URL_OK("http://example.org", false, "example.org", false, 80, "example.org", "/", "");
    URL_OK("http://example.org/", false, "example.org", false, 80, "example.org", "/", "");
    URL_OK("HTTPS://Example.ORG/a/b?c=d#frag", true, "Example.ORG", false, 443, "Example.ORG",
           "/a/b?c=d", "");
    URL_OK("hTtP://h", false, "h", false, 80, "h", "/", "");
    /* target: "/" for an empty path, query kept, fragment dropped */
    URL_OK("http://h?x=1", false, "h", false, 80, "h", "/?x=1", "");
    URL_OK("http://h?x=1#f", false, "h", false, 80, "h", "/?x=1", "");
    /* bytes from 0x80 in the path and query: percent-encoded, as libcurl sent them */
    URL_OK("http://h/hooks/\xc3\xbc?q=\xe2\x82\xac#\xc3\xa9", false, "h", false, 80, "h",
           "/hooks/%C3%BC?q=%E2%82%AC", "");
    URL_OK("http://h?\x80", false, "h", false, 80, "h", "/?%80", "");
    URL_OK("http://h#f", false, "h", false, 80, "h", "/", "");
    URL_OK("http://h/#f?x", false, "h", false, 80, "h", "/", "");
    URL_OK("http://h/a%20b/c?d=%2F&e=?#x#y", false, "h", false, 80, "h", "/a%20b/c?d=%2F&e=?", "");
    URL_OK("http://h//x/../y?", false, "h", false, 80, "h", "//x/../y?", "");
    URL_OK("http://h/@:[]", false, "h", false, 80, "h", "/@:[]", "");
    /* ports and the Host header */
    URL_OK("http://127.0.0.1:8080/hooks", false, "127.0.0.1", true, 8080, "127.0.0.1:8080",
           "/hooks", "");
    URL_OK("http://h:80/", false, "h", false, 80, "h", "/", "");
    URL_OK("https://h:443", true, "h", false, 443, "h", "/", "");
    URL_OK("http://h:443", false, "h", false, 443, "h:443", "/", "");
    URL_OK("https://h:80", true, "h", false, 80, "h:80", "/", "");
    URL_OK("http://h:/x", false, "h", false, 80, "h", "/x", "");
    URL_OK("https://h:?q", true, "h", false, 443, "h", "/?q", "");
    URL_OK("http://h:080", false, "h", false, 80, "h", "/", "");
    URL_OK("http://h:08080", false, "h", false, 8080, "h:8080", "/", "");
    URL_OK("http://h:1", false, "h", false, 1, "h:1", "/", "");
    URL_OK("http://h:65535", false, "h", false, 65535, "h:65535", "/", "");
    /* IPv6 */
    URL_OK("http://[::1]:8080/x", false, "::1", true, 8080, "[::1]:8080", "/x", "");
    URL_OK("https://[2001:DB8::1]/", true, "2001:DB8::1", true, 443, "[2001:DB8::1]", "/", "");
    URL_OK("http://[::1]", false, "::1", true, 80, "[::1]", "/", "");
    URL_OK("http://[::1]:", false, "::1", true, 80, "[::1]", "/", "");
    URL_OK("http://[::1]:80?a", false, "::1", true, 80, "[::1]", "/?a", "");
    URL_OK("http://[::ffff:192.0.2.1]:81", false, "::ffff:192.0.2.1", true, 81,
           "[::ffff:192.0.2.1]:81", "/", "");
    /* names: only dotted quads are IPv4 literals */
    URL_OK("http://a_b-c.d~e/", false, "a_b-c.d~e", false, 80, "a_b-c.d~e", "/", "");
    URL_OK("http://example.org./", false, "example.org.", false, 80, "example.org.", "/", "");
    URL_OK("http://1.2.3/", false, "1.2.3", false, 80, "1.2.3", "/", "");
    URL_OK("http://01.2.3.4/", false, "01.2.3.4", false, 80, "01.2.3.4", "/", "");
    URL_OK("http://10.0.0.255/", false, "10.0.0.255", true, 80, "10.0.0.255", "/", "");
    /* userinfo: percent-decoded, "user:password" as Basic */
    URL_OK("http://Aladdin:open%20sesame@h/", false, "h", false, 80, "h", "/",
           "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    URL_OK("http://user:pa%40ss@h:8080/x", false, "h", false, 8080, "h:8080", "/x",
           "dXNlcjpwYUBzcw==");
    URL_OK("http://u:p@h", false, "h", false, 80, "h", "/", "dTpw");
    URL_OK("http://user@h", false, "h", false, 80, "h", "/", "dXNlcjo="); /* "user:" */
    URL_OK("http://%41:%3a@h", false, "h", false, 80, "h", "/", "QTo6");  /* "A::" */
    URL_OK("http://%41:%3A@h", false, "h", false, 80, "h", "/", "QTo6");
    URL_OK("http://:@h", false, "h", false, 80, "h", "/", "Og==");
    URL_OK("http://@h", false, "h", false, 80, "h", "/", "");
    URL_OK("http://-._~!$&'()*+,;=@h", false, "h", false, 80, "h", "/", "LS5ffiEkJicoKSorLDs9Og==");
    URL_OK("http://%ff%01:p%20w@h", false, "h", false, 80, "h", "/", "/wE6cCB3");
    URL_OK("https://u:p@[::1]:9/?a@b", true, "::1", true, 9, "[::1]:9", "/?a@b", "dTpw");
    URL_OK("http://h/?u:p@x", false, "h", false, 80, "h", "/?u:p@x", ""); /* not userinfo */
    URL_OK("http://h#u:p@x", false, "h", false, 80, "h", "/", "");

    /* the longest URL, and the longest host name */
    char url[ALERT_URL_MAX + 8], want[ALERT_URL_MAX];
    strcpy(url, "http://h/");
    memset(url + 9, 'a', ALERT_URL_MAX - 1 - 9);
    url[ALERT_URL_MAX - 1] = '\0';
    strcpy(want, url + 8);
    URL_OK(url, false, "h", false, 80, "h", want, "");
    char host[300];
    memset(host, 'n', 253);
    host[253] = '\0';
    snprintf(url, sizeof url, "http://%s:65535", host);
    snprintf(want, sizeof want, "%s:65535", host);
    URL_OK(url, false, host, false, 65535, want, "/", "");
    /* the longest userinfo still fits basic_auth */
    memcpy(url, "http://", 7);
    memset(url + 7, 'u', ALERT_URL_MAX - 1 - 7 - 2);
    memcpy(url + ALERT_URL_MAX - 3, "@h", 3);
    hookurl_t u;
    char err[256];
    CHECK_INT(hookurl_parse(url, &u, err, sizeof err), 0);
    CHECK_INT(strlen(u.basic_auth),
              sodium_base64_ENCODED_LEN(ALERT_URL_MAX - 10 + 1, sodium_base64_VARIANT_ORIGINAL)
                  - 1);
    /* the longest path of bytes from 0x80 still fits target, encoded */
    strcpy(url, "http://h/");
    memset(url + 9, 0xff, ALERT_URL_MAX - 1 - 9);
    url[ALERT_URL_MAX - 1] = '\0';
    CHECK_INT(hookurl_parse(url, &u, err, sizeof err), 0);
    CHECK_INT(strlen(u.target), 1 + 3 * (ALERT_URL_MAX - 1 - 9));
    CHECK(strncmp(u.target, "/%FF%FF", 7) == 0);
}

static void
test_url_refused(void)
{
    URL_BAD(NULL, "'' is not a valid URL");
    URL_BAD("", "'' is not a valid URL");
    URL_BAD("ftp://example.org/x", "'ftp://example.org/x' is not an http or https URL");
    URL_BAD("file:///etc/passwd", "'file:///etc/passwd' is not an http or https URL");
    URL_BAD("mailto:a@b.org", "'mailto:a@b.org' is not an http or https URL");
    URL_BAD("httpx://h", "'httpx://h' is not an http or https URL");
    URL_BAD("http+unix://h", "'http+unix://h' is not an http or https URL");
    URL_BAD("example.org", "'example.org' is not a valid URL: ");
    URL_BAD("example.org/a:b", "'example.org/a:b' is not a valid URL: ");
    URL_BAD("http:/h", "'http:/h' is not a valid URL: ");
    URL_BAD("http:h", "'http:h' is not a valid URL: ");
    URL_BAD("http//h", "'http//h' is not a valid URL: ");
    URL_BAD("://h", "'://h' is not a valid URL: ");
    URL_BAD("1http://h", "'1http://h' is not a valid URL: ");
    /* no host */
    URL_BAD("http://", "'http://' names no host");
    URL_BAD("http:///x", "'http:///x' names no host");
    URL_BAD("http://:80/", "'http://:80/' names no host");
    URL_BAD("http://u:p@/", "'http://u:***@/' names no host"); /* the password hidden */
    URL_BAD("http://?x", "'http://?x' names no host");
    URL_BAD("https://#x", "'https://#x' names no host");
    /* host characters */
    URL_BAD("http://ex%41mple.org/", "'http://ex%41mple.org/' is not a valid URL: ");
    URL_BAD("http://h!/", NULL);
    URL_BAD("http://h]/", NULL);
    URL_BAD("http://h\\@good.org/", NULL);
    URL_BAD("http://h,i/", NULL);
    URL_BAD("http://a:b:c/", NULL);
    /* IPv6 */
    URL_BAD("http://[::1", "'http://[::1' is not a valid URL: ");
    URL_BAD("http://[::1/x]", NULL);
    URL_BAD("http://[::1]x", NULL);
    URL_BAD("http://[::1]]", NULL);
    URL_BAD("http://[]/", NULL);
    URL_BAD("http://[::g]/", NULL);
    URL_BAD("http://[fe80::1%25eth0]/", NULL);
    URL_BAD("http://[1::2::3]/", NULL);
    URL_BAD("http://[1.2.3.4]/", NULL);
    URL_BAD("http://[::1]:0", NULL);
    URL_BAD("http://[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]/", NULL);
    URL_BAD("http://::1/", NULL);
    /* ports */
    URL_BAD("http://h:0/", "'http://h:0/' is not a valid URL: ");
    URL_BAD("http://h:00", NULL);
    URL_BAD("http://h:65536/", NULL);
    URL_BAD("http://h:99999999999999999999999/", NULL);
    URL_BAD("http://h:8a/", NULL);
    URL_BAD("http://h:-1/", NULL);
    URL_BAD("http://h:+80/", NULL);
    URL_BAD("http://h:0x50/", NULL);
    /* bytes outside 0x21-0x7e, anywhere */
    URL_BAD("not a url", "'not a url' is not a valid URL: ");
    URL_BAD("http://h/a b", NULL);
    URL_BAD("http://h/a\tb", NULL);
    URL_BAD("http://h/\x7f", NULL);
    URL_BAD("http://h\x80/", NULL);
    URL_BAD("http://b\xc3\xbc"
            "cher.example/",
            NULL);
    URL_BAD("http://\xc3\xa9@h/", NULL);
    URL_BAD("http://h/\r\nX: y", NULL);
    URL_BAD(" http://h/", NULL);
    URL_BAD("http://h/ ", NULL);
    URL_BAD("http://u:p w@h/", NULL);
    /* userinfo escapes */
    URL_BAD("http://a%4@h/", "'http://***@h/' is not a valid URL: ");
    URL_BAD("http://a%@h/", NULL);
    URL_BAD("http://a%zz@h/", NULL);
    URL_BAD("http://a%4g@h/", NULL);
    URL_BAD("http://a%00@h/", NULL);
    URL_BAD("http://a:b%00c@h/", NULL);
    URL_BAD("http://a:%0@h/", NULL);
    URL_BAD("http://a:%@h/", NULL);
    URL_BAD("http://a@b@h/", "'http://***@h/' is not a valid URL: '@' in the user");
    URL_BAD("http://a\\b@h/", NULL);
    URL_BAD("http://a[b]@h/", NULL);
    URL_BAD("http://a\"@h/", NULL);
    URL_BAD("http://u:p@h:0/", NULL); /* credentials not left behind */

    /* lengths: ALERT_URL_MAX bytes and more; a host name of 254 */
    char url[ALERT_URL_MAX + 8];
    strcpy(url, "http://h/");
    memset(url + 9, 'a', ALERT_URL_MAX - 9);
    url[ALERT_URL_MAX] = '\0';
    URL_BAD(url, "'http://h/aaa");
    char host[300];
    memset(host, 'n', 254);
    host[254] = '\0';
    snprintf(url, sizeof url, "http://%s/", host);
    URL_BAD(url, NULL);

    /* the URL echoed is cut at 200 bytes; a short err buffer is safe */
    char err[512], small[12];
    hookurl_t u;
    memset(url, 'x', 300);
    memcpy(url, "ftp://", 6);
    url[300] = '\0';
    CHECK_INT(hookurl_parse(url, &u, err, sizeof err), -1);
    CHECK_INT(strlen(err), strlen("'' is not an http or https URL") + 200);
    CHECK_INT(hookurl_parse(url, &u, small, sizeof small), -1);
    CHECK_INT(strlen(small), sizeof small - 1);
    CHECK_INT(hookurl_parse("http://h:0", &u, small, sizeof small), -1);
    CHECK_INT(strlen(small), sizeof small - 1);
    CHECK_INT(hookurl_parse("http://h:0", &u, NULL, 0), -1);
    CHECK_INT(hookurl_parse("http://h:0", &u, small, 0), -1);
}

/* ---- http1_request ------------------------------------------------------ */

static void
test_request(void)
{
    hookurl_t u;
    char err[256];
    size_t len = 0;
    CHECK_INT(hookurl_parse("http://Aladdin:open%20sesame@h:8080/hooks?x=1#f", &u, err, sizeof err),
              0);
    char *req =
        http1_request(&u, "ratify-notifier/0.1", "application/json",
                      "webhook-id: msg_1\r\nwebhook-timestamp: 2\r\n", "{\"a\":1}", 7, &len);
    const char *want = "POST /hooks?x=1 HTTP/1.1\r\n"
                       "Host: h:8080\r\n"
                       "User-Agent: ratify-notifier/0.1\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 7\r\n"
                       "webhook-id: msg_1\r\n"
                       "webhook-timestamp: 2\r\n"
                       "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
                       "Connection: close\r\n"
                       "\r\n"
                       "{\"a\":1}";
    CHECK(req != NULL);
    if (req) {
        CHECK_STR(req, want);
        CHECK_INT(len, strlen(want));
    }
    free(req);

    /* no userinfo, no extra headers, an IPv6 host, a body with NULs */
    CHECK_INT(hookurl_parse("https://[::1]", &u, err, sizeof err), 0);
    req = http1_request(&u, "ua", "application/octet-stream", "", "a\0b", 3, &len);
    want = "POST / HTTP/1.1\r\n"
           "Host: [::1]\r\n"
           "User-Agent: ua\r\n"
           "Content-Type: application/octet-stream\r\n"
           "Content-Length: 3\r\n"
           "Connection: close\r\n"
           "\r\n";
    CHECK(req != NULL);
    if (req) {
        CHECK_INT(len, strlen(want) + 3);
        CHECK(memcmp(req, want, strlen(want)) == 0);
        CHECK(memcmp(req + strlen(want), "a\0b", 3) == 0);
        CHECK_INT(req[len], '\0');
    }
    free(req);

    /* an empty body, given as NULL */
    req = http1_request(&u, "ua", "text/plain", "", NULL, 0, &len);
    CHECK(req != NULL);
    if (req) {
        CHECK(strstr(req, "Content-Length: 0\r\n") != NULL);
        CHECK_INT(len, strlen(req));
        CHECK(len > 4 && memcmp(req + len - 4, "\r\n\r\n", 4) == 0);
    }
    free(req);

    /* a large body */
    const size_t big = 1 << 20;
    char *body = malloc(big);
    CHECK(body != NULL);
    if (body) {
        memset(body, 'b', big);
        req = http1_request(&u, "ua", "text/plain", "", body, big, &len);
        CHECK(req != NULL);
        if (req) {
            CHECK(strstr(req, "Content-Length: 1048576\r\n") != NULL);
            CHECK(len > big && memcmp(req + len - big, body, big) == 0);
            CHECK_INT(req[len], '\0');
        }
        free(req);
        free(body);
    }
}

/* ---- http1_head_parse --------------------------------------------------- */

#define NOW_MS 784111777000LL /* Sun, 06 Nov 1994 08:49:37 GMT */

/* Parses the first len bytes of s from an exact-size heap copy. */
static int
s_parse(const char *s, size_t len, int64_t now_ms, http1_head_t *h, char *err, size_t errlen)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -2;
    memcpy(copy, s, len);
    const int rc = http1_head_parse(copy, len, now_ms, h, err, errlen);
    free(copy);
    return rc;
}

/* Feeds head[0..n) one more byte each time: 0 until the final head's last
   byte, then 1 with status and retry. Bytes after the head are ignored. */
static void
s_head_ok(int line, const char *head, size_t n, int64_t now_ms, int status, int64_t retry)
{
    const int before = check_failed_;
    http1_head_t h;
    char err[256] = "";
    size_t end = 0; /* where the parser first said 1 */
    for (size_t k = 0; k <= n; k++) {
        const int rc = s_parse(head, k, now_ms, &h, err, sizeof err);
        if (rc != 0) {
            CHECK_INT(rc, 1);
            end = k;
            break;
        }
    }
    CHECK(end > 0);
    if (end == 0) {
        fprintf(stderr, "  line %d: never complete\n", line);
        return;
    }
    CHECK_INT(h.status, status);
    CHECK_INT(h.retry_after_ms, retry);
    /* the same answer for every longer buffer */
    for (size_t k = end; k <= n; k++) {
        CHECK_INT(s_parse(head, k, now_ms, &h, err, sizeof err), 1);
        CHECK_INT(h.status, status);
    }
    if (check_failed_ != before)
        fprintf(stderr, "  line %d: %s\n", line, err);
}

/* As s_head_ok for a head that ends exactly at head's NUL terminator. */
static void
s_head_exact(int line, const char *head, int64_t now_ms, int status, int64_t retry)
{
    const int before = check_failed_;
    http1_head_t h;
    char err[256] = "";
    const size_t n = strlen(head);
    for (size_t k = 0; k < n; k++)
        CHECK_INT(s_parse(head, k, now_ms, &h, err, sizeof err), 0);
    if (check_failed_ != before)
        fprintf(stderr, "  line %d: early answer (%s)\n", line, err);
    s_head_ok(line, head, n, now_ms, status, retry);
}

/* Feeds bad[0..n) one more byte each time: 0 and then -1 from some length
   on, -1 at the latest for all n bytes. */
static void
s_head_bad(int line, const char *bad, size_t n)
{
    const int before = check_failed_;
    http1_head_t h;
    char err[256] = "";
    bool failed = false;
    for (size_t k = 0; k <= n; k++) {
        const int rc = s_parse(bad, k, NOW_MS, &h, err, sizeof err);
        CHECK_INT(rc, failed ? -1 : rc == 0 ? 0 : -1);
        failed = failed || rc == -1;
    }
    CHECK(failed);
    CHECK(strncmp(err, "not an HTTP/1.x response head: ", 31) == 0);
    if (check_failed_ != before)
        fprintf(stderr, "  line %d: %s\n", line, err);
}

#define HEAD_EXACT(head, status, retry) s_head_exact(__LINE__, head, NOW_MS, status, retry)
#define HEAD_OK(head, status, retry)                                                               \
    s_head_ok(__LINE__, head, sizeof(head) - 1, NOW_MS, status, retry)
#define HEAD_BAD(bad) s_head_bad(__LINE__, bad, sizeof(bad) - 1)
#define RETRY(value)  "HTTP/1.1 503 Busy\r\nRetry-After: " value "\r\n\r\n"

static void
test_heads(void)
{
    HEAD_EXACT("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, -1);
    HEAD_EXACT("HTTP/1.1 204 No Content\r\n\r\n", 204, -1);
    HEAD_EXACT("HTTP/1.0 404 Not Found\r\nServer: x\r\nContent-Type: text/html\r\n\r\n", 404, -1);
    HEAD_EXACT("HTTP/1.1 599 \r\n\r\n", 599, -1);
    HEAD_EXACT("HTTP/1.1 200\r\n\r\n", 200, -1); /* no reason phrase */
    HEAD_EXACT("HTTP/1.1 500 Internal  Server: Error \x80\xff\r\n\r\n", 500, -1);
    HEAD_EXACT("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Odd: a: b\r\n\r\n", 200, -1);
    /* bare LF, alone or mixed with CRLF */
    HEAD_EXACT("HTTP/1.0 404\n\n", 404, -1);
    HEAD_EXACT("HTTP/1.1 200 OK\nA: b\nC: d\n\n", 200, -1);
    HEAD_EXACT("HTTP/1.1 200 OK\r\nA: b\nC: d\r\n\n", 200, -1);
    HEAD_EXACT("HTTP/1.1 200 OK\nA: b\r\n\r\n", 200, -1);
    /* interim heads are skipped, 101 is an error */
    HEAD_EXACT("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 200, -1);
    HEAD_EXACT("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
               "HTTP/1.1 201 Created\r\nLocation: /x\r\n\r\n",
               201, -1);
    HEAD_EXACT("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
               "HTTP/1.1 503 Busy\r\nRetry-After: 7\r\n\r\n",
               503, 7000);
    HEAD_EXACT("HTTP/1.1 100 Continue\r\nRetry-After: 9\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 200, -1);
    HEAD_EXACT("HTTP/1.1 199 Whatever\n\nHTTP/1.1 200 OK\n\n", 200, -1);
    /* bytes after the head (the body) are not looked at, even a NUL */
    HEAD_OK("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab\0\r\n", 200, -1);
    HEAD_OK("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 OK\r\n\r\nHTTP/1.1 101 x\r\n\r\n", 202, -1);
    /* obs-fold lines are ignored; folding a Retry-After makes it unreadable */
    HEAD_EXACT("HTTP/1.1 200 OK\r\nX: a\r\n  b\r\n\r\n", 200, -1);
    HEAD_EXACT("HTTP/1.1 503 OK\r\nRetry-After: 5\r\n\t6\r\n\r\n", 503, -1);
    HEAD_EXACT("HTTP/1.1 503 OK\r\nRetry-After: 5\r\nX: a\r\n \t6\r\n\r\n", 503, 5000);

    HEAD_BAD("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    HEAD_BAD("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n");
    HEAD_BAD("HTTP/2 200\r\n\r\n");
    HEAD_BAD("HTTP/1.x 200 OK\r\n\r\n");
    HEAD_BAD("http/1.1 200 OK\r\n\r\n");
    HEAD_BAD("HTTP/1.1 20 OK\r\n\r\n");
    HEAD_BAD("HTTP/1.1 2000 OK\r\n\r\n");
    HEAD_BAD("HTTP/1.1  200 OK\r\n\r\n");
    HEAD_BAD("HTTP/1.1 2x0 OK\r\n\r\n");
    HEAD_BAD("HTTP/1.1 600 Too Far\r\n\r\n");
    HEAD_BAD("HTTP/1.1 099 Too Low\r\n\r\n");
    HEAD_BAD("HTTP/1.1 000\r\n\r\n");
    HEAD_BAD("HTTP/1.1\r\n\r\n");
    HEAD_BAD("\r\nHTTP/1.1 200 OK\r\n\r\n");
    HEAD_BAD("SSH-2.0-OpenSSH_9.6\r\n");
    HEAD_BAD("<html>\r\n");
    HEAD_BAD("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
    HEAD_BAD("HTTP/1.1 100 Continue\r\nbad\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    HEAD_BAD("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n"); /* a bare CR */
    HEAD_BAD("HTTP/1.1 200 OK\r\r\n\r\n");
    HEAD_BAD("HTTP/1.1 200 OK\r\n\r\r\n");
    HEAD_BAD("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n"); /* NULs */
    HEAD_BAD("HTTP/1.1 200 O\0K\r\n\r\n");
    HEAD_BAD("HTTP/1.1 200 OK\r\n\0\r\n");
    HEAD_BAD("\0");
    HEAD_BAD("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nA\0: b\r\n\r\n");

    /* a NUL is refused as soon as it arrives, before the head is complete */
    http1_head_t h;
    char err[128];
    CHECK_INT(http1_head_parse("HTTP/1.1 200 OK\r\nX: \0", 22, NOW_MS, &h, err, sizeof err), -1);
    CHECK_INT(http1_head_parse("HTTP/1.1 101 x\r\n", 16, NOW_MS, &h, err, sizeof err), -1);
    CHECK_INT(http1_head_parse("", 0, NOW_MS, &h, err, sizeof err), 0);
    char small[8];
    CHECK_INT(http1_head_parse("XYZ", 3, NOW_MS, &h, small, sizeof small), -1);
    CHECK_INT(strlen(small), sizeof small - 1);
    CHECK_INT(http1_head_parse("XYZ", 3, NOW_MS, &h, NULL, 0), -1);
}

static void
test_retry_after(void)
{
    /* delta-seconds */
    HEAD_EXACT(RETRY("120"), 503, 120000);
    HEAD_EXACT(RETRY("0"), 503, 0);
    HEAD_EXACT(RETRY("007"), 503, 7000);
    HEAD_EXACT(RETRY("  5 \t"), 503, 5000);
    HEAD_EXACT("HTTP/1.1 429 Slow\r\nretry-after:3\r\n\r\n", 429, 3000);
    HEAD_EXACT("HTTP/1.1 429 Slow\r\nRETRY-AFTER: 4\r\n\r\n", 429, 4000);
    HEAD_EXACT("HTTP/1.1 429 Slow\r\nRetry-After: 4\r\nRetry-After: 6\r\n\r\n", 429, 6000);
    HEAD_EXACT("HTTP/1.1 429 Slow\r\nRetry-Afterx: 4\r\nXRetry-After: 6\r\n\r\n", 429, -1);
    HEAD_EXACT("HTTP/1.1 200 OK\nRetry-After: 1\n\n", 200, 1000);
    HEAD_EXACT(RETRY("9223372036854775"), 503, 9223372036854775000LL); /* INT64_MAX / 1000 */
    HEAD_EXACT(RETRY("9223372036854776"), 503, 9223372036854775000LL);
    HEAD_EXACT(RETRY("99999999999999999999999999999999999999"), 503, 9223372036854775000LL);
    HEAD_EXACT(RETRY("922337203685477580799"), 503, 9223372036854775000LL);
    /* IMF-fixdate, relative to NOW_MS = Sun, 06 Nov 1994 08:49:37 GMT */
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:50:37 GMT"), 503, 60000);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:49:38 GMT"), 503, 1000);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:49:37 GMT"), 503, 0);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:49:36 GMT"), 503, 0); /* past */
    HEAD_EXACT(RETRY("Thu, 01 Jan 1970 00:00:00 GMT"), 503, 0); /* past */
    HEAD_EXACT(RETRY("Mon, 07 Nov 1994 08:49:37 GMT"), 503, 86400000);
    HEAD_EXACT(RETRY("Sat, 01 Jan 2000 00:00:00 GMT"), 503, 946684800000LL - NOW_MS);
    HEAD_EXACT(RETRY("Thu, 29 Feb 2024 12:00:00 GMT"), 503, 1709208000000LL - NOW_MS);
    HEAD_EXACT(RETRY("Fri, 01 Mar 2024 00:00:00 GMT"), 503, 1709251200000LL - NOW_MS);
    HEAD_EXACT(RETRY("Fri, 31 Dec 9999 23:59:59 GMT"), 503, 253402300799000LL - NOW_MS);
    HEAD_EXACT(RETRY("Tue, 29 Feb 2000 00:00:00 GMT"), 503, 951782400000LL - NOW_MS);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 23:59:60 GMT"), 503, (15 * 3600 + 10 * 60 + 23) * 1000LL);
    HEAD_EXACT(RETRY(" Sun, 06 Nov 1994 08:50:37 GMT  "), 503, 60000);
    /* a date against other clocks, including ones that would overflow */
    s_head_exact(__LINE__, RETRY("Thu, 01 Jan 1970 00:00:01 GMT"), 0, 503, 1000);
    s_head_exact(__LINE__, RETRY("Thu, 01 Jan 1970 00:00:01 GMT"), -1000, 503, 2000);
    s_head_exact(__LINE__, RETRY("Fri, 31 Dec 9999 23:59:59 GMT"), INT64_MIN, 503, INT64_MAX);
    s_head_exact(__LINE__, RETRY("Fri, 31 Dec 9999 23:59:59 GMT"), INT64_MAX, 503, 0);
    s_head_exact(__LINE__, RETRY("120"), INT64_MIN, 503, 120000);
    /* unreadable: -1, and the head is still good */
    HEAD_EXACT(RETRY(""), 503, -1);
    HEAD_EXACT(RETRY("  "), 503, -1);
    HEAD_EXACT(RETRY("-1"), 503, -1);
    HEAD_EXACT(RETRY("+5"), 503, -1);
    HEAD_EXACT(RETRY("12a"), 503, -1);
    HEAD_EXACT(RETRY("1.5"), 503, -1);
    HEAD_EXACT(RETRY("1 2"), 503, -1);
    HEAD_EXACT(RETRY("0x10"), 503, -1);
    HEAD_EXACT(RETRY("soon"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:50:37 UTC"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:50:37"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 6 Nov 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun 06 Nov 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Xyz, 06 Nov 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("sun, 06 nov 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nox 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 00 Nov 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 31 Nov 1994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 29 Feb 1900 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 29 Feb 2023 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 24:00:00 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:60:00 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:50:61 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 1994 08:5x:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov 199x 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sun, 06 Nov -994 08:50:37 GMT"), 503, -1);
    HEAD_EXACT(RETRY("Sunday, 06-Nov-94 08:49:37 GMT"), 503, -1); /* RFC 850: not read */
    HEAD_EXACT(RETRY("Sun Nov  6 08:49:37 1994"), 503, -1);       /* asctime: not read */
}

/* Heads around HTTP1_HEAD_MAX: filler fields bring the head to total bytes. */
static char *
s_long_head(size_t total, bool interim)
{
    char *h = malloc(total + 1);
    if (!h)
        return NULL;
    size_t at = 0;
    if (interim)
        at += (size_t) sprintf(h, "HTTP/1.1 100 Continue\r\n\r\n");
    at += (size_t) sprintf(h + at, "HTTP/1.1 200 OK\r\n");
    size_t left = total - at - 2; /* field lines to write, CRLF included */
    while (left > 0) {
        /* lines of 1000 bytes, the last one of 5 ("X: " + CRLF) to 1005 */
        const size_t line = left > 1005 ? 1000 : left;
        memcpy(h + at, "X: ", 3);
        memset(h + at + 3, 'v', line - 5);
        memcpy(h + at + line - 2, "\r\n", 2);
        at += line;
        left -= line;
    }
    memcpy(h + at, "\r\n", 2);
    h[total] = '\0';
    return h;
}

static void
test_head_max(void)
{
    http1_head_t h;
    char err[128];
    for (int interim = 0; interim <= 1; interim++) {
        char *head = s_long_head(HTTP1_HEAD_MAX, interim);
        CHECK(head != NULL);
        if (!head)
            continue;
        CHECK_INT(strlen(head), HTTP1_HEAD_MAX);
        CHECK(memcmp(head + HTTP1_HEAD_MAX - 4, "\r\n\r\n", 4) == 0);
        CHECK_INT(s_parse(head, HTTP1_HEAD_MAX, NOW_MS, &h, err, sizeof err), 1);
        CHECK_INT(h.status, 200);
        CHECK_INT(s_parse(head, HTTP1_HEAD_MAX - 1, NOW_MS, &h, err, sizeof err), 0);
        free(head);

        head = s_long_head(HTTP1_HEAD_MAX + 1, interim);
        CHECK(head != NULL);
        if (!head)
            continue;
        CHECK_INT(s_parse(head, HTTP1_HEAD_MAX - 1, NOW_MS, &h, err, sizeof err), 0);
        CHECK_INT(s_parse(head, HTTP1_HEAD_MAX, NOW_MS, &h, err, sizeof err), -1);
        CHECK(strstr(err, "no complete head") != NULL);
        CHECK_INT(s_parse(head, HTTP1_HEAD_MAX + 1, NOW_MS, &h, err, sizeof err), -1);
        free(head);
    }
    /* a head that never ends */
    char *junk = malloc(3 * HTTP1_HEAD_MAX);
    CHECK(junk != NULL);
    if (junk) {
        memset(junk, 'x', 3 * HTTP1_HEAD_MAX);
        memcpy(junk, "HTTP/1.1 200 OK\r\nX: ", 20);
        CHECK_INT(s_parse(junk, HTTP1_HEAD_MAX - 1, NOW_MS, &h, err, sizeof err), 0);
        CHECK_INT(s_parse(junk, 3 * HTTP1_HEAD_MAX, NOW_MS, &h, err, sizeof err), -1);
        free(junk);
    }
}

/* NO_PROXY: names and their subdomains, addresses, ports ignored, "*" */
static void
test_no_proxy(void)
{
    CHECK(!hookurl_no_proxy(NULL, "example.org"));
    CHECK(!hookurl_no_proxy("", "example.org"));
    CHECK(hookurl_no_proxy("*", "example.org"));
    CHECK(hookurl_no_proxy("example.org", "example.org"));
    CHECK(hookurl_no_proxy("example.org", "hooks.EXAMPLE.org"));
    CHECK(hookurl_no_proxy(".example.org", "hooks.example.org"));
    CHECK(hookurl_no_proxy(".example.org", "example.org"));
    CHECK(!hookurl_no_proxy("example.org", "badexample.org"));
    CHECK(!hookurl_no_proxy("hooks.example.org", "example.org"));
    CHECK(hookurl_no_proxy("a.test, localhost ,b.test", "localhost"));
    CHECK(hookurl_no_proxy("a.test localhost", "localhost"));
    CHECK(hookurl_no_proxy("localhost:8080", "localhost"));
    CHECK(hookurl_no_proxy("10.0.0.1", "10.0.0.1"));
    CHECK(!hookurl_no_proxy("10.0.0.1", "110.0.0.1"));
    CHECK(hookurl_no_proxy("[::1]:443", "::1"));
    CHECK(hookurl_no_proxy("::1", "::1"));
    CHECK(!hookurl_no_proxy("::1", "::2"));
    CHECK(!hookurl_no_proxy(",,. ,", "example.org"));
    /* addresses: whole, or by CIDR block; never by the text's suffix */
    CHECK(!hookurl_no_proxy("0.1", "10.0.0.1"));
    CHECK(!hookurl_no_proxy("1", "10.0.0.1"));
    CHECK(hookurl_no_proxy("10.0.0.0/8", "10.2.3.4"));
    CHECK(!hookurl_no_proxy("10.0.0.0/8", "11.2.3.4"));
    CHECK(hookurl_no_proxy("192.168.1.0/25", "192.168.1.127"));
    CHECK(!hookurl_no_proxy("192.168.1.0/25", "192.168.1.128"));
    CHECK(hookurl_no_proxy("0.0.0.0/0", "8.8.8.8"));
    CHECK(!hookurl_no_proxy("10.0.0.0/33", "10.0.0.1"));
    CHECK(hookurl_no_proxy("0:0:0:0:0:0:0:1", "::1"));
    CHECK(hookurl_no_proxy("fd00::/8", "fd12::1"));
    CHECK(!hookurl_no_proxy("fd00::/8", "fe80::1"));
    CHECK(!hookurl_no_proxy("10.0.0.0/8", "::1"));
    CHECK(!hookurl_no_proxy("10.0.0.0/8", "ten.example"));
    /* "*" only alone; trailing dots */
    CHECK(hookurl_no_proxy(" * ", "example.org"));
    CHECK(!hookurl_no_proxy("a.test,*", "example.org"));
    CHECK(hookurl_no_proxy("example.org.", "a.example.org"));
}

int
main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_url_accepted();
    test_url_refused();
    test_url_redacted();
    test_request();
    test_heads();
    test_retry_after();
    test_head_max();
    test_no_proxy();
    return check_report("test_http1");
}
