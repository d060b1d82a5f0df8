import Testing

@testable import ZeroRPC

/// The broker's routing decisions without sockets: who takes a new call, where a
/// channel's later events go, and what a dead server takes with it.
@Suite struct BrokerRoutesTests {
    let a: [UInt8] = [1]
    let b: [UInt8] = [2]
    let c: [UInt8] = [3]
    let now = ContinuousClock.now

    private func key(_ client: UInt8, _ id: UInt8) -> BrokerRoutes.ChannelKey {
        .init(client: [client], messageID: [id])
    }

    @Test func idleServersTakeTurns() {
        var routes = BrokerRoutes()
        for server in [a, b, c] { routes.addServer(server) }
        var taken: [[UInt8]] = []
        for id in UInt8(0)..<6 {
            let server = routes.candidates()[0]
            routes.open(key(9, id), on: server, now: now)
            routes.close(key(9, id))
            taken.append(server)
        }
        #expect(taken == [a, b, c, a, b, c])
    }

    @Test func theLeastBusyServerTakesTheNextCall() {
        var routes = BrokerRoutes()
        for server in [a, b, c] { routes.addServer(server) }
        routes.open(key(1, 1), on: a, now: now)
        routes.open(key(1, 2), on: b, now: now)
        #expect(routes.candidates().first == c)
        routes.open(key(1, 3), on: c, now: now)
        routes.close(key(1, 2))
        #expect(routes.candidates().first == b)
    }

    @Test func laterEventsFollowTheirChannelUntilItCloses() {
        var routes = BrokerRoutes()
        for server in [a, b] { routes.addServer(server) }
        routes.open(key(1, 7), on: b, now: now)
        #expect(routes.server(for: key(1, 7), now: now) == b)
        // Same message id from another client is another channel.
        #expect(routes.server(for: key(2, 7), now: now) == nil)
        routes.close(key(1, 7))
        #expect(routes.server(for: key(1, 7), now: now) == nil)
        #expect(routes.channelCount == 0)
    }

    @Test func aGoneServerTakesOnlyItsChannels() {
        var routes = BrokerRoutes()
        for server in [a, b, c] { routes.addServer(server) }
        routes.open(key(1, 1), on: a, now: now)
        routes.open(key(1, 2), on: b, now: now)
        routes.open(key(1, 3), on: b, now: now)
        #expect(routes.removeServer(b) == 2)
        #expect(routes.server(for: key(1, 1), now: now) == a)
        #expect(routes.server(for: key(1, 2), now: now) == nil)
        #expect(Set(routes.candidates()) == [a, c])
    }

    @Test func silentChannelsExpire() {
        var routes = BrokerRoutes()
        routes.addServer(a)
        routes.open(key(1, 1), on: a, now: now - .seconds(20))
        routes.open(key(1, 2), on: a, now: now)
        #expect(routes.expire(silentSince: now - .seconds(15)) == 1)
        #expect(routes.server(for: key(1, 2), now: now) == a)
        #expect(routes.servers.first?.open == 1)
    }

    @Test func deferredIssuersAreRememberedUntilTheirServerGoes() throws {
        var routes = BrokerRoutes()
        for server in [a, b] { routes.addServer(server) }
        let issuer = try #require(DeferredServerID("srv-b"))
        routes.learn(issuer: issuer, on: b)
        #expect(routes.server(issuing: issuer) == b)
        routes.removeServer(b)
        #expect(routes.server(issuing: issuer) == nil)
    }
}
