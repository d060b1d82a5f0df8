/* Raw libzmq DEALER/ROUTER echo: the physical floor for the zerorpc transport.
 *
 *   raw_pingpong server [ENDPOINT]          ROUTER echo (default tcp://127.0.0.1:*),
 *                                           prints "READY <endpoint>"
 *   raw_pingpong client ENDPOINT [options]  DEALER against a running server
 *   raw_pingpong bench [options]            forks a server, runs the client, stops it
 *
 * options: --calls N (sequential round trips, default 20000)
 *          --messages N (pipelined messages, default 200000)
 *          --window N (messages in flight, default 64)
 *          --size N (payload bytes, default 64; framing is ["", payload] like zerorpc)
 *
 * Prints one JSON line with sequential round trips/s (+ p50/p99 latency) and pipelined
 * messages/s. */
#include "bench_common.h"

static void serve(const char *endpoint, int ready_fd) {
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    char bound[256];
    bind_and_report(router, endpoint, bound, sizeof bound);
    announce(ready_fd, bound);

    zmq_msg_t part;
    zmq_msg_init(&part);
    for (;;) {
        /* Echo every frame of a message back as it came: identity, delimiter, payload. */
        int more;
        do {
            if (zmq_msg_recv(&part, router, 0) < 0) {
                if (zmq_errno() == EINTR) continue;
                die("zmq_msg_recv");
            }
            more = zmq_msg_more(&part);
            if (zmq_msg_send(&part, router, more ? ZMQ_SNDMORE : 0) < 0) die("zmq_msg_send");
        } while (more);
    }
}

struct options {
    long calls, messages, window, size;
};

static void send_payload(void *dealer, const char *payload, size_t size) {
    if (zmq_send(dealer, "", 0, ZMQ_SNDMORE) < 0) die("zmq_send");
    if (zmq_send(dealer, payload, size, 0) < 0) die("zmq_send");
}

static void recv_payload(void *dealer, char *buffer, size_t size) {
    int more = 1;
    while (more) {
        int n = zmq_recv(dealer, buffer, size, 0);
        if (n < 0) die("zmq_recv");
        size_t more_len = sizeof more;
        zmq_getsockopt(dealer, ZMQ_RCVMORE, &more, &more_len);
    }
}

static void run_client(const char *endpoint, struct options o, const char *mode) {
    void *ctx = zmq_ctx_new();
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(dealer, endpoint) != 0) die("zmq_connect");

    char *payload = malloc((size_t)o.size + 1);
    char *buffer = malloc((size_t)o.size + 64);
    memset(payload, 'x', (size_t)o.size);
    uint64_t *samples = malloc(sizeof(uint64_t) * (size_t)o.calls);

    for (long i = 0; i < 1000; i++) { /* warm-up: connection, caches */
        send_payload(dealer, payload, (size_t)o.size);
        recv_payload(dealer, buffer, (size_t)o.size + 64);
    }

    uint64_t start = now_ns();
    for (long i = 0; i < o.calls; i++) {
        uint64_t t0 = now_ns();
        send_payload(dealer, payload, (size_t)o.size);
        recv_payload(dealer, buffer, (size_t)o.size + 64);
        samples[i] = now_ns() - t0;
    }
    double seq_seconds = (double)(now_ns() - start) / 1e9;
    qsort(samples, (size_t)o.calls, sizeof(uint64_t), compare_u64);

    long sent = 0, received = 0;
    start = now_ns();
    while (sent < o.window && sent < o.messages) {
        send_payload(dealer, payload, (size_t)o.size);
        sent++;
    }
    while (received < o.messages) {
        recv_payload(dealer, buffer, (size_t)o.size + 64);
        received++;
        if (sent < o.messages) {
            send_payload(dealer, payload, (size_t)o.size);
            sent++;
        }
    }
    double pipe_seconds = (double)(now_ns() - start) / 1e9;

    printf("{\"baseline\":\"raw_pingpong\",\"mode\":\"%s\",\"transport\":\"tcp-loopback\","
           "\"payload_bytes\":%ld,\"sequential_calls\":%ld,\"sequential_per_s\":%.0f,"
           "\"sequential_p50_us\":%.1f,\"sequential_p99_us\":%.1f,"
           "\"pipelined_messages\":%ld,\"window\":%ld,\"pipelined_per_s\":%.0f}\n",
           mode, o.size, o.calls, (double)o.calls / seq_seconds,
           percentile_us(samples, (size_t)o.calls, 0.50),
           percentile_us(samples, (size_t)o.calls, 0.99), o.messages, o.window,
           (double)o.messages / pipe_seconds);
    fflush(stdout);
    free(samples);
    free(buffer);
    free(payload);
    zmq_close(dealer);
    zmq_ctx_term(ctx);
}

static void usage(void) {
    fprintf(stderr, "usage: raw_pingpong server [ENDPOINT] | client ENDPOINT [opts] | bench [opts]\n"
                    "opts: --calls N --messages N --window N --size N\n");
    exit(64);
}

static struct options parse_options(int argc, char **argv, int first) {
    struct options o = {20000, 200000, 64, 64};
    for (int i = first; i < argc; i++) {
        if (i + 1 >= argc) usage();
        long v = strtol(argv[i + 1], NULL, 10);
        if (v <= 0) usage();
        if (!strcmp(argv[i], "--calls")) o.calls = v;
        else if (!strcmp(argv[i], "--messages")) o.messages = v;
        else if (!strcmp(argv[i], "--window")) o.window = v;
        else if (!strcmp(argv[i], "--size")) o.size = v;
        else usage();
        i++;
    }
    return o;
}

int main(int argc, char **argv) {
    reset_signals();
    if (argc < 2) usage();
    if (!strcmp(argv[1], "server")) {
        serve(argc > 2 ? argv[2] : "tcp://127.0.0.1:*", -1);
    } else if (!strcmp(argv[1], "client")) {
        if (argc < 3) usage();
        run_client(argv[2], parse_options(argc, argv, 3), "client");
    } else if (!strcmp(argv[1], "bench")) {
        struct options o = parse_options(argc, argv, 2);
        char endpoint[256];
        pid_t pid = fork_server(serve, endpoint, sizeof endpoint);
        run_client(endpoint, o, "bench");
        stop_server(pid);
    } else {
        usage();
    }
    return 0;
}
