/* zerorpc v3 server stream in C (libzmq + msgpack-c): the floor for scenario 5.
 *
 *   zerorpc_stream server [ENDPOINT]        ROUTER, answers count(n) with STREAM 0 … n-1
 *                                           and STREAM_DONE (default tcp://127.0.0.1:*),
 *                                           prints "READY <endpoint>"
 *   zerorpc_stream client ENDPOINT [--items N] [--warmup N] [--window N]
 *                                           one warm-up stream of --warmup items (default
 *                                           10,000), then one timed stream of --items
 *                                           (default 1,000,000) against any zerorpc server
 *                                           with a `count` stream (e.g. zerorpc-bench serve)
 *   zerorpc_stream bench [--items N] [--warmup N] [--window N]
 *                                           forks the C server, runs the client
 *
 * Framing as zerorpc_add.c: request ["", [{message_id: bin(32), v: 3}, "count", [n]]];
 * every reply event [identity…, "", [{message_id: fresh bin(32), v: 3, response_to:
 * <request id, same type and bytes>}, NAME, ARGS]], with STREAM's ARGS the item itself
 * (not wrapped) and STREAM_DONE's nil, as Python sends them.
 *
 * Flow control, the same numbers as zerorpc-swift (Sources/ZeroRPC/Streams):
 * - Server, as ServerLoop+Streams.swift / HandlerInbox.swift: a stream starts with a
 *   credit of 1 (zerorpc's initial credit); every STREAM and the final STREAM_DONE take
 *   one; `_zpc_more [k]` adds k, the total clamped to 10,000 (HandlerInbox.maximumCredit);
 *   a malformed `_zpc_more` ends the stream with ERR ProtocolError; `_zpc_close` drops it
 *   silently. It sends `_zpc_hb [0]` on each open channel every 5 s and ignores incoming
 *   heartbeats. Up to 64 streams at once, served round-robin in batches of 256 items.
 *   It does not detect a lost client (a baseline, not a server): a stream whose client
 *   vanished without `_zpc_close` keeps its slot until the process ends.
 * - Client, as ResponseStream.swift (ResponseStreamCore.next) does: a window of 1,000
 *   (ResponseStream.creditWindow; --window W, and zerorpc-bench passes our current one). `reserved` (credit the server holds: granted minus
 *   received) starts at 1. The request's first reply is received before the first
 *   next(), as Client.openStreamChannel does; then every next() first checks
 *   `reserved < 500` and if so grants `_zpc_more [1000 - reserved]` (999 at the first
 *   next(), then 501 each time after 501 items), then takes the next event; each STREAM
 *   does `reserved -= 1`. It sends `_zpc_hb [0]` every 5 s while the stream is open.
 *   Every item is checked (STREAM i for i = 0, 1, …, then STREAM_DONE); anything else
 *   exits 1.
 * Prints one JSON line: items/s of the timed stream, request to STREAM_DONE. */
#include "zerorpc_event.h"

#define MAX_FRAMES 16
#define MAX_STREAMS 64
#define MAX_ROUTING 4
#define MAX_BLOB 256
#define MAX_CREDIT 10000
#define BATCH 256
#define DEFAULT_WINDOW 1000
#define HEARTBEAT_NS 5000000000ull

/* The first element of an args array as a positive credit, clamped like the Swift
 * server's ServerLoop.credit(in:); 0 when malformed. */
static int64_t credit_in(const msgpack_object *args) {
    if (args->type != MSGPACK_OBJECT_ARRAY || args->via.array.size < 1) return 0;
    const msgpack_object *v = &args->via.array.ptr[0];
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 > 0)
        return v->via.u64 > INT64_MAX ? INT64_MAX : (int64_t)v->via.u64;
    return 0;
}

/* An event in `out`: [{message_id, v: 3[, response_to]}, name, <args written by caller>]. */
static void pack_header(msgpack_packer *pk, struct id_source *ids, const char *response_to,
                        size_t response_to_len, const char *name) {
    msgpack_pack_array(pk, 3);
    msgpack_pack_map(pk, response_to ? 3 : 2);
    pack_str(pk, "message_id");
    msgpack_pack_bin(pk, ID_LEN);
    msgpack_pack_bin_body(pk, next_id(ids), ID_LEN);
    pack_str(pk, "v");
    msgpack_pack_int(pk, 3);
    if (response_to) {
        pack_str(pk, "response_to");
        /* raw msgpack bytes of the channel id: a byte-for-byte, type-for-type echo */
        pk->callback(pk->data, response_to, response_to_len);
    }
    pack_str(pk, name);
}

/* ---------------------------------------------------------------- server */

struct stream {
    int open;
    zmq_msg_t routing[MAX_ROUTING];
    int routing_count;
    char channel[MAX_BLOB]; /* raw msgpack of the request's message_id */
    size_t channel_len;
    int64_t next, count;
    int64_t credit;
    uint64_t last_heartbeat;
};

struct server {
    void *router;
    struct id_source ids;
    msgpack_sbuffer out;
    msgpack_packer pk;
    struct stream streams[MAX_STREAMS];
};

/* Sends `out` to the stream's peer. 0 when sent; -1 when the peer is gone
 * (ROUTER_MANDATORY: EHOSTUNREACH), and the stream is then dropped by the caller. */
static int send_to(struct server *s, struct stream *st) {
    for (int i = 0; i < st->routing_count; i++) {
        zmq_msg_t copy;
        zmq_msg_init(&copy);
        zmq_msg_copy(&copy, &st->routing[i]);
        if (zmq_msg_send(&copy, s->router, ZMQ_SNDMORE) < 0) {
            zmq_msg_close(&copy);
            if (zmq_errno() == EHOSTUNREACH) return -1;
            die("zmq_msg_send");
        }
    }
    if (zmq_send(s->router, "", 0, ZMQ_SNDMORE) < 0) die("zmq_send");
    if (zmq_send(s->router, s->out.data, s->out.size, 0) < 0) die("zmq_send");
    return 0;
}

static void close_stream(struct stream *st) {
    for (int i = 0; i < st->routing_count; i++) zmq_msg_close(&st->routing[i]);
    st->routing_count = 0;
    st->open = 0;
}

static void send_error_to(struct server *s, struct stream *st, const char *name,
                          const char *message) {
    s->out.size = 0;
    pack_header(&s->pk, &s->ids, st->channel, st->channel_len, "ERR");
    msgpack_pack_array(&s->pk, 3);
    pack_str(&s->pk, name);
    pack_str(&s->pk, message);
    pack_str(&s->pk, "");
    send_to(s, st);
}

static struct stream *find_stream(struct server *s, const char *channel, size_t len) {
    for (int i = 0; i < MAX_STREAMS; i++) {
        struct stream *st = &s->streams[i];
        if (st->open && st->channel_len == len && !memcmp(st->channel, channel, len)) return st;
    }
    return NULL;
}

/* One received message (frames[0..count)), a request or an event on an open channel. */
static void handle_message(struct server *s, zmq_msg_t *frames, int count, msgpack_zone *zone) {
    if (count < 2) return; /* a ROUTER always prepends the peer id */
    int routing = count > 2 ? count - 2 : 1;
    zmq_msg_t *payload = &frames[count - 1];
    msgpack_zone_clear(zone);
    msgpack_object event;
    size_t offset = 0;
    if (msgpack_unpack(zmq_msg_data(payload), zmq_msg_size(payload), &offset, zone, &event) !=
            MSGPACK_UNPACK_SUCCESS ||
        event.type != MSGPACK_OBJECT_ARRAY || event.via.array.size != 3)
        return; /* undecodable: dropped, like Python */
    const msgpack_object *header = &event.via.array.ptr[0];
    const msgpack_object *name = &event.via.array.ptr[1];
    const msgpack_object *args = &event.via.array.ptr[2];

    /* The id (request) or response_to (channel event) as raw msgpack bytes. */
    char raw[MAX_BLOB];
    size_t raw_len;
    const msgpack_object *to = map_get(header, "response_to");
    const msgpack_object *key = to ? to : map_get(header, "message_id");
    if (!key) return;
    msgpack_sbuffer scratch;
    msgpack_sbuffer_init(&scratch);
    msgpack_packer idpk;
    msgpack_packer_init(&idpk, &scratch, msgpack_sbuffer_write);
    msgpack_pack_object(&idpk, *key);
    if (scratch.size > MAX_BLOB) { /* an id this long is not one we answer */
        msgpack_sbuffer_destroy(&scratch);
        return;
    }
    memcpy(raw, scratch.data, scratch.size);
    raw_len = scratch.size;
    msgpack_sbuffer_destroy(&scratch);

    if (to) { /* an event on a channel: credit, close, heartbeat */
        struct stream *st = find_stream(s, raw, raw_len);
        if (!st) return; /* unknown or finished channel: dropped */
        if (str_equals(name, "_zpc_more")) {
            int64_t k = credit_in(args);
            if (k <= 0) {
                send_error_to(s, st, "ProtocolError", "_zpc_more needs one positive integer");
                close_stream(st);
                return;
            }
            int64_t add = k < MAX_CREDIT ? k : MAX_CREDIT;
            st->credit = st->credit + add < MAX_CREDIT ? st->credit + add : MAX_CREDIT;
        } else if (str_equals(name, "_zpc_close")) {
            close_stream(st);
        } /* _zpc_hb and anything else: ignored */
        return;
    }

    /* A request: count(n) opens a stream; anything else is answered with ERR. */
    struct stream *st = NULL;
    for (int i = 0; i < MAX_STREAMS && !st; i++)
        if (!s->streams[i].open) st = &s->streams[i];
    struct stream reply_only; /* for ERR when no slot is free */
    if (!st) st = &reply_only;
    memset(st, 0, sizeof *st);
    st->routing_count = routing < MAX_ROUTING ? routing : MAX_ROUTING;
    for (int i = 0; i < st->routing_count; i++) {
        zmq_msg_init(&st->routing[i]);
        zmq_msg_copy(&st->routing[i], &frames[i]);
    }
    memcpy(st->channel, raw, raw_len);
    st->channel_len = raw_len;

    int64_t n;
    if (st == &reply_only) {
        send_error_to(s, st, "ServerBusy", "zerorpc_stream serves 64 streams at once");
        close_stream(st);
    } else if (!str_equals(name, "count")) {
        send_error_to(s, st, "NameError", "only count(n) is served here");
        close_stream(st);
    } else if (args->type != MSGPACK_OBJECT_ARRAY || args->via.array.size != 1 ||
               !as_int64(&args->via.array.ptr[0], &n)) {
        send_error_to(s, st, "TypeError", "count(n) takes one integer");
        close_stream(st);
    } else {
        st->open = 1;
        st->next = 0;
        st->count = n > 0 ? n : 0;
        st->credit = 1; /* zerorpc's initial credit */
        st->last_heartbeat = now_ns();
    }
}

/* Sends up to BATCH events of one stream, as its credit allows; the last is STREAM_DONE. */
static void send_batch(struct server *s, struct stream *st) {
    for (int sent = 0; sent < BATCH && st->open && st->credit > 0; sent++) {
        s->out.size = 0;
        if (st->next < st->count) {
            pack_header(&s->pk, &s->ids, st->channel, st->channel_len, "STREAM");
            msgpack_pack_int64(&s->pk, st->next); /* the item itself, not wrapped */
            st->next++;
        } else {
            pack_header(&s->pk, &s->ids, st->channel, st->channel_len, "STREAM_DONE");
            msgpack_pack_nil(&s->pk);
            st->open = 0; /* finished: its channel is closed after the final event */
        }
        st->credit--;
        if (send_to(s, st) < 0) st->open = 0;
        if (!st->open) close_stream(st);
    }
}

static void serve(const char *endpoint, int ready_fd) {
    static struct server s; /* large: not on the stack */
    void *ctx = zmq_ctx_new();
    s.router = zmq_socket(ctx, ZMQ_ROUTER);
    int linger = 0, mandatory = 1;
    zmq_setsockopt(s.router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s.router, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory);
    char bound[256];
    bind_and_report(s.router, endpoint, bound, sizeof bound);
    announce(ready_fd, bound);

    id_source_init(&s.ids);
    zmq_msg_t frames[MAX_FRAMES];
    for (int i = 0; i < MAX_FRAMES; i++) zmq_msg_init(&frames[i]);
    msgpack_zone zone;
    msgpack_zone_init(&zone, 2048);
    msgpack_sbuffer_init(&s.out);
    msgpack_packer_init(&s.pk, &s.out, msgpack_sbuffer_write);

    for (;;) {
        int sendable = 0;
        for (int i = 0; i < MAX_STREAMS; i++)
            if (s.streams[i].open && s.streams[i].credit > 0) sendable = 1;
        /* With credit to spend, only look for input; without, sleep until input or the
         * next heartbeat is due. */
        zmq_pollitem_t item = {s.router, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, sendable ? 0 : 1000) < 0) {
            if (zmq_errno() == EINTR) continue;
            die("zmq_poll");
        }
        while (item.revents & ZMQ_POLLIN) {
            int count = 0, more = 1;
            if (zmq_msg_recv(&frames[0], s.router, ZMQ_DONTWAIT) < 0) {
                if (zmq_errno() == EAGAIN || zmq_errno() == EINTR) break;
                die("zmq_msg_recv");
            }
            more = zmq_msg_more(&frames[0]);
            count = 1;
            while (more) { /* the rest of a message is there once its first frame is */
                zmq_msg_t *slot = &frames[count < MAX_FRAMES ? count : MAX_FRAMES - 1];
                if (zmq_msg_recv(slot, s.router, 0) < 0) {
                    if (zmq_errno() == EINTR) continue;
                    die("zmq_msg_recv");
                }
                more = zmq_msg_more(slot);
                if (count < MAX_FRAMES) count++;
            }
            handle_message(&s, frames, count, &zone);
        }
        uint64_t now = now_ns();
        for (int i = 0; i < MAX_STREAMS; i++) {
            struct stream *st = &s.streams[i];
            if (!st->open) continue;
            send_batch(&s, st);
            if (st->open && now - st->last_heartbeat >= HEARTBEAT_NS) {
                st->last_heartbeat = now;
                s.out.size = 0;
                pack_header(&s.pk, &s.ids, st->channel, st->channel_len, "_zpc_hb");
                msgpack_pack_array(&s.pk, 1);
                msgpack_pack_int(&s.pk, 0);
                if (send_to(&s, st) < 0) close_stream(st);
            }
        }
    }
}

/* ---------------------------------------------------------------- client */

struct client {
    void *dealer;
    struct id_source ids;
    msgpack_sbuffer out;
    msgpack_packer pk;
    msgpack_zone zone;
    zmq_msg_t reply;
    char channel[MAX_BLOB]; /* raw msgpack of our request's message_id */
    size_t channel_len;
    uint64_t last_heartbeat;
};

static void client_send(struct client *c) {
    if (zmq_send(c->dealer, "", 0, ZMQ_SNDMORE) < 0) die("zmq_send");
    if (zmq_send(c->dealer, c->out.data, c->out.size, 0) < 0) die("zmq_send");
}

static void send_heartbeat_if_due(struct client *c) {
    uint64_t now = now_ns();
    if (now - c->last_heartbeat < HEARTBEAT_NS) return;
    c->last_heartbeat = now;
    c->out.size = 0;
    pack_header(&c->pk, &c->ids, c->channel, c->channel_len, "_zpc_hb");
    msgpack_pack_array(&c->pk, 1);
    msgpack_pack_int(&c->pk, 0);
    client_send(c);
}

enum kind { EV_STREAM, EV_DONE };

/* The next application event of our channel (heartbeats skipped, and answered every 5 s
 * by our own); STREAM's value in *value. Anything unexpected exits 1. */
static enum kind receive_event(struct client *c, int64_t *value) {
    uint64_t silent_since = now_ns();
    for (;;) {
        int more = 1, got = 0;
        while (more) {
            if (zmq_msg_recv(&c->reply, c->dealer, 0) < 0) {
                if (zmq_errno() != EAGAIN && zmq_errno() != EINTR) die("zmq_msg_recv");
                send_heartbeat_if_due(c);
                if (now_ns() - silent_since > 15 * 1000000000ull) {
                    fprintf(stderr, "error: no event from the server for 15 s\n");
                    exit(1);
                }
                continue;
            }
            got = 1;
            more = zmq_msg_more(&c->reply);
        }
        if (!got) continue;
        msgpack_zone_clear(&c->zone);
        msgpack_object event;
        size_t offset = 0;
        if (msgpack_unpack(zmq_msg_data(&c->reply), zmq_msg_size(&c->reply), &offset, &c->zone,
                           &event) != MSGPACK_UNPACK_SUCCESS ||
            event.type != MSGPACK_OBJECT_ARRAY || event.via.array.size != 3) {
            fprintf(stderr, "error: undecodable event\n");
            exit(1);
        }
        const msgpack_object *name = &event.via.array.ptr[1];
        const msgpack_object *args = &event.via.array.ptr[2];
        const msgpack_object *to = map_get(&event.via.array.ptr[0], "response_to");
        if (!to || to->type != MSGPACK_OBJECT_BIN || to->via.bin.size != ID_LEN ||
            memcmp(to->via.bin.ptr, c->channel + 2, ID_LEN)) { /* bin8: 2 header bytes */
            fprintf(stderr, "error: an event whose response_to is not our channel id\n");
            exit(1);
        }
        if (str_equals(name, "_zpc_hb")) continue;
        if (str_equals(name, "STREAM")) {
            if (!as_int64(args, value)) {
                fprintf(stderr, "error: STREAM item is not an integer\n");
                exit(1);
            }
            return EV_STREAM;
        }
        if (str_equals(name, "STREAM_DONE")) return EV_DONE;
        if (str_equals(name, "ERR") && args->type == MSGPACK_OBJECT_ARRAY &&
            args->via.array.size >= 2 && args->via.array.ptr[1].type == MSGPACK_OBJECT_STR) {
            fprintf(stderr, "error: ERR %.*s\n", (int)args->via.array.ptr[1].via.str.size,
                    args->via.array.ptr[1].via.str.ptr);
            exit(1);
        }
        fprintf(stderr, "error: unexpected event %.*s in a stream\n",
                name->type == MSGPACK_OBJECT_STR ? (int)name->via.str.size : 1,
                name->type == MSGPACK_OBJECT_STR ? name->via.str.ptr : "?");
        exit(1);
    }
}

/* One stream of `items` ints, every item checked; the seconds from request to STREAM_DONE. */
static double run_stream(struct client *c, long items, long window) {
    uint64_t start = now_ns();
    c->out.size = 0;
    pack_header(&c->pk, &c->ids, NULL, 0, "count");
    /* The channel id is the request's message_id (the one pack_header just drew), kept
     * as its raw msgpack: bin8 of 32 bytes. */
    c->channel[0] = (char)0xc4;
    c->channel[1] = (char)ID_LEN;
    memcpy(c->channel + 2, c->ids.id, ID_LEN);
    c->channel_len = ID_LEN + 2;
    msgpack_pack_array(&c->pk, 1);
    msgpack_pack_int64(&c->pk, items);
    client_send(c);
    c->last_heartbeat = now_ns();

    /* As Client.openStreamChannel: the first reply arrives before the first next(). */
    int64_t value = 0;
    enum kind buffered = receive_event(c, &value);
    int have_buffered = 1;
    long reserved = 1, expected = 0;
    for (;;) {
        if (reserved < window / 2) { /* ResponseStreamCore.next(): refill to the window */
            long grant = window - reserved;
            reserved += grant;
            c->out.size = 0;
            pack_header(&c->pk, &c->ids, c->channel, c->channel_len, "_zpc_more");
            msgpack_pack_array(&c->pk, 1);
            msgpack_pack_int64(&c->pk, grant);
            client_send(c);
        }
        enum kind kind = have_buffered ? buffered : receive_event(c, &value);
        have_buffered = 0;
        if (kind == EV_DONE) break;
        reserved--;
        if (value != expected) {
            fprintf(stderr, "error: stream item %ld, expected %ld\n", (long)value, expected);
            exit(1);
        }
        expected++;
        if ((expected & 4095) == 0) send_heartbeat_if_due(c);
    }
    if (expected != items) {
        fprintf(stderr, "error: the stream ended after %ld of %ld items\n", expected, items);
        exit(1);
    }
    return (double)(now_ns() - start) / 1e9;
}

static void run_client(const char *endpoint, long items, long warmup, long window,
                       const char *mode) {
    static struct client c;
    void *ctx = zmq_ctx_new();
    c.dealer = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(c.dealer, ZMQ_LINGER, &linger, sizeof linger);
    int timeout_ms = 1000; /* wake up to heartbeat; 15 s of silence fails the run */
    zmq_setsockopt(c.dealer, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    if (zmq_connect(c.dealer, endpoint) != 0) die("zmq_connect");
    id_source_init(&c.ids);
    msgpack_zone_init(&c.zone, 2048);
    msgpack_sbuffer_init(&c.out);
    msgpack_packer_init(&c.pk, &c.out, msgpack_sbuffer_write);
    zmq_msg_init(&c.reply);

    if (warmup > 0) run_stream(&c, warmup, window);
    double seconds = run_stream(&c, items, window);
    printf("{\"baseline\":\"zerorpc_stream\",\"mode\":\"%s\",\"transport\":\"tcp-loopback\","
           "\"window\":%ld,\"warmup_items\":%ld,\"items\":%ld,\"items_per_s\":%.0f}\n",
           mode, window, warmup, items, (double)items / seconds);
    fflush(stdout);
    msgpack_sbuffer_destroy(&c.out);
    msgpack_zone_destroy(&c.zone);
    zmq_msg_close(&c.reply);
    zmq_close(c.dealer);
    zmq_ctx_term(ctx);
}

static void usage(void) {
    fprintf(stderr, "usage: zerorpc_stream server [ENDPOINT] | client ENDPOINT [--items N] "
                    "[--warmup N] [--window N] | bench [--items N] [--warmup N] [--window N]\n");
    exit(64);
}

static void parse_options(int argc, char **argv, int first, long *items, long *warmup,
                          long *window) {
    *items = 1000000;
    *warmup = 10000;
    *window = DEFAULT_WINDOW;
    for (int i = first; i < argc; i += 2) {
        if (i + 1 >= argc) usage();
        long value = strtol(argv[i + 1], NULL, 10);
        if (!strcmp(argv[i], "--items") && value > 0) *items = value;
        else if (!strcmp(argv[i], "--warmup") && value >= 0) *warmup = value;
        else if (!strcmp(argv[i], "--window") && value >= 2) *window = value;
        else usage();
    }
}

int main(int argc, char **argv) {
    reset_signals();
    if (argc < 2) usage();
    long items, warmup, window;
    if (!strcmp(argv[1], "server")) {
        serve(argc > 2 ? argv[2] : "tcp://127.0.0.1:*", -1);
    } else if (!strcmp(argv[1], "client")) {
        if (argc < 3) usage();
        parse_options(argc, argv, 3, &items, &warmup, &window);
        run_client(argv[2], items, warmup, window, "client");
    } else if (!strcmp(argv[1], "bench")) {
        parse_options(argc, argv, 2, &items, &warmup, &window);
        char endpoint[256];
        pid_t pid = fork_server(serve, endpoint, sizeof endpoint);
        run_client(endpoint, items, warmup, window, "bench");
        stop_server(pid);
    } else {
        usage();
    }
    return 0;
}
