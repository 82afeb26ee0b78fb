/*  ratify-rawsend: sends arbitrary frames to a service's API socket, for
    tests that feed services garbage.

    Usage: ratify-rawsend [--no-delimiter] [--timeout MS] [--big N] ENDPOINT HEX...
    Each HEX argument is one frame ("" is an empty frame). An empty
    delimiter frame is sent first unless --no-delimiter. Prints the reply
    body as JSON (or its hex when it does not parse) and exits 0, or exits 3
    when no reply came within the timeout. */
#include "msg.h"
#include "sock.h"
#include "wirejson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
s_unhex(const char *hex, uint8_t **out, size_t *len)
{
    const size_t n = strlen(hex);
    if (n % 2)
        return -1;
    *out = malloc(n / 2 + 1);
    if (!*out)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            free(*out);
            return -1;
        }
        (*out)[i] = (uint8_t) v;
    }
    *len = n / 2;
    return 0;
}

int
main(int argc, char **argv)
{
    int i = 1, timeout = 3000;
    int delimiter = 1;
    size_t big = 0; /* --big N: one more frame of N bytes, for size limits */
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--no-delimiter") == 0)
            delimiter = 0;
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout = atoi(argv[++i]);
        else if (strcmp(argv[i], "--big") == 0 && i + 1 < argc)
            big = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr,
                    "usage: ratify-rawsend [--no-delimiter] [--timeout MS] ENDPOINT HEX...\n");
            return 2;
        }
    }
    if (argc - i < (big ? 1 : 2)) {
        fprintf(stderr, "usage: ratify-rawsend [--no-delimiter] [--timeout MS] ENDPOINT HEX...\n");
        return 2;
    }
    sock_init();
    zsock_t *dealer = sock_new_client(ZMQ_DEALER, argv[i++], NULL);
    if (!dealer)
        return 4;
    zmsg_t *zm = zmsg_new();
    if (delimiter)
        zmsg_addmem(zm, "", 0);
    for (; i < argc; i++) {
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (s_unhex(argv[i], &bytes, &len) != 0) {
            fprintf(stderr, "ratify-rawsend: '%s' is not hex\n", argv[i]);
            zmsg_destroy(&zm);
            zsock_destroy(&dealer);
            return 2;
        }
        zmsg_addmem(zm, bytes, len);
        free(bytes);
    }
    if (big) {
        uint8_t *bytes = calloc(1, big);
        if (bytes)
            zmsg_addmem(zm, bytes, big);
        free(bytes);
    }
    zmsg_send(&zm, dealer);
    zpoller_t *poller = zpoller_new(dealer, NULL);
    int rc = 3;
    if (zpoller_wait(poller, timeout) == dealer) {
        zmsg_t *reply = zmsg_recv(dealer);
        zframe_t *body = zmsg_last(reply);
        wire_err_t err;
        msg_in_t *in = body ? msg_in_parse(zframe_data(body), zframe_size(body), &err) : NULL;
        json_t *j = in ? wirejson_from_msgpack(msg_in_root(in)) : NULL;
        if (j) {
            json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
            putchar('\n');
        }
        else
            printf("unparsable reply of %zu frames\n", zmsg_size(reply));
        json_decref(j);
        msg_in_destroy(&in);
        zmsg_destroy(&reply);
        rc = 0;
    }
    else
        printf("no reply\n");
    zpoller_destroy(&poller);
    zsock_set_linger(dealer, 0);
    zsock_destroy(&dealer);
    return rc;
}
