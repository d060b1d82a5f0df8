/* malloc_count: an LD_PRELOAD shim that counts heap allocations, for zerorpc-bench's
 * allocations-per-call figures (issue 8).
 *
 * It forwards malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign, valloc
 * and free to glibc's own __libc_* entry points (no dlsym, so no bootstrap recursion)
 * and counts every call that returns new memory: each malloc, calloc, aligned variant,
 * and realloc (which may move). frees are counted apart. A program reads the totals
 * through malloc_count_allocations() / malloc_count_frees(), found with dlsym; without
 * the shim those symbols are absent and the program reports no figure.
 *
 *   LD_PRELOAD=Benchmarks/Baselines/c/bin/libmalloc_count.so zerorpc-bench client ...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static atomic_uint_fast64_t allocations;
static atomic_uint_fast64_t frees;

#define COUNT(counter) atomic_fetch_add_explicit(&(counter), 1, memory_order_relaxed)

__attribute__((visibility("default"))) uint64_t malloc_count_allocations(void) {
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}

__attribute__((visibility("default"))) uint64_t malloc_count_frees(void) {
    return atomic_load_explicit(&frees, memory_order_relaxed);
}

void *malloc(size_t size) {
    COUNT(allocations);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    COUNT(allocations);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    COUNT(allocations);
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    if (pointer != NULL) COUNT(frees);
    __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
    COUNT(allocations);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    COUNT(allocations);
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    COUNT(allocations);
    return __libc_memalign(4096, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    COUNT(allocations);
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}
