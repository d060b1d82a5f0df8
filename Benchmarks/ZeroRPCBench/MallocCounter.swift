import Foundation

/// The totals of `Benchmarks/Baselines/c/malloc_count.c` when it is preloaded
/// (`LD_PRELOAD=…/libmalloc_count.so`); nil without it.
enum MallocCounter {
    private typealias Reader = @convention(c) () -> UInt64

    /// Looked up once: dlsym itself may allocate.
    private static let reader: Reader? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_count_allocations") else {
            return nil
        }
        return unsafeBitCast(symbol, to: Reader.self)
    }()

    /// Heap allocations (malloc, calloc, realloc, aligned variants) by every thread so far.
    static var allocations: UInt64? { reader?() }
}
