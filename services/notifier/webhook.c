/*  webhook: signatures (libsodium), URL checks (hookurl.h) and the retry
    arithmetic. Nothing here does I/O. */
#include "webhook.h"

#include "alert.h"
#include "hookurl.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int64_t fallback, min, max;
    size_t offset;
} s_settings[] = {
    {"RATIFY_WEBHOOK_TIMEOUT_MS", 5000, 100, 600000, offsetof(webhook_policy_t, timeout_ms)},
    {"RATIFY_WEBHOOK_ATTEMPTS", 8, 1, 100, offsetof(webhook_policy_t, attempts)},
    {"RATIFY_WEBHOOK_BACKOFF_MS", 10000, 1, 86400000, offsetof(webhook_policy_t, backoff_ms)},
    {"RATIFY_WEBHOOK_BACKOFF_MAX_MS", 3600000, 1, 7 * 86400000LL,
     offsetof(webhook_policy_t, backoff_max_ms)},
};

int
webhook_policy_from_env(webhook_policy_t *p, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof s_settings / sizeof s_settings[0]; i++) {
        int64_t *field = (int64_t *) ((char *) p + s_settings[i].offset);
        *field = s_settings[i].fallback;
        const char *text = getenv(s_settings[i].name);
        if (!text || !*text)
            continue;
        char *end = NULL;
        errno = 0;
        const long long v = strtoll(text, &end, 10);
        if (errno || end == text || *end || v < s_settings[i].min || v > s_settings[i].max) {
            snprintf(err, errlen, "%s=%s is not an integer from %lld to %lld", s_settings[i].name,
                     text, (long long) s_settings[i].min, (long long) s_settings[i].max);
            return -1;
        }
        *field = v;
    }
    if (p->backoff_max_ms < p->backoff_ms)
        p->backoff_max_ms = p->backoff_ms;
    return 0;
}

/* Decodes the secret's key. Returns its length, or -1. */
static int
s_key(const char *secret, unsigned char key[WEBHOOK_KEY_MAX_BYTES])
{
    const size_t plen = strlen(WEBHOOK_SECRET_PREFIX);
    if (!secret || strncmp(secret, WEBHOOK_SECRET_PREFIX, plen) != 0)
        return -1;
    const char *b64 = secret + plen;
    size_t len = 0;
    const char *end = NULL;
    if (sodium_base642bin(key, WEBHOOK_KEY_MAX_BYTES, b64, strlen(b64), NULL, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL)
            != 0
        || *end != '\0' || len < WEBHOOK_KEY_MIN_BYTES)
        return -1;
    return (int) len;
}

int
webhook_secret_check(const char *secret, char *err, size_t errlen)
{
    unsigned char key[WEBHOOK_KEY_MAX_BYTES];
    const int n = s_key(secret, key);
    sodium_memzero(key, sizeof key);
    if (n < 0) {
        snprintf(err, errlen,
                 "a secret is \"%s\" followed by the base64 of %d to %d random bytes "
                 "(omit it to have one generated)",
                 WEBHOOK_SECRET_PREFIX, WEBHOOK_KEY_MIN_BYTES, WEBHOOK_KEY_MAX_BYTES);
        return -1;
    }
    return 0;
}

int
webhook_secret_generate(char *buf, size_t cap)
{
    const size_t plen = strlen(WEBHOOK_SECRET_PREFIX);
    const size_t need =
        plen + sodium_base64_ENCODED_LEN(WEBHOOK_SECRET_BYTES, sodium_base64_VARIANT_ORIGINAL);
    if (cap < need || sodium_init() < 0)
        return -1;
    unsigned char key[WEBHOOK_SECRET_BYTES];
    randombytes_buf(key, sizeof key);
    memcpy(buf, WEBHOOK_SECRET_PREFIX, plen);
    sodium_bin2base64(buf + plen, cap - plen, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(key, sizeof key);
    return 0;
}

int
webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const void *body,
             size_t size, char out[WEBHOOK_SIGNATURE_MAX])
{
    unsigned char key[WEBHOOK_KEY_MAX_BYTES];
    const int keylen = s_key(secret, key);
    if (keylen < 0)
        return -1;
    char ts[24];
    snprintf(ts, sizeof ts, "%" PRId64, timestamp);
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, key, (size_t) keylen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) msg_id, strlen(msg_id));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update(&st, body, size);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(key, sizeof key);
    sodium_memzero(&st, sizeof st);
    memcpy(out, "v1,", 3);
    sodium_bin2base64(out + 3, WEBHOOK_SIGNATURE_MAX - 3, mac, sizeof mac,
                      sodium_base64_VARIANT_ORIGINAL);
    return 0;
}

int
webhook_url_check(const char *url, char *err, size_t errlen)
{
    if (!url || !*url || strlen(url) >= ALERT_URL_MAX) {
        snprintf(err, errlen, "a URL of 1 to %d bytes is required", ALERT_URL_MAX - 1);
        return -1;
    }
    hookurl_t parsed;
    return hookurl_parse(url, &parsed, err, errlen);
}

webhook_outcome_t
webhook_classify(const webhook_policy_t *p, bool transport_ok, long code, int64_t attempts)
{
    webhook_outcome_t o;
    if (!transport_ok)
        o = WEBHOOK_RETRY;
    else if (code >= 200 && code <= 299)
        return WEBHOOK_DELIVERED;
    else if (code == 410)
        return WEBHOOK_GONE;
    else if (code == 408 || code == 425 || code == 429 || (code >= 500 && code <= 599))
        o = WEBHOOK_RETRY;
    else
        return WEBHOOK_DEAD;
    return attempts >= p->attempts ? WEBHOOK_DEAD : o;
}

const char *
webhook_outcome_name(webhook_outcome_t o)
{
    switch (o) {
    case WEBHOOK_DELIVERED:
        return "delivered";
    case WEBHOOK_RETRY:
        return "retry";
    case WEBHOOK_DEAD:
        return "dead";
    case WEBHOOK_GONE:
        return "gone";
    }
    return "";
}

int64_t
webhook_backoff_ms(const webhook_policy_t *p, int64_t attempts, int64_t retry_after_ms,
                   uint32_t random)
{
    int64_t delay = p->backoff_ms;
    for (int64_t i = 1; i < attempts && delay < p->backoff_max_ms; i++)
        delay *= 2;
    if (delay > p->backoff_max_ms)
        delay = p->backoff_max_ms;
    const int64_t half = delay / 2;
    delay = delay - half + (int64_t) ((double) half * ((double) random / (double) UINT32_MAX));
    if (retry_after_ms > WEBHOOK_RETRY_AFTER_MAX_MSEC)
        retry_after_ms = WEBHOOK_RETRY_AFTER_MAX_MSEC;
    return retry_after_ms > delay ? retry_after_ms : delay;
}
