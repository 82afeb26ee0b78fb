/*  hookurl: a webhook subscription's URL, taken apart for the delivery
    client (httpc.h). Pure: no I/O, no allocation.

    Accepted: "http" or "https" (any case) + "://" + authority + an optional
    path, query and fragment (RFC 3986 section 3), every byte printable
    ASCII (0x21-0x7e), except that the path and query may hold bytes from
    0x80 (UTF-8, as browsers and libcurl take them), sent percent-encoded.
    The authority is
    [userinfo "@"] host [":" port]: the host a name or IPv4 address
    (letters, digits, "-", ".", "_" and "~"; no percent escapes), or
    an IPv6 address in brackets (hex digits, ":" and "." only; no zone);
    the port 1 to 65535, the scheme's default (80, 443) when absent or
    empty. userinfo ("user:password", percent-decoded) is sent as HTTP
    Basic authorization, as libcurl did. The fragment is dropped. */
#ifndef RATIFY_HOOKURL_H
#define RATIFY_HOOKURL_H

#include "alert.h" /* ALERT_URL_MAX */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOOKURL_HOST_MAX 256                         /* a host name: 253 bytes, + NUL */
#define HOOKURL_AUTH_MAX (ALERT_URL_MAX / 3 * 4 + 8) /* base64 of a userinfo */

typedef struct {
    bool tls;                             /* https */
    char host[HOOKURL_HOST_MAX];          /* name or address, brackets removed: for
                                          the resolver, SNI, certificate check */
    bool host_is_ip;                      /* an IPv4 or IPv6 literal (no SNI) */
    uint16_t port;                        /* given, or 80 / 443 */
    char authority[HOOKURL_HOST_MAX + 8]; /* the Host header: host as written
                                          (IPv6 in brackets), ":port" when given
                                          and not the default */
    char target[3 * ALERT_URL_MAX];       /* path and query, "/" when the path is
                                          empty; no fragment */
    char basic_auth[HOOKURL_AUTH_MAX];    /* base64 of "user:password" decoded, or "" */
} hookurl_t;

/* Returns true when host (a name or an address, as in hookurl_t.host) is
   listed in no_proxy, the NO_PROXY form, as curl reads it: entries
   separated by commas or spaces, a ":port" on an entry ignored; a name
   matches itself and any host under it ("example.org" and ".example.org"
   both match "a.example.org"), case ignored; an address matches the same
   address or a CIDR block holding it ("10.0.0.0/8", "fd00::/8"), never by
   its text's suffix; "*" alone matches every host. Pure. */
bool hookurl_no_proxy(const char *no_proxy, const char *host);

/* Writes into out (cap bytes, cut to fit) url with the password of its
   userinfo hidden, to be shown in logs and replies: "user:***@host" for
   "user:secret@host" after the scheme, and "***@host" when the userinfo
   is one word (a token). Any other text is copied as it is. */
void hookurl_redact(const char *url, char *out, size_t cap);

/* Parses url into *out. Returns 0, or -1 with a reason in err that names
   the URL, its password hidden (hookurl_redact), e.g. "'ftp://x' is not
   an http or https URL". Pure. */
int hookurl_parse(const char *url, hookurl_t *out, char *err, size_t errlen);

#endif
