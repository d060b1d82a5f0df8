/// A first-in first-out queue over one array with a moving head: the queues of waiting
/// sends, waiting calls and a channel's events.
///
/// Popping moves the head instead of shifting the array, so it costs O(1); the array is
/// emptied (keeping its capacity) when the head reaches the end and compacted once the
/// head is past `compactionThreshold` and half of it, so a queue that never quite
/// empties does not keep every element it ever held. Internal and specialised by the
/// whole-module build, like the loops that use it; `@usableFromInline` keeps it
/// inlinable should an inlinable caller ever need it.
@usableFromInline
struct FIFO<Element> {
    @usableFromInline var elements: [Element] = []
    @usableFromInline var head = 0
    /// How far the head moves before a queue that is not empty is compacted.
    @usableFromInline let compactionThreshold: Int

    @inlinable
    init(compactionThreshold: Int = 64) {
        self.compactionThreshold = compactionThreshold
    }

    /// The elements queued, oldest first.
    @inlinable var count: Int { elements.count - head }

    @inlinable var isEmpty: Bool { head == elements.count }

    /// The oldest element, left in the queue.
    @inlinable var first: Element? { head < elements.count ? elements[head] : nil }

    @inlinable
    mutating func append(_ element: Element) {
        elements.append(element)
    }

    /// Removes and returns the oldest element; nil when the queue is empty.
    @inlinable
    mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let first = elements[head]
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head > compactionThreshold && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return first
    }

    /// Puts `element` back in front, so the next `popFirst()` returns it.
    @inlinable
    mutating func pushFront(_ element: Element) {
        if head > 0 {
            head -= 1
            elements[head] = element
        } else {
            elements.insert(element, at: 0)
        }
    }

    /// Removes and returns the oldest element that matches; nil when none does.
    @inlinable
    mutating func removeFirst(where matches: (Element) throws -> Bool) rethrows -> Element? {
        guard let index = try elements[head...].firstIndex(where: matches) else { return nil }
        return elements.remove(at: index)
    }

    /// Moves every element into `batch` (emptied first), oldest first. The arrays are
    /// swapped, so a caller that passes the same `batch` back each time allocates nothing
    /// in steady state.
    @inlinable
    mutating func takeAll(into batch: inout [Element]) {
        batch.removeAll(keepingCapacity: true)
        if head > 0 {
            // Moves the rest down (no retain per element), then swaps as usual.
            elements.removeFirst(head)
            head = 0
        }
        swap(&elements, &batch)
    }

    /// Drops every element.
    @inlinable
    mutating func removeAll() {
        elements = []
        head = 0
    }
}

extension FIFO: Sendable where Element: Sendable {}
