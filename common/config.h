/*  config: every setting comes from the environment, with a default on
    127.0.0.1, and services and ratifyctl read the same variables, so one
    exported set points everything at one deployment.

    | variable                | default                 |
    | RATIFY_REGISTRY_API     | tcp://127.0.0.1:7101    |
    | RATIFY_REGISTRY_EVENTS  | tcp://127.0.0.1:7102    |
    | RATIFY_THRESHOLD_API    | tcp://127.0.0.1:7103    |
    | RATIFY_THRESHOLD_EVENTS | tcp://127.0.0.1:7104    |
    | RATIFY_NOTIFIER_API     | tcp://127.0.0.1:7105    |
    | RATIFY_NOTIFIER_ALERTS  | tcp://127.0.0.1:7106    |
    | RATIFY_REPORTER_API     | tcp://127.0.0.1:7107    |
    | RATIFY_REPORTER_HTTP    | 127.0.0.1:8080          |
    | RATIFY_DATA_DIR         | ./var                   |
    | RATIFY_TODAY            | (the UTC clock)         |
    | RATIFY_CATALOG          | (the shipped catalog)   | */
#ifndef RATIFY_CONFIG_H
#define RATIFY_CONFIG_H

#include "rdate.h"

typedef enum {
    CONFIG_REGISTRY_API = 0,
    CONFIG_REGISTRY_EVENTS,
    CONFIG_THRESHOLD_API,
    CONFIG_THRESHOLD_EVENTS,
    CONFIG_NOTIFIER_API,
    CONFIG_NOTIFIER_ALERTS,
    CONFIG_REPORTER_API,
    CONFIG_REPORTER_HTTP,
    CONFIG_DATA_DIR,
    CONFIG_TODAY,
    CONFIG_CATALOG,
    CONFIG_KEY_COUNT
} config_key_t;

/* Returns the value of a setting: the environment variable when set and
   non-empty, else the default (NULL for RATIFY_TODAY and RATIFY_CATALOG).
   The string belongs to the environment or is static: do not free. */
const char *config_get(config_key_t key);

/* Returns the environment variable name of a setting ("RATIFY_DATA_DIR").
   Static string. */
const char *config_name(config_key_t key);

/* Returns the default of a setting, or NULL. Static string. */
const char *config_default(config_key_t key);

/* Returns today's date: RATIFY_TODAY when set (YYYY-MM-DD), else the UTC
   clock. A malformed RATIFY_TODAY returns RDATE_NONE; services check this
   at start-up and refuse to run. */
rdate_t config_today(void);

/* Checks the ZeroMQ endpoint settings (every RATIFY_*_API, _EVENTS and
   _ALERTS) that are set: each must be tcp://HOST:PORT (port 1-65535) or
   ipc://PATH. Returns 0, or -1 with a reason naming the variable, its
   value and the form to write in err ("RATIFY_REGISTRY_API=127.0.0.1:7101
   is not a ZeroMQ endpoint: ..."). RATIFY_REPORTER_HTTP is host:port and
   checked by the reporter. */
int config_check_endpoints(char *err, size_t errlen);

/* Builds "<RATIFY_DATA_DIR>/<file>" into buf (cap bytes), creating the
   directory when missing. Returns 0, or -1 (errno set) when the path does
   not fit or the directory cannot be created. */
int config_data_path(const char *file, char *buf, size_t cap);

#endif
