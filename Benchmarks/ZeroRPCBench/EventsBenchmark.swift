import ArgumentParser
import Foundation
import Synchronization
import ZeroRPC

/// The event scenarios (issue 18): events/s from a Swift pusher (publisher) to a Swift
/// puller (subscriber) in another process over loopback TCP, beside raw libzmq PUSH/PULL
/// in C with messages of the same size (`raw_pushpull`).
///
/// The receiving process (`zerorpc-bench events-receive`) times its ticks from the first
/// measured one to the last, as the C puller does; this process sends as fast as its
/// sends return. PUB/SUB drops what a subscriber cannot keep up with (docs/EVENTS.md), so
/// its row counts delivered events and notes the share delivered.
///
/// `zerorpc-bench --events` runs these rows alone; `runRound(into:)` is what the full run
/// calls once per round.
struct EventsBenchmark {
    static let pushPull = "events PUSH/PULL, tcp"
    static let pubSub = "events PUB/SUB, tcp"
    static let cBaseline = "raw libzmq C PUSH/PULL"
    /// Ticks before the measured ones, for connections and caches to settle.
    static let warmup = 10_000
    static let tickData = Data(repeating: 0x78, count: 16)

    let executable: String
    let baselines: Baselines
    let messages: Int

    /// The bytes of one tick event on the wire: `[{message_id: bin 32, v: 3}, "tick",
    /// [seq, bin 16]]` — 55 bytes of header and name plus the arguments.
    static var tickEventBytes: Int {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(2)
        writer.write(Int64(warmup + 1_000_000))
        writer.write(tickData)
        return 55 + writer.count
    }

    /// One round of every row: ours over PUSH/PULL and PUB/SUB and the C baseline, in
    /// the order `alternating` gives `round` (forwards in odd rounds, backwards in even).
    func runRound(into collector: inout RoundCollector, round: Int = 1) async throws {
        var delivered: Double?
        let figures = try await alternating(
            round: round,
            [
                {
                    let push = try await measure(pattern: "pull")
                    return [
                        RoundFigure(
                            scenario: Self.pushPull, implementation: Report.ourName, unit: "events/s",
                            throughput: push.rate)
                    ]
                },
                {
                    let publish = try await measure(pattern: "sub")
                    delivered = publish.delivered
                    return [
                        RoundFigure(
                            scenario: Self.pubSub, implementation: Report.ourName, unit: "events/s",
                            throughput: publish.rate)
                    ]
                },
                {
                    let c = try baselines.runJSON(
                        baselines.cDirectory.appendingPathComponent("raw_pushpull").path,
                        ["bench", "--messages", "\(messages)", "--size", "\(Self.tickEventBytes)"])
                    return [Self.pushPull, Self.pubSub].map {
                        RoundFigure(
                            scenario: $0, implementation: Self.cBaseline, unit: "events/s", throughput: c["per_s"] ?? 0)
                    }
                },
            ])
        for figure in figures { collector.add(figure) }
        if let delivered {
            collector.note(
                scenario: Self.pubSub, implementation: Report.ourName, "share of published events delivered", delivered)
        }
    }

    /// Starts a receiver process (`pull` or `sub`), sends it the ticks, returns its rate
    /// and the share of measured ticks it received.
    private func measure(pattern: String) async throws -> (rate: Double, delivered: Double) {
        let receiver = try ChildProcess(executable, ["events-receive", pattern, "tcp://127.0.0.1:*"])
        defer { receiver.stop() }
        let endpoint = try receiver.waitForLine(startingWith: "READY ")
        let report =
            pattern == "sub"
            ? try await send(through: try ZeroRPC.Publisher(connect: [endpoint]), to: receiver)
            : try await send(through: try ZeroRPC.Pusher(connect: [endpoint]), to: receiver)
        let fields = report.split(separator: " ").compactMap { Double($0) }
        guard fields.count == 2, fields[1] > 0 else { throw BenchmarkError.wrongResult("receiver reported \(report)") }
        return (fields[0] / fields[1], fields[0] / Double(messages))
    }

    /// Sends the warm-up and measured ticks through the generated `BenchEvents.Events`;
    /// returns the receiver's `DONE` line.
    private func send<Sender: EventSender>(through sender: Sender, to receiver: ChildProcess) async throws -> String {
        let events = BenchEvents.Events(sender)
        // PUB/SUB: what is published before the subscription arrives is lost.
        _ = try await repeatUntil(receiver, printed: "LIVE") { try await events.probe() }
        let data = Self.tickData
        for seq in 0..<(Self.warmup + messages) {
            try await events.tick(seq: Int64(seq), data: data)
        }
        // A published `end` may be dropped too: it is repeated until the report arrives.
        let report = try await repeatUntil(receiver, printed: "DONE ") { try await events.end() }
        await sender.close()
        return report
    }

    /// Runs `step` every 10 ms on a detached task (the caller may be on the main actor,
    /// which the blocking wait below holds) until the receiver prints a line
    /// starting with `prefix`; returns the rest of that line.
    private func repeatUntil(
        _ receiver: ChildProcess, printed prefix: String, _ step: @escaping @Sendable () async throws -> Void
    ) async throws -> String {
        let repeating = Task.detached {
            while !Task.isCancelled {
                try await step()
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        defer { repeating.cancel() }
        return try receiver.waitForLine(startingWith: prefix)
    }
}

/// The receiving half of the event scenarios, in a process of its own.
struct EventsReceive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events-receive",
        abstract:
            "Handle BenchEvents on a puller or subscriber; prints READY <endpoint>, LIVE, then DONE <ticks> <seconds>.")

    @Argument(help: "pull or sub") var pattern: String
    @Argument(help: "The endpoint to bind, e.g. tcp://127.0.0.1:*") var endpoint = "tcp://127.0.0.1:*"

    func run() async throws {
        let handler = TickCounter(warmup: EventsBenchmark.warmup)
        let options = EventReceiverOptions()
        // Both kept until the process exits: a receiver closes when it is released.
        let subscriber = pattern == "sub" ? Subscriber(options: options) : nil
        let puller = pattern == "sub" ? nil : Puller(options: options)
        try subscriber?.register(handler)
        try puller?.register(handler)
        guard let bound = try subscriber?.bind(endpoint) ?? puller?.bind(endpoint) else { return }
        FileHandle.standardOutput.write(Data("READY \(bound)\n".utf8))
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while read(0, &buffer, buffer.count) > 0 {}
            Foundation.exit(0)
        }
        await handler.finished.wait()
        // Handlers run concurrently: ticks dequeued before `end` may still be finishing.
        // Their times are their own, so waiting does not change the rate.
        try await Task.sleep(for: .milliseconds(100))
        let (ticks, seconds) = handler.measurement
        FileHandle.standardOutput.write(Data("DONE \(ticks) \(seconds)\n".utf8))
        // Stay until the harness closes stdin: exiting here could drop the last line.
        try await Task.sleep(for: .seconds(3600))
        withExtendedLifetime((subscriber, puller)) {}
    }
}

/// Counts the measured ticks and when the first and last arrived.
final class TickCounter: BenchEvents.Service {
    private struct State {
        var ticks = 0
        var first: ContinuousClock.Instant?
        var last: ContinuousClock.Instant?
        var announcedLive = false
        var ended = false
    }

    let warmup: Int
    let finished = OneShot()
    private let state = LockedValue(State())

    init(warmup: Int) { self.warmup = warmup }

    var measurement: (ticks: Int, seconds: Double) {
        state.withLock { state in
            guard let first = state.first, let last = state.last else { return (0, 0) }
            let (seconds, attoseconds) = first.duration(to: last).components
            // The first measured tick starts the clock: ticks - 1 intervals were timed.
            return (max(0, state.ticks - 1), Double(seconds) + Double(attoseconds) / 1e18)
        }
    }

    func tick(seq: Int64, data: Data, context: ServerContext) async throws {
        guard seq >= warmup else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            state.ticks += 1
            if state.first == nil { state.first = now }
            state.last = now
        }
    }

    func probe(context: ServerContext) async throws {
        let announces = state.withLock { state in
            defer { state.announcedLive = true }
            return !state.announcedLive
        }
        if announces { FileHandle.standardOutput.write(Data("LIVE\n".utf8)) }
    }

    func end(context: ServerContext) async throws {
        let ends = state.withLock { state in
            defer { state.ended = true }
            return !state.ended
        }
        if ends { finished.open() }
    }
}

/// A gate opened once, awaited once.
final class OneShot: Sendable {
    private let state = LockedValue<(open: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func open() {
        let waiter = state.withLock { state in
            state.open = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumesNow = state.withLock { state in
                if state.open { return true }
                state.waiter = continuation
                return false
            }
            if resumesNow { continuation.resume() }
        }
    }
}
