/*  webhook: the pure parts of webhook delivery -- Standard Webhooks
    signatures, secrets, URL checks, and the retry policy -- kept apart from
    the delivery thread so unit tests can pin each rule.

    Signing (https://www.standardwebhooks.com): the signed content is
    "<webhook-id>.<webhook-timestamp>.<body>", the key is the base64 part of
    the subscription's "whsec_..." secret, and the header value is
    "v1,<base64 of HMAC-SHA256>". libsodium does the HMAC and base64.

    Retry policy: 2xx is delivered; 410 Gone ends the subscription;
    transport errors (refused, reset, timeout), 408, 425, 429 and 5xx are
    retried after an exponential back-off with equal jitter (half the delay
    fixed, half random), never sooner than the response's Retry-After;
    anything else (3xx -- redirects are not followed --, other 4xx) cannot
    be fixed by retrying and goes to the dead-letter list at once, as does
    a delivery whose last allowed attempt failed. */
#ifndef RATIFY_WEBHOOK_H
#define RATIFY_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_SECRET_PREFIX        "whsec_"
#define WEBHOOK_SECRET_BYTES         32 /* key length of generated secrets */
#define WEBHOOK_KEY_MIN_BYTES        24 /* Standard Webhooks: 24 to 64 bytes */
#define WEBHOOK_KEY_MAX_BYTES        64
#define WEBHOOK_SIGNATURE_MAX        64                   /* "v1," + 44 base64 characters + NUL */
#define WEBHOOK_RETRY_AFTER_MAX_MSEC (24LL * 3600 * 1000) /* a longer Retry-After is cut */

/* Delivery settings, from the environment (defaults in brackets):
   RATIFY_WEBHOOK_TIMEOUT_MS [5000] per attempt, connection included;
   RATIFY_WEBHOOK_ATTEMPTS [8] before the dead-letter list;
   RATIFY_WEBHOOK_BACKOFF_MS [10000] delay after the first failure, doubled
   after each further one, up to RATIFY_WEBHOOK_BACKOFF_MAX_MS [3600000]. */
typedef struct {
    int64_t timeout_ms;
    int64_t attempts;
    int64_t backoff_ms;
    int64_t backoff_max_ms;
} webhook_policy_t;

/* Fills *p from the environment. Returns 0, or -1 with the offending
   variable named in err (not a positive integer, or out of range). */
int webhook_policy_from_env(webhook_policy_t *p, char *err, size_t errlen);

/* Checks a subscription secret: "whsec_" + base64 of 24 to 64 bytes.
   Returns 0, or -1 with a reason in err. */
int webhook_secret_check(const char *secret, char *err, size_t errlen);

/* Writes a new random secret ("whsec_" + base64 of WEBHOOK_SECRET_BYTES
   bytes) into buf. Returns 0, or -1 when cap is too small. */
int webhook_secret_generate(char *buf, size_t cap);

/* Writes the webhook-signature header value "v1,<base64>" for one message
   into out (WEBHOOK_SIGNATURE_MAX bytes). Returns 0, or -1 when the secret
   is malformed. Pure. */
int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const void *body,
                 size_t size, char out[WEBHOOK_SIGNATURE_MAX]);

/* Checks a subscription URL as the delivery will read it (hookurl.h):
   http or https, a host, at most ALERT_URL_MAX - 1 bytes. Returns 0, or
   -1 with a reason when the URL is bad (or memory is short). */
int webhook_url_check(const char *url, char *err, size_t errlen);

typedef enum {
    WEBHOOK_DELIVERED = 0, /* 2xx */
    WEBHOOK_RETRY,         /* try again after the back-off */
    WEBHOOK_DEAD,          /* give up: the dead-letter list */
    WEBHOOK_GONE,          /* 410: the subscription ends */
} webhook_outcome_t;

/* Returns the outcome of one attempt: transport_ok false for a transfer
   that failed (no HTTP status), else by http_code; an outcome of RETRY
   becomes DEAD when `attempts` (made so far, this one included) reached
   the policy's limit. Pure. */
webhook_outcome_t webhook_classify(const webhook_policy_t *p, bool transport_ok, long http_code,
                                   int64_t attempts);

/* Returns "delivered", "retry", "dead" or "gone". Static string. */
const char *webhook_outcome_name(webhook_outcome_t outcome);

/* Returns the delay before the next attempt after `attempts` failed ones
   (>= 1): backoff * 2^(attempts-1) capped at backoff_max, of which the
   upper half is scaled by random/UINT32_MAX; then at least retry_after_ms
   (< 0: none), itself capped at WEBHOOK_RETRY_AFTER_MAX_MSEC. Pure. */
int64_t webhook_backoff_ms(const webhook_policy_t *p, int64_t attempts, int64_t retry_after_ms,
                           uint32_t random);

#endif
