/*  test_config: the environment checks every service and ratifyctl run at
    start: ZeroMQ endpoints (config_check_endpoints) and RATIFY_LOG_LEVEL
    (log_check_env), each refusal naming the variable and the form. */
#include "check.h"
#include "config.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Checks the endpoints with RATIFY_REGISTRY_API set to value (NULL: unset). */
static int
s_check_api(const char *value, char *err, size_t errlen)
{
    if (value)
        setenv("RATIFY_REGISTRY_API", value, 1);
    else
        unsetenv("RATIFY_REGISTRY_API");
    err[0] = '\0';
    return config_check_endpoints(err, errlen);
}

static void
test_endpoints(void)
{
    char err[512];
    CHECK_INT(s_check_api(NULL, err, sizeof err), 0); /* the defaults */
    CHECK_INT(s_check_api("", err, sizeof err), 0);   /* empty: the default */
    static const char *const good[] = {
        "tcp://127.0.0.1:7101",
        "tcp://registry:1",
        "tcp://*:65535",
        "tcp://[::1]:7101",
        "ipc:///run/ratify/registry.sock",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK_INT(s_check_api(good[i], err, sizeof err), 0);
    static const char *const bad[] = {
        "127.0.0.1:7101",
        "tcp://127.0.0.1",
        "tcp://127.0.0.1:",
        "tcp://:7101",
        "tcp://127.0.0.1:0",
        "tcp://127.0.0.1:65536",
        "tcp://127.0.0.1:71o1",
        "udp://x:1",
        "ipc://",
        "tcp://127.0.0.1:99999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_INT(s_check_api(bad[i], err, sizeof err), -1);
        CHECK(strstr(err, "RATIFY_REGISTRY_API=") && strstr(err, bad[i])
              && strstr(err, "tcp://HOST:PORT") && strstr(err, "tcp://127.0.0.1:7101"));
    }
    unsetenv("RATIFY_REGISTRY_API");
    /* any endpoint setting, not only the registry's */
    setenv("RATIFY_NOTIFIER_ALERTS", "localhost:7106", 1);
    CHECK_INT(config_check_endpoints(err, sizeof err), -1);
    CHECK(strstr(err, "RATIFY_NOTIFIER_ALERTS=localhost:7106") != NULL);
    unsetenv("RATIFY_NOTIFIER_ALERTS");
    /* the reporter's HTTP address is host:port, not checked here */
    setenv("RATIFY_REPORTER_HTTP", "127.0.0.1:8080", 1);
    CHECK_INT(config_check_endpoints(err, sizeof err), 0);
    unsetenv("RATIFY_REPORTER_HTTP");
}

static void
test_log_level(void)
{
    char err[256];
    unsetenv("RATIFY_LOG_LEVEL");
    CHECK(log_check_env(err, sizeof err) == 0);
    static const char *const good[] = {"", "debug", "info", "warn", "error", "WARN"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        setenv("RATIFY_LOG_LEVEL", good[i], 1);
        CHECK(log_check_env(err, sizeof err) == 0);
    }
    static const char *const bad[] = {"loud", "warning", "0", " info"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("RATIFY_LOG_LEVEL", bad[i], 1);
        CHECK(log_check_env(err, sizeof err) != 0);
    }
    unsetenv("RATIFY_LOG_LEVEL");
}

int
main(void)
{
    test_endpoints();
    test_log_level();
    return check_report("config");
}
