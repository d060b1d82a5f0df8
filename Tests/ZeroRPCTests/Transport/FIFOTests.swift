// FIFO: the head-index queue behind waiting sends, waiting calls and channel inboxes.
import Testing

@testable import ZeroRPC

@Suite struct FIFOTests {
    @Test func popsInArrivalOrderAndEmptiesToNil() {
        var queue = FIFO<Int>()
        #expect(queue.isEmpty && queue.first == nil && queue.popFirst() == nil)
        for value in 1...3 { queue.append(value) }
        #expect(queue.count == 3 && queue.first == 1)
        #expect(queue.popFirst() == 1)
        queue.append(4)
        #expect([queue.popFirst(), queue.popFirst(), queue.popFirst()] == [2, 3, 4])
        #expect(queue.isEmpty && queue.count == 0 && queue.popFirst() == nil)
    }

    @Test func compactsAHeadThatMovedFarWithoutLosingOrder() {
        var queue = FIFO<Int>(compactionThreshold: 4)
        for value in 0..<100 { queue.append(value) }
        for expected in 0..<60 { #expect(queue.popFirst() == expected) }
        // Compacted: the storage holds what is left, not all it ever held.
        #expect(queue.elements.count == 49 && queue.head == 9)  // compacted at head 51 of 100
        #expect(queue.count == 40 && queue.first == 60)
        var rest: [Int] = []
        while let value = queue.popFirst() { rest.append(value) }
        #expect(rest == Array(60..<100))
        #expect(queue.elements.isEmpty && queue.head == 0)
    }

    @Test func pushFrontPutsAnElementBackForTheNextPop() {
        var queue = FIFO<String>()
        queue.pushFront("a")  // head at 0: inserted
        queue.append("b")
        queue.append("c")
        let taken = queue.popFirst()
        #expect(taken == "a")
        queue.pushFront("again")  // head moved: reuses the slot
        #expect([queue.popFirst(), queue.popFirst(), queue.popFirst()] == ["again", "b", "c"])
    }

    @Test func removeFirstWhereTakesOnlyQueuedMatches() {
        var queue = FIFO<Int>()
        for value in [1, 2, 3, 2] { queue.append(value) }
        _ = queue.popFirst()
        #expect(queue.removeFirst(where: { $0 == 1 }) == nil)  // already popped
        #expect(queue.removeFirst(where: { $0 == 2 }) == 2)
        #expect(queue.count == 2)
        #expect([queue.popFirst(), queue.popFirst()] == [3, 2])
    }

    @Test func takeAllMovesTheRestIntoTheBatchOldestFirst() {
        var queue = FIFO<Int>()
        for value in 1...5 { queue.append(value) }
        _ = queue.popFirst()
        var batch = [99]
        queue.takeAll(into: &batch)
        #expect(batch == [2, 3, 4, 5])
        #expect(queue.isEmpty)
        queue.append(6)
        queue.takeAll(into: &batch)
        #expect(batch == [6])
    }

    @Test func removeAllEmptiesTheQueue() {
        var queue = FIFO<Int>()
        for value in 1...3 { queue.append(value) }
        _ = queue.popFirst()
        queue.removeAll()
        #expect(queue.isEmpty && queue.popFirst() == nil)
        queue.append(7)
        #expect(queue.popFirst() == 7)
    }
}
