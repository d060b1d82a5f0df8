// Faults with real processes (issue 17, `make faults`): servers killed with SIGKILL in the
// middle of every kind of call, clients killed mid stream, a server restarted on its
// endpoint, a slow stream consumer, eight client processes at once, and deferred results
// in SQLite across a kill -9. Every wait is on an event: a line from a child, a reply, an
// error; none on a fixed sleep.
import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

@Suite("Faults with real processes", .serialized, .timeLimit(.minutes(3)))
struct ProcessFaultTests {
    // MARK: The server dies

    @Test func serverKilledMidUnaryFailsTheCallWithLostRemote() async throws {
        let server = try await FaultServer()
        let client = try faultClient(server.endpoint)
        let call = Task { try await client.call("sleep", [600_000], options: CallOptions(timeout: .seconds(600))) }
        try await server.waitFor("STARTED sleep")
        await killExpectingLostRemote(server) { _ = try await call.value }
        await client.close()
    }

    @Test func serverKilledMidStreamEndsTheStreamWithLostRemote() async throws {
        let server = try await FaultServer()
        let client = try faultClient(server.endpoint)
        let stream = try await client.stream("ticks", [16])
        var items = stream.makeAsyncIterator()
        #expect(try await items.next() != nil)
        await killExpectingLostRemote(server) {
            while try await items.next() != nil {}  // what was already on its way, then the loss
        }
        await client.close()
    }

    @Test func serverKilledMidGeneratorFailsTheNextStepWithLostRemote() async throws {
        let server = try await FaultServer()
        let client = try faultClient(server.endpoint)
        let generator = try await client.generator("generate", [])
        #expect(try await generator.next() == .int(0))
        #expect(try await generator.send(.int(5)) == .int(6))
        await killExpectingLostRemote(server) { _ = try await generator.send(.int(1)) }
        await client.close()
    }

    @Test func serverKilledMidDeferredFailsTheResultWithLostRemote() async throws {
        let server = try await FaultServer()
        let polling = TestGate()
        let client = try faultClient(
            server.endpoint, interceptors: [OpensGateOnRequest(method: "_zpc_result", gate: polling)])
        let deferred = try await client.startDeferred(
            "sleep", options: CallOptions(timeout: .seconds(600), deferAfter: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(Int64(600_000))
            },
            result: { try $0.read(Int64.self) })
        #expect(deferred.token != nil, "the call was not deferred")
        try await server.waitFor("STARTED sleep")
        // Kill the server while a long poll (up to 10 s) is out: a poll started after
        // the client saw the connection drop would be refused unsent instead.
        let result = Task { try await deferred.result() }
        await polling.wait()
        _ = try await client.call("stats", [])  // the poll went out before this, on the same socket
        await killExpectingLostRemote(server) { _ = try await result.value }
        await client.close()
    }

    // MARK: The client dies

    @Test func clientKilledMidStreamIsCancelledOnTheServerWithinTwoHeartbeats() async throws {
        let server = try await FaultServer()
        let streamer = try ChildProcess(
            executable: "zerorpc-fault-test-peer",
            arguments: ["stream", "--connect", server.endpoint, "--heartbeat-ms", faultHeartbeatMilliseconds])
        defer { streamer.kill() }
        try await server.waitFor("STARTED ticks")
        #expect(try await streamer.line(startingWith: "STREAMING") != nil)
        streamer.signal(SIGKILL)
        _ = await streamer.exitStatus()
        let killed = ContinuousClock.now
        try await server.waitFor("ENDED ticks")
        let cancelled = ContinuousClock.now - killed
        print("fault test: handler cancelled \(cancelled) after its client was killed")
        // Two silent periods decide "lost"; the third is the timer tick that notices.
        #expect(cancelled < faultHeartbeat * 3 + faultSlack / 2, "handler cancelled after \(cancelled)")
        let client = try faultClient(server.endpoint)
        #expect(try await ServerStats(client).inFlight == 0)
        await client.close()
        await server.stop()
    }

    // MARK: The server restarts

    @Test func restartedServerServesAgainAndNeverRunsCallsThatTimedOut() async throws {
        // Below the ephemeral range, so the port is still free when the server restarts.
        let first = try await FaultServer(bind: try restartableLoopbackEndpoint())
        let endpoint = first.endpoint
        let client = try faultClient(endpoint)
        #expect(try await client.call("record", ["before"]) == "before")
        await first.kill()
        // While nobody serves the endpoint the call fails: refused unsent (the client saw
        // the connection drop), timed out, or its remote lost.
        do {
            _ = try await client.call("record", ["while-down"], options: CallOptions(timeout: .milliseconds(300)))
            Issue.record("a call succeeded while no server was running")
        } catch let error as RPCError {
            switch error {
            case .timeout, .lostRemote, .notConnected: break
            default: Issue.record("unexpected error while the server was down: \(error)")
            }
        }
        let second = try await FaultServer(bind: endpoint)
        #expect(try await client.call("record", ["after"], options: CallOptions(timeout: .seconds(20))) == "after")
        // A stale request would have reached the new server before "after", on the same pipe.
        #expect(try await client.call("has", ["while-down"]) == false)
        #expect(try await ServerStats(client).calls == 1)
        await client.close()
        await second.stop()
    }

    @Test func hungServerKilledAndRestartedNeverRunsCallsThatTimedOut() async throws {
        // Below the ephemeral range, so the port is still free when the server restarts.
        let first = try await FaultServer(bind: try restartableLoopbackEndpoint())
        let endpoint = first.endpoint
        let client = try faultClient(endpoint)
        #expect(try await client.call("record", ["before"]) == "before")
        // A hung server (SIGSTOP): its connection stays up, so requests fill the kernel's
        // buffers and ZeroMQ's queue, then wait in the client, and time out.
        first.child.signal(SIGSTOP)
        let key = String(repeating: "k", count: 64 << 10)
        let stale = (0..<1500).map { index in
            Task {
                try await client.call(
                    "record", [.string("\(index)-\(key)")], options: CallOptions(timeout: .seconds(1)))
            }
        }
        for call in stale { _ = try? await call.value }  // a few may beat the SIGSTOP
        // A supervisor kills it and starts another on the same endpoint.
        await first.kill()
        let second = try await FaultServer(bind: endpoint)
        #expect(try await client.call("record", ["after"], options: CallOptions(timeout: .seconds(20))) == "after")
        // Anything still queued for the old connection would have gone out before "after".
        let stats = try await ServerStats(client)
        #expect(stats.calls == 1, "the restarted server ran \(stats.calls - 1) call(s) that had already failed")
        await client.close()
        await second.stop()
    }

    // MARK: Load

    @Test func slowStreamConsumerKeepsServerMemoryBounded() async throws {
        let server = try await FaultServer()
        let client = try faultClient(server.endpoint)
        let itemSize = 16 << 10
        let baseline = try await ServerStats(client)
        let stream = try await client.stream("ticks", [.int(Int64(itemSize))])
        var items = stream.makeAsyncIterator()
        var read = 0
        #expect(try await items.next() != nil)
        read += 1
        // Let the server run as far ahead as it may: the whole credit window.
        let window = Int64(ResponseStream<MessagePackValue>.creditWindow)
        try await waitUntilStats(client) { $0.written >= window }
        // A slow consumer: a few items at a time, each batch given time to pile up.
        for _ in 0..<20 {
            for _ in 0..<5 {
                #expect(try await items.next() != nil)
                read += 1
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let stats = try await ServerStats(client)
        // Everything the server wrote was read or is within the window the client granted.
        #expect(stats.written <= Int64(read) + window + 64, "written \(stats.written), read \(read)")
        // The window's worth of items (16 MiB) sits in queues at most a few times over.
        let grownMiB = (stats.residentKiB - baseline.residentKiB) / 1024
        print("fault test: slow consumer read \(read), server wrote \(stats.written), RSS +\(grownMiB) MiB")
        #expect(grownMiB < 96, "server RSS grew by \(grownMiB) MiB")
        await stream.close()
        await client.close()
        await server.stop()
    }

    @Test func tenThousandCallsFromEightProcessesAreEachAnsweredOnce() async throws {
        let server = try await FaultServer()
        let callsPerClient = 1250
        let clients = try (0..<8).map { index in
            try ChildProcess(
                executable: "zerorpc-fault-test-peer",
                arguments: [
                    "flood", "--connect", server.endpoint, "--tag", "c\(index)", "--calls", "\(callsPerClient)",
                ])
        }
        defer { for client in clients { client.kill() } }
        for client in clients {
            let done = try await client.line(startingWith: "DONE ")
            #expect(done == "DONE \(callsPerClient)")
            #expect(await client.exitStatus() == 0)
        }
        let client = try faultClient(server.endpoint)
        let stats = try await ServerStats(client)
        #expect(stats.calls == Int64(8 * callsPerClient))
        #expect(stats.duplicates == 0)
        await client.close()
        await server.stop()
    }

    // MARK: Deferred results on disk

    @Test func sqliteDeferredResultSurvivesKillNineAfterCompletion() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zerorpc-faults-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("results.sqlite").path
        let arguments = ["--store", store, "--id", "faults", "--bind", "tcp://127.0.0.1:*"]
        let first = try await FaultServer(executable: "zerorpc-deferred-test-server", arguments: arguments)
        let client = try faultClient(first.endpoint)
        let deferred = try await client.startDeferred(
            "hold", options: CallOptions(deferAfter: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write("kept")
            },
            result: { try $0.read(String.self) })
        let token = try #require(deferred.token)
        _ = try await client.call("release", ["kept"])
        var status = try await deferred.status()
        while !status.isFinal { status = try await deferred.status() }  // each is a round trip
        #expect(status == .done)
        await first.kill()
        await client.close()

        let second = try await FaultServer(executable: "zerorpc-deferred-test-server", arguments: arguments)
        let resumingClient = try faultClient(second.endpoint)
        let resumed = resumingClient.resumeDeferred(token, declaredErrors: []) { try $0.read(String.self) }
        #expect(try await resumed.status() == .done)
        #expect(try await resumed.result() == "kept")
        await resumingClient.close()
        await second.stop()
    }

    /// Polls `stats()` until `condition` holds (20 s at most).
    private func waitUntilStats(_ client: Client, _ condition: (ServerStats) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition(try await ServerStats(client)) {
            guard ContinuousClock.now < deadline else { throw ChildProcess.SetupError("stats never met the condition") }
        }
    }
}
