/* Raw libzmq PUSH/PULL: the floor for the one-way event patterns (issue 18).
 *
 *   raw_pushpull bench [options]   forks a PUSH process that binds, connects a PULL,
 *                                   and times the messages it receives
 *
 * options: --messages N (timed messages, default 1000000)
 *          --size N (payload bytes, default 80: about a zerorpc event of two small args)
 *
 * The pusher sends 10,000 warm-up messages, then the timed ones, one frame each as a
 * zerorpc Pusher does; the puller's clock runs from the first timed message to the
 * last. Prints one JSON line with messages/s. */
#include "bench_common.h"

#define WARMUP 10000L

struct options {
    long messages, size;
};

static struct options parsed;

static void push(const char *endpoint, int ready_fd) {
    void *ctx = zmq_ctx_new();
    void *pusher = zmq_socket(ctx, ZMQ_PUSH);
    char bound[256];
    bind_and_report(pusher, endpoint, bound, sizeof bound);
    announce(ready_fd, bound);

    char *payload = malloc((size_t)parsed.size);
    memset(payload, 'x', (size_t)parsed.size);
    for (long i = 0; i < WARMUP + parsed.messages; i++) {
        /* Blocking sends: ZeroMQ's high-water mark paces the pusher to the puller. */
        while (zmq_send(pusher, payload, (size_t)parsed.size, 0) < 0) {
            if (zmq_errno() != EINTR) die("zmq_send");
        }
    }
    for (;;) pause(); /* the parent stops us once it has everything */
}

static void run_puller(const char *endpoint) {
    void *ctx = zmq_ctx_new();
    void *puller = zmq_socket(ctx, ZMQ_PULL);
    int linger = 0;
    zmq_setsockopt(puller, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(puller, endpoint) != 0) die("zmq_connect");

    size_t capacity = (size_t)parsed.size + 64;
    char *buffer = malloc(capacity);
    for (long i = 0; i < WARMUP; i++) {
        if (zmq_recv(puller, buffer, capacity, 0) < 0) die("zmq_recv");
    }
    uint64_t start = 0;
    for (long i = 0; i < parsed.messages; i++) {
        if (zmq_recv(puller, buffer, capacity, 0) < 0) die("zmq_recv");
        if (i == 0) start = now_ns();
    }
    double seconds = (double)(now_ns() - start) / 1e9;
    /* The first timed message starts the clock, so messages - 1 intervals were timed. */
    printf("{\"baseline\":\"raw_pushpull\",\"transport\":\"tcp-loopback\",\"payload_bytes\":%ld,"
           "\"messages\":%ld,\"per_s\":%.0f}\n",
           parsed.size, parsed.messages, (double)(parsed.messages - 1) / seconds);
    fflush(stdout);
    free(buffer);
    zmq_close(puller);
    zmq_ctx_term(ctx);
}

static void usage(void) {
    fprintf(stderr, "usage: raw_pushpull bench [--messages N] [--size N]\n");
    exit(64);
}

int main(int argc, char **argv) {
    reset_signals();
    if (argc < 2 || strcmp(argv[1], "bench") != 0) usage();
    parsed = (struct options){1000000, 80};
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc) usage();
        long v = strtol(argv[i + 1], NULL, 10);
        if (v <= 1) usage();
        if (!strcmp(argv[i], "--messages")) parsed.messages = v;
        else if (!strcmp(argv[i], "--size")) parsed.size = v;
        else usage();
    }
    char endpoint[256];
    pid_t pid = fork_server(push, endpoint, sizeof endpoint);
    run_puller(endpoint);
    stop_server(pid);
    return 0;
}
