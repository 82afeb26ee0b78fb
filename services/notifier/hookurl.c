/*  hookurl: a webhook URL taken apart by hand, in one left-to-right pass:
    scheme "://" [userinfo "@"] host [":" port] [path] ["?" query] ["#" fragment].

    Stricter than RFC 3986 on purpose: every byte must be printable ASCII
    and the host is a plain name, a dotted-quad or a bracketed IPv6
    address, so what reaches the resolver, the Host header and the
    request line never needs escaping. The path and query are passed on
    as written (only their bytes are checked); the server decodes them.

    The userinfo is split at its first ':' into user and password, each
    percent-decoded, and sent as Basic "user:password" -- with an empty
    password when there is no ':', as libcurl did. An empty userinfo
    ("http://@host") sends no authorization. The userinfo holds only the
    characters RFC 3986 allows there, so a second '@' or a '\' (which
    browsers read as '/') is refused rather than read one way here and
    another way by whoever looks at the URL. */
#include "hookurl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HOOKURL_NAME_MAX 253 /* bytes of a host name (RFC 1035 in text form) */
#define HOOKURL_IPV6_MAX 45  /* bytes of the longest IPv6 text inet_pton takes */

void
hookurl_redact(const char *url, char *out, size_t cap)
{
    if (!out || cap == 0)
        return;
    const char *auth = url ? strstr(url, "://") : NULL;
    const char *at = NULL;
    if (auth) {
        auth += 3;
        /* to the path or query: a '#' in a password (which the parser
           refuses) must not end the userinfo early and show the rest */
        const size_t alen = strcspn(auth, "/?");
        for (const char *q = auth; q < auth + alen; q++)
            if (*q == '@')
                at = q;
    }
    if (!at) {
        snprintf(out, cap, "%s", url ? url : "");
        return;
    }
    const char *colon = memchr(auth, ':', (size_t) (at - auth));
    const char *keep_end = colon ? colon + 1 : auth; /* "user:" kept, or nothing */
    snprintf(out, cap, "%.*s***%s", (int) (keep_end - url), url, at);
}

/* Writes "'<url>' <what>" (url, its password hidden, cut at 200 bytes),
   what formatted from fmt. */
static void
s_refuse(char *err, size_t errlen, const char *url, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    char shown[ALERT_URL_MAX];
    hookurl_redact(url, shown, sizeof shown);
    int n = snprintf(err, errlen, "'%.200s' ", shown);
    if (n < 0 || (size_t) n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t) n, fmt, ap);
    va_end(ap);
}

/* Writes "'<url>' is not a valid URL: <reason>" (s_refuse), the reason
   formatted from fmt. */
static void
s_invalid(char *err, size_t errlen, const char *url, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    s_refuse(err, errlen, url, "is not a valid URL: %s", reason);
}

static bool
s_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
s_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes src[0..n) onto out + *at (room for cap bytes in all).
   Returns 0, or -1 on a bad escape or a decoded NUL. */
static int
s_decode(const char *src, size_t n, char *out, size_t *at, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (c == '%') {
            const int hi = i + 2 < n ? s_hex_value(src[i + 1]) : -1;
            const int lo = hi >= 0 ? s_hex_value(src[i + 2]) : -1;
            if (lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = (char) (hi * 16 + lo);
            i += 2;
        }
        if (*at >= cap)
            return -1;
        out[(*at)++] = c;
    }
    return 0;
}

/* Fills out->basic_auth from the userinfo ui[0..n). Returns 0 or -1. */
static int
s_userinfo(const char *url, const char *ui, size_t n, hookurl_t *out, char *err, size_t errlen)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(s_is_alpha(ui[i]) || s_is_digit(ui[i]) || strchr("-._~%!$&'()*+,;=:", ui[i]))) {
            s_invalid(err, errlen, url, "'%c' in the user or password (percent-encode it)", ui[i]);
            return -1;
        }
    char plain[ALERT_URL_MAX + 1]; /* decoding never grows; + the ':' */
    size_t at = 0;
    const char *colon = memchr(ui, ':', n);
    const size_t ulen = colon ? (size_t) (colon - ui) : n;
    int rc = s_decode(ui, ulen, plain, &at, sizeof plain - 1);
    if (rc == 0) {
        plain[at++] = ':';
        if (colon)
            rc = s_decode(colon + 1, n - ulen - 1, plain, &at, sizeof plain);
    }
    if (rc == 0
        && sodium_base64_ENCODED_LEN(at, sodium_base64_VARIANT_ORIGINAL) > sizeof out->basic_auth)
        rc = -1; /* cannot happen for a URL under ALERT_URL_MAX */
    if (rc == 0)
        sodium_bin2base64(out->basic_auth, sizeof out->basic_auth, (const unsigned char *) plain,
                          at, sodium_base64_VARIANT_ORIGINAL);
    else
        s_invalid(err, errlen, url, "bad percent escape in the user or password");
    sodium_memzero(plain, sizeof plain);
    return rc;
}

/* Fills out->host, host_is_ip and authority's host part from h[0..n),
   a name, a dotted-quad or "[IPv6]". Returns 0 or -1. */
static int
s_host(const char *url, const char *h, size_t n, hookurl_t *out, char *err, size_t errlen)
{
    if (h[0] == '[') {
        const size_t inner = n - 2; /* the caller found the ']' at h[n - 1] */
        if (inner == 0 || inner > HOOKURL_IPV6_MAX) {
            s_invalid(err, errlen, url, "bad IPv6 address");
            return -1;
        }
        for (size_t i = 1; i <= inner; i++)
            if (!(s_hex_value(h[i]) >= 0 || h[i] == ':' || h[i] == '.')) {
                s_invalid(err, errlen, url, "bad character '%c' in the IPv6 address", h[i]);
                return -1;
            }
        memcpy(out->host, h + 1, inner);
        out->host[inner] = '\0';
        struct in6_addr a6;
        if (inet_pton(AF_INET6, out->host, &a6) != 1) {
            s_invalid(err, errlen, url, "bad IPv6 address");
            return -1;
        }
        out->host_is_ip = true;
    }
    else {
        if (n > HOOKURL_NAME_MAX) {
            s_invalid(err, errlen, url, "host name longer than %d bytes", HOOKURL_NAME_MAX);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            const char c = h[i];
            if (!(s_is_alpha(c) || s_is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
                s_invalid(err, errlen, url, "bad character '%c' in the host", c);
                return -1;
            }
        }
        memcpy(out->host, h, n);
        out->host[n] = '\0';
        struct in_addr a4;
        out->host_is_ip = inet_pton(AF_INET, out->host, &a4) == 1;
    }
    memcpy(out->authority, h, n);
    out->authority[n] = '\0';
    return 0;
}

/* Reads the port p[0..n) (digits, 1 to 65535; empty: none). Returns the
   port, 0 when empty, or -1. */
static long
s_port(const char *url, const char *p, size_t n, char *err, size_t errlen)
{
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s_is_digit(p[i])) {
            s_invalid(err, errlen, url, "the port is not a number");
            return -1;
        }
        v = v * 10 + (p[i] - '0');
        if (v > 65535)
            break;
    }
    if (n > 0 && (v == 0 || v > 65535)) {
        s_invalid(err, errlen, url, "the port is not from 1 to 65535");
        return -1;
    }
    return v;
}

static int
s_parse(const char *url, hookurl_t *out, char *err, size_t errlen)
{
    if (!url)
        url = "";
    const size_t len = strnlen(url, ALERT_URL_MAX);
    if (len == 0 || len >= ALERT_URL_MAX) {
        s_invalid(err, errlen, url, "a URL has 1 to %d bytes", ALERT_URL_MAX - 1);
        return -1;
    }
    /* bytes from 0x80 are taken in the path, query and fragment (below) */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char) url[i] < 0x21 || (unsigned char) url[i] == 0x7f) {
            s_invalid(err, errlen, url, "byte 0x%02x at offset %zu (percent-encode it)",
                      (unsigned) (unsigned char) url[i], i);
            return -1;
        }

    /* scheme "://" */
    size_t s = 0;
    if (s_is_alpha(url[0]))
        while (s_is_alpha(url[s]) || s_is_digit(url[s]) || url[s] == '+' || url[s] == '-'
               || url[s] == '.')
            s++;
    if (s == 0 || url[s] != ':') {
        s_invalid(err, errlen, url, "no scheme and '://'");
        return -1;
    }
    if (s == 4 && strncasecmp(url, "http", 4) == 0)
        out->tls = false;
    else if (s == 5 && strncasecmp(url, "https", 5) == 0)
        out->tls = true;
    else {
        s_refuse(err, errlen, url, "is not an http or https URL");
        return -1;
    }
    if (url[s + 1] != '/' || url[s + 2] != '/') {
        s_invalid(err, errlen, url, "no '//' after '%.*s:'", (int) s, url);
        return -1;
    }

    /* authority: up to the path, query or fragment */
    const char *auth = url + s + 3;
    const size_t alen = strcspn(auth, "/?#");
    const char *rest = auth + alen;
    for (const char *b = url; b < rest; b++)
        if ((unsigned char) *b > 0x7e) {
            s_invalid(err, errlen, url, "byte 0x%02x at offset %zu, before the path",
                      (unsigned) (unsigned char) *b, (size_t) (b - url));
            return -1;
        }
    const char *host = auth;
    for (size_t i = alen; i > 0; i--)
        if (auth[i - 1] == '@') {
            host = auth + i;
            break;
        }
    const size_t hplen = alen - (size_t) (host - auth); /* host [":" port] */
    if (host > auth && s_userinfo(url, auth, (size_t) (host - auth - 1), out, err, errlen) != 0)
        return -1;

    size_t hlen; /* host as written, brackets included */
    if (hplen > 0 && host[0] == '[') {
        const char *close = memchr(host, ']', hplen);
        if (!close) {
            s_invalid(err, errlen, url, "no ']' after the IPv6 address");
            return -1;
        }
        hlen = (size_t) (close - host) + 1;
        if (hlen < hplen && host[hlen] != ':') {
            s_invalid(err, errlen, url, "'%c' after the IPv6 address", host[hlen]);
            return -1;
        }
    }
    else {
        const char *colon = memchr(host, ':', hplen);
        hlen = colon ? (size_t) (colon - host) : hplen;
    }
    if (hlen == 0) {
        s_refuse(err, errlen, url, "names no host");
        return -1;
    }
    if (s_host(url, host, hlen, out, err, errlen) != 0)
        return -1;
    const size_t plen = hlen < hplen ? hplen - hlen - 1 : 0;
    const long port = s_port(url, host + hlen + 1, plen, err, errlen);
    if (port < 0)
        return -1;
    const uint16_t fallback = out->tls ? 443 : 80;
    out->port = port > 0 ? (uint16_t) port : fallback;
    if (out->port != fallback)
        snprintf(out->authority + hlen, sizeof out->authority - hlen, ":%u", (unsigned) out->port);

    /* target: path and query as written, bytes from 0x80 percent-encoded
       (as libcurl sent them), "/" for an empty path; fits: at most 3 bytes
       for each of fewer than ALERT_URL_MAX */
    static const char hex[] = "0123456789ABCDEF";
    const size_t tlen = strcspn(rest, "#");
    size_t t = 0;
    if (rest[0] != '/')
        out->target[t++] = '/';
    for (size_t i = 0; i < tlen; i++) {
        const unsigned char b = (unsigned char) rest[i];
        if (b > 0x7e) {
            out->target[t++] = '%';
            out->target[t++] = hex[b >> 4];
            out->target[t++] = hex[b & 0xf];
        }
        else
            out->target[t++] = (char) b;
    }
    out->target[t] = '\0';
    return 0;
}

int
hookurl_parse(const char *url, hookurl_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const int rc = s_parse(url, out, err, errlen);
    if (rc != 0)
        sodium_memzero(out, sizeof *out); /* no half-filled result, no credentials */
    return rc;
}

/* Returns whether the address text[0..n) ("10.0.0.0/8", "::1", "fd00::/8")
   holds the address `addr` of family af (AF_INET: 4 bytes, AF_INET6: 16). */
static bool
s_cidr_holds(const char *text, size_t n, int af, const unsigned char *addr)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, text, n);
    buf[n] = '\0';
    const int bytes = af == AF_INET ? 4 : 16;
    long bits = bytes * 8;
    char *slash = strchr(buf, '/');
    if (slash) {
        char *end = NULL;
        *slash = '\0';
        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || bits < 0 || bits > bytes * 8)
            return false;
    }
    unsigned char net[16];
    if (inet_pton(af, buf, net) != 1)
        return false;
    const int whole = (int) bits / 8, rest = (int) bits % 8;
    if (memcmp(net, addr, (size_t) whole) != 0)
        return false;
    const unsigned char mask = (unsigned char) (0xff << (8 - rest));
    return rest == 0 || (net[whole] & mask) == (addr[whole] & mask);
}

bool
hookurl_no_proxy(const char *no_proxy, const char *host)
{
    const char *list = no_proxy ? no_proxy : "";
    list += strspn(list, " \t");
    if (list[0] == '*' && list[1 + strspn(list + 1, " \t")] == '\0')
        return true; /* "*" alone: every host */
    unsigned char addr[16];
    const int af = inet_pton(AF_INET, host, addr) == 1    ? AF_INET
                   : inet_pton(AF_INET6, host, addr) == 1 ? AF_INET6
                                                          : 0;
    const size_t hlen = strlen(host);
    for (const char *p = list; *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        const char *entry = p;
        p += n;
        if (n > 0 && entry[0] == '[') { /* "[::1]" or "[::1]:8080" */
            const char *close = memchr(entry, ']', n);
            if (!close)
                continue;
            entry++;
            n = (size_t) (close - entry);
        }
        else {
            const char *colon = memchr(entry, ':', n);
            if (colon && !memchr(colon + 1, ':', n - (size_t) (colon + 1 - entry)))
                n = (size_t) (colon - entry); /* a name or IPv4 with ":port" */
        }
        if (af) { /* an address: the same address, or inside a CIDR block */
            if (n > 0 && s_cidr_holds(entry, n, af, addr))
                return true;
            continue;
        }
        while (n > 0 && entry[0] == '.') {
            entry++;
            n--;
        }
        while (n > 0 && entry[n - 1] == '.')
            n--;
        if (n == 0 || n > hlen)
            continue;
        if (strncasecmp(host + hlen - n, entry, n) == 0 && (n == hlen || host[hlen - n - 1] == '.'))
            return true;
    }
    return false;
}
