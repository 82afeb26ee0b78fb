/*  config: environment lookups with defaults. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
    const char *name;
    const char *fallback;
} s_keys[CONFIG_KEY_COUNT] = {
    [CONFIG_REGISTRY_API] = {"RATIFY_REGISTRY_API", "tcp://127.0.0.1:7101"},
    [CONFIG_REGISTRY_EVENTS] = {"RATIFY_REGISTRY_EVENTS", "tcp://127.0.0.1:7102"},
    [CONFIG_THRESHOLD_API] = {"RATIFY_THRESHOLD_API", "tcp://127.0.0.1:7103"},
    [CONFIG_THRESHOLD_EVENTS] = {"RATIFY_THRESHOLD_EVENTS", "tcp://127.0.0.1:7104"},
    [CONFIG_NOTIFIER_API] = {"RATIFY_NOTIFIER_API", "tcp://127.0.0.1:7105"},
    [CONFIG_NOTIFIER_ALERTS] = {"RATIFY_NOTIFIER_ALERTS", "tcp://127.0.0.1:7106"},
    [CONFIG_REPORTER_API] = {"RATIFY_REPORTER_API", "tcp://127.0.0.1:7107"},
    [CONFIG_REPORTER_HTTP] = {"RATIFY_REPORTER_HTTP", "127.0.0.1:8080"},
    [CONFIG_DATA_DIR] = {"RATIFY_DATA_DIR", "./var"},
    [CONFIG_TODAY] = {"RATIFY_TODAY", NULL},
    [CONFIG_CATALOG] = {"RATIFY_CATALOG", NULL},
};

const char *
config_get(config_key_t key)
{
    if (key < 0 || key >= CONFIG_KEY_COUNT)
        return NULL;
    const char *value = getenv(s_keys[key].name);
    return value && *value ? value : s_keys[key].fallback;
}

const char *
config_name(config_key_t key)
{
    return key >= 0 && key < CONFIG_KEY_COUNT ? s_keys[key].name : "";
}

const char *
config_default(config_key_t key)
{
    return key >= 0 && key < CONFIG_KEY_COUNT ? s_keys[key].fallback : NULL;
}

/* Returns whether value is tcp://HOST:PORT or ipc://PATH. */
static bool
s_endpoint_ok(const char *value)
{
    if (strncmp(value, "ipc://", 6) == 0)
        return value[6] != '\0';
    if (strncmp(value, "tcp://", 6) != 0)
        return false;
    const char *host = value + 6;
    const char *colon = strrchr(host, ':');
    if (!colon || colon == host || colon[1] == '\0')
        return false;
    long port = 0;
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9' || port > 65535)
            return false;
        port = port * 10 + (*p - '0');
    }
    return port >= 1 && port <= 65535;
}

int
config_check_endpoints(char *err, size_t errlen)
{
    static const config_key_t endpoints[] = {
        CONFIG_REGISTRY_API, CONFIG_REGISTRY_EVENTS, CONFIG_THRESHOLD_API, CONFIG_THRESHOLD_EVENTS,
        CONFIG_NOTIFIER_API, CONFIG_NOTIFIER_ALERTS, CONFIG_REPORTER_API,
    };
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
        const config_key_t key = endpoints[i];
        const char *value = config_get(key);
        if (!s_endpoint_ok(value)) {
            snprintf(err, errlen,
                     "%s=%s is not a ZeroMQ endpoint: write tcp://HOST:PORT (as its default, %s) "
                     "or ipc://PATH",
                     config_name(key), value, config_default(key));
            return -1;
        }
    }
    return 0;
}

rdate_t
config_today(void)
{
    const char *today = config_get(CONFIG_TODAY);
    if (!today)
        return rdate_today_utc();
    rdate_t date;
    return rdate_parse(today, &date) == 0 ? date : RDATE_NONE;
}

int
config_data_path(const char *file, char *buf, size_t cap)
{
    const char *dir = config_get(CONFIG_DATA_DIR);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return -1;
    const int n = snprintf(buf, cap, "%s/%s", dir, file);
    if (n < 0 || (size_t) n >= cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}
