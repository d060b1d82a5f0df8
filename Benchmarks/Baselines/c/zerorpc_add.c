/* zerorpc v3 `add` in C (libzmq + msgpack-c): the floor for our protocol.
 *
 *   zerorpc_add server [ENDPOINT]          ROUTER, answers add(a, b) (default
 *                                          tcp://127.0.0.1:*), prints "READY <endpoint>"
 *   zerorpc_add client ENDPOINT [--calls N] sequential add calls against any zerorpc
 *                                          server (e.g. Python server.py)
 *   zerorpc_add bench [--calls N]          forks the C server, runs the client
 *
 * Real framing: request ["", [{message_id: bin(32), v: 3}, "add", [a, b]]], reply
 * [identity…, "", [{message_id, v: 3, response_to: <request id, same type>}, "OK", [sum]]].
 * Unknown methods get ERR ["NameError", name, ""]; incoming _zpc_hb/_zpc_more (events
 * with response_to) are ignored: calls here finish long before the first heartbeat.
 * The client verifies every reply (response_to, OK, the sum) and exits 1 on a mismatch.
 * Prints one JSON line: sequential calls/s and p50/p99 latency. */
#include "zerorpc_event.h"

#define MAX_FRAMES 16
/* ---------------------------------------------------------------- server */

static void serve(const char *endpoint, int ready_fd) {
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    char bound[256];
    bind_and_report(router, endpoint, bound, sizeof bound);
    announce(ready_fd, bound);

    struct id_source ids;
    id_source_init(&ids);
    zmq_msg_t frames[MAX_FRAMES];
    for (int i = 0; i < MAX_FRAMES; i++) zmq_msg_init(&frames[i]);
    msgpack_zone zone;
    msgpack_zone_init(&zone, 2048);
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);

    for (;;) {
        int count = 0, more = 1;
        while (more) {
            zmq_msg_t *slot = &frames[count < MAX_FRAMES ? count : MAX_FRAMES - 1];
            if (zmq_msg_recv(slot, router, 0) < 0) {
                if (zmq_errno() == EINTR) continue;
                die("zmq_msg_recv");
            }
            more = zmq_msg_more(slot);
            if (count < MAX_FRAMES) count++;
        }
        if (count < 2) continue; /* a ROUTER always prepends the peer id */
        /* Routing frames: all but the last two when >2 frames, else the first one. */
        int routing = count > 2 ? count - 2 : 1;
        zmq_msg_t *payload = &frames[count - 1];

        msgpack_zone_clear(&zone);
        msgpack_object event;
        size_t offset = 0;
        if (msgpack_unpack(zmq_msg_data(payload), zmq_msg_size(payload), &offset, &zone, &event) !=
                MSGPACK_UNPACK_SUCCESS ||
            event.type != MSGPACK_OBJECT_ARRAY || event.via.array.size != 3)
            continue; /* undecodable: dropped, like Python */
        const msgpack_object *header = &event.via.array.ptr[0];
        const msgpack_object *name = &event.via.array.ptr[1];
        const msgpack_object *args = &event.via.array.ptr[2];
        const msgpack_object *message_id = map_get(header, "message_id");
        if (!message_id || map_get(header, "response_to")) continue; /* _zpc_hb, _zpc_more */

        out.size = 0;
        msgpack_pack_array(&pk, 3);
        msgpack_pack_map(&pk, 3);
        pack_str(&pk, "message_id");
        msgpack_pack_bin(&pk, ID_LEN);
        msgpack_pack_bin_body(&pk, next_id(&ids), ID_LEN);
        pack_str(&pk, "v");
        msgpack_pack_int(&pk, 3);
        pack_str(&pk, "response_to");
        msgpack_pack_object(&pk, *message_id); /* same type, same bytes */

        int64_t a, b;
        if (str_equals(name, "add") && args->type == MSGPACK_OBJECT_ARRAY &&
            args->via.array.size == 2 && as_int64(&args->via.array.ptr[0], &a) &&
            as_int64(&args->via.array.ptr[1], &b)) {
            pack_str(&pk, "OK");
            msgpack_pack_array(&pk, 1);
            msgpack_pack_int64(&pk, (int64_t)((uint64_t)a + (uint64_t)b)); /* wraps, no UB */
        } else {
            pack_str(&pk, "ERR");
            msgpack_pack_array(&pk, 3);
            if (str_equals(name, "add")) {
                pack_str(&pk, "TypeError");
                pack_str(&pk, "add(a, b) takes two integers");
            } else {
                pack_str(&pk, "NameError");
                msgpack_pack_object(&pk, *name);
            }
            pack_str(&pk, "");
        }

        for (int i = 0; i < routing; i++)
            if (zmq_msg_send(&frames[i], router, ZMQ_SNDMORE) < 0) die("zmq_msg_send");
        if (zmq_send(router, "", 0, ZMQ_SNDMORE) < 0) die("zmq_send");
        if (zmq_send(router, out.data, out.size, 0) < 0) die("zmq_send");
    }
}

/* ---------------------------------------------------------------- client */

static void run_client(const char *endpoint, long calls, const char *mode) {
    void *ctx = zmq_ctx_new();
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    int timeout_ms = 10000; /* a server that never answers fails the run, not hangs it */
    zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    if (zmq_connect(dealer, endpoint) != 0) die("zmq_connect");

    struct id_source ids;
    id_source_init(&ids);
    msgpack_zone zone;
    msgpack_zone_init(&zone, 2048);
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
    zmq_msg_t reply;
    zmq_msg_init(&reply);
    const long warmup = calls < 1000 ? calls : 1000;
    uint64_t *samples = malloc(sizeof(uint64_t) * (size_t)calls);
    uint64_t start = 0;

    for (long i = -warmup; i < calls; i++) {
        if (i == 0) start = now_ns();
        uint64_t t0 = now_ns();
        char request_id[ID_LEN];
        memcpy(request_id, next_id(&ids), ID_LEN);
        out.size = 0;
        msgpack_pack_array(&pk, 3);
        msgpack_pack_map(&pk, 2);
        pack_str(&pk, "message_id");
        msgpack_pack_bin(&pk, ID_LEN);
        msgpack_pack_bin_body(&pk, request_id, ID_LEN);
        pack_str(&pk, "v");
        msgpack_pack_int(&pk, 3);
        pack_str(&pk, "add");
        msgpack_pack_array(&pk, 2);
        msgpack_pack_int64(&pk, i);
        msgpack_pack_int64(&pk, 1);
        if (zmq_send(dealer, "", 0, ZMQ_SNDMORE) < 0) die("zmq_send");
        if (zmq_send(dealer, out.data, out.size, 0) < 0) die("zmq_send");

        for (;;) { /* until the OK/ERR of this call; heartbeats are skipped */
            int more = 1;
            while (more) {
                if (zmq_msg_recv(&reply, dealer, 0) < 0) die("no reply (zmq_msg_recv)");
                more = zmq_msg_more(&reply);
            }
            msgpack_zone_clear(&zone);
            msgpack_object event;
            size_t offset = 0;
            if (msgpack_unpack(zmq_msg_data(&reply), zmq_msg_size(&reply), &offset, &zone,
                               &event) != MSGPACK_UNPACK_SUCCESS ||
                event.type != MSGPACK_OBJECT_ARRAY || event.via.array.size != 3) {
                fprintf(stderr, "error: undecodable reply\n");
                exit(1);
            }
            const msgpack_object *name = &event.via.array.ptr[1];
            const msgpack_object *args = &event.via.array.ptr[2];
            const msgpack_object *to = map_get(&event.via.array.ptr[0], "response_to");
            if (!to || to->type != MSGPACK_OBJECT_BIN || to->via.bin.size != ID_LEN ||
                memcmp(to->via.bin.ptr, request_id, ID_LEN)) {
                fprintf(stderr, "error: reply with a response_to that is not our bin id\n");
                exit(1);
            }
            if (str_equals(name, "_zpc_hb") || str_equals(name, "_zpc_more")) continue;
            int64_t sum;
            if (!str_equals(name, "OK") || args->type != MSGPACK_OBJECT_ARRAY ||
                args->via.array.size != 1 || !as_int64(&args->via.array.ptr[0], &sum) ||
                sum != i + 1) {
                fprintf(stderr, "error: add(%ld, 1) answered with something other than OK [%ld]\n",
                        i, i + 1);
                exit(1);
            }
            break;
        }
        if (i >= 0) samples[i] = now_ns() - t0;
    }
    double seconds = (double)(now_ns() - start) / 1e9;
    qsort(samples, (size_t)calls, sizeof(uint64_t), compare_u64);
    printf("{\"baseline\":\"zerorpc_add\",\"mode\":\"%s\",\"transport\":\"tcp-loopback\","
           "\"sequential_calls\":%ld,\"sequential_per_s\":%.0f,"
           "\"sequential_p50_us\":%.1f,\"sequential_p99_us\":%.1f}\n",
           mode, calls, (double)calls / seconds, percentile_us(samples, (size_t)calls, 0.50),
           percentile_us(samples, (size_t)calls, 0.99));
    fflush(stdout);
    free(samples);
    msgpack_sbuffer_destroy(&out);
    msgpack_zone_destroy(&zone);
    zmq_msg_close(&reply);
    zmq_close(dealer);
    zmq_ctx_term(ctx);
}

static void usage(void) {
    fprintf(stderr, "usage: zerorpc_add server [ENDPOINT] | client ENDPOINT [--calls N] | "
                    "bench [--calls N]\n");
    exit(64);
}

static long parse_calls(int argc, char **argv, int first) {
    long calls = 20000;
    for (int i = first; i < argc; i += 2) {
        if (strcmp(argv[i], "--calls") || i + 1 >= argc) usage();
        calls = strtol(argv[i + 1], NULL, 10);
        if (calls <= 0) usage();
    }
    return calls;
}

int main(int argc, char **argv) {
    reset_signals();
    if (argc < 2) usage();
    if (!strcmp(argv[1], "server")) {
        serve(argc > 2 ? argv[2] : "tcp://127.0.0.1:*", -1);
    } else if (!strcmp(argv[1], "client")) {
        if (argc < 3) usage();
        run_client(argv[2], parse_calls(argc, argv, 3), "client");
    } else if (!strcmp(argv[1], "bench")) {
        long calls = parse_calls(argc, argv, 2);
        char endpoint[256];
        pid_t pid = fork_server(serve, endpoint, sizeof endpoint);
        run_client(endpoint, calls, "bench");
        stop_server(pid);
    } else {
        usage();
    }
    return 0;
}
