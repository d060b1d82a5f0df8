// LockedValue.waitUnlessReady: the take-now-or-park wait behind the stream handler's
// credit, step and room waits.
import Testing

@testable import ZeroRPC

@Suite(.timeLimit(.minutes(1))) struct LockedValueWaitingTests {
    /// A slot the waiting side parks in and the other side fills.
    struct Slot {
        var value: Int?
        var waiter: CheckedContinuation<Int, any Error>?
        var isCancelled = false
    }

    static func take(from slot: LockedValue<Slot>) async throws -> Int {
        try await slot.waitUnlessReady(onCancel: { cancel(slot) }) { state, continuation in
            if state.isCancelled { return .cancelled }
            if let value = state.value {
                state.value = nil
                return .ready(value)
            }
            state.waiter = continuation
            return .parked
        }
    }

    static func fill(_ slot: LockedValue<Slot>, with value: Int) {
        let waiter = slot.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard let waiter = state.waiter else {
                state.value = value
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: value)
    }

    static func cancel(_ slot: LockedValue<Slot>) {
        let waiter = slot.withLock { state -> CheckedContinuation<Int, any Error>? in
            state.isCancelled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: CancellationError())
    }

    @Test func aReadyValueIsTakenWithoutParking() async throws {
        let slot = LockedValue(Slot(value: 7))
        #expect(try await Self.take(from: slot) == 7)
        #expect(slot.withLock { $0.waiter == nil && $0.value == nil })
    }

    @Test func aParkedWaiterGetsTheValueHandedOverLater() async throws {
        let slot = LockedValue(Slot())
        let taker = Task { try await Self.take(from: slot) }
        await eventually { slot.withLock { $0.waiter != nil } }
        Self.fill(slot, with: 42)
        #expect(try await taker.value == 42)
    }

    @Test func cancellingAParkedWaiterEndsItWithCancellationError() async throws {
        let slot = LockedValue(Slot())
        let taker = Task { try await Self.take(from: slot) }
        await eventually { slot.withLock { $0.waiter != nil } }
        taker.cancel()
        await #expect(throws: CancellationError.self) { try await taker.value }
    }

    @Test func aCancelledStateEndsTheWaitAtOnce() async throws {
        let slot = LockedValue(Slot(value: 1, isCancelled: true))
        await #expect(throws: CancellationError.self) { try await Self.take(from: slot) }
        #expect(slot.withLock { $0.value } == 1)
    }
}
