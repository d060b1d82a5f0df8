/* zerorpc v3 event helpers shared by the C zerorpc baselines (zerorpc_add.c,
 * zerorpc_stream.c): Python-style message ids, and reading and writing the msgpack of
 * an event with msgpack-c. */
#ifndef ZERORPC_BASELINE_EVENT_H
#define ZERORPC_BASELINE_EVENT_H

#include <msgpack.h>

#include "bench_common.h"

#define ID_LEN 32

/* Python-style ids: 8 hex digits of a counter + a 24-hex-digit per-process base. */
struct id_source {
    char id[ID_LEN];
    uint32_t counter;
};

static void id_source_init(struct id_source *s) {
    static const char hex[] = "0123456789abcdef";
    srand((unsigned)(now_ns() ^ (uint64_t)getpid()));
    for (int i = 8; i < ID_LEN; i++) s->id[i] = hex[rand() & 15];
    s->counter = (uint32_t)rand();
}

static const char *next_id(struct id_source *s) {
    static const char hex[] = "0123456789abcdef";
    uint32_t c = s->counter++;
    for (int i = 7; i >= 0; i--, c >>= 4) s->id[i] = hex[c & 15];
    return s->id;
}

static void pack_str(msgpack_packer *pk, const char *s) {
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static int str_equals(const msgpack_object *o, const char *s) {
    size_t n = strlen(s);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n && !memcmp(o->via.str.ptr, s, n);
}

static const msgpack_object *map_get(const msgpack_object *map, const char *key) {
    if (map->type != MSGPACK_OBJECT_MAP) return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++)
        if (str_equals(&map->via.map.ptr[i].key, key)) return &map->via.map.ptr[i].val;
    return NULL;
}

static int as_int64(const msgpack_object *o, int64_t *out) {
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
        *out = (int64_t)o->via.u64;
        return 1;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = o->via.i64;
        return 1;
    }
    return 0;
}

#endif
