import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/errors.rpc`: several declared errors per method, each thrown as its generated type.
struct BankImplementation: Bank.Service {
    let audits = TestRecorder<String>()

    func withdraw(account: String, amount: Int64, context: ServerContext) async throws -> Int64 {
        switch account {
        case "locked": throw AccountLocked(reason: "fraud check", until: Timestamp(seconds: 2_000_000_000))
        case "poor": throw InsufficientFunds(balance: 5, requested: amount)
        case "rich": return 1_000 - amount
        default: throw AccountNotFound(account: account)
        }
    }

    func balance(account: String, context: ServerContext) async throws -> Int64 {
        guard account == "rich" else { throw AccountNotFound(account: account) }
        return 1_000
    }

    func close(account: String, context: ServerContext) async throws {
        guard account == "rich" else { throw AccountNotFound(account: account) }
    }

    func audit(message: String, context: ServerContext) async throws {
        audits.record(message)
    }
}

/// An error no method declares.
struct Undeclared: Error {}

@Suite struct BankTests {
    @Test(arguments: Transport.allCases)
    func eachDeclaredErrorArrivesAsItsType(transport: Transport) async throws {
        try await GeneratedServiceFixture.with(BankImplementation(), over: transport) { connection in
            let bank = Bank.Client(connection)
            let balance = try await bank.withdraw(account: "rich", amount: 1)
            #expect(balance == 999)
            await #expect(throws: InsufficientFunds(balance: 5, requested: 10)) {
                try await bank.withdraw(account: "poor", amount: 10)
            }
            await #expect(throws: AccountLocked(reason: "fraud check", until: Timestamp(seconds: 2_000_000_000))) {
                try await bank.withdraw(account: "locked", amount: 1)
            }
            await #expect(throws: AccountNotFound(account: "nobody")) {
                try await bank.withdraw(account: "nobody", amount: 1)
            }
        }
    }

    @Test func methodWithoutResultStillThrowsItsDeclaredError() async throws {
        try await GeneratedServiceFixture.with(BankImplementation(), over: .inproc) { connection in
            let bank = Bank.Client(connection)
            try await bank.close(account: "rich")
            await #expect(throws: AccountNotFound(account: "x")) {
                try await bank.close(account: "x")
            }
        }
    }

    @Test func errorTypesCarryTheirWireName() {
        #expect(InsufficientFunds.wireName == "InsufficientFunds")
        #expect(AccountNotFound.wireName == "AccountNotFound")
    }

    @Test func onewayAuditIsDelivered() async throws {
        let implementation = BankImplementation()
        try await GeneratedServiceFixture.with(implementation, over: .tcp) { connection in
            try await Bank.Client(connection).audit(message: "opened")
            try await waitUntil { implementation.audits.recorded == ["opened"] }
        }
    }

    @Test func badArgumentsAreATypeErrorNamingTheArgument() async throws {
        try await GeneratedServiceFixture.with(BankImplementation(), over: .inproc) { connection in
            await #expect {
                try await connection.call("bank.withdraw", [.string("rich"), .string("ten")])
            } throws: { error in
                guard let remote = error as? RemoteError else { return false }
                return remote.name == "TypeError" && remote.message.contains("'amount'")
            }
        }
    }
}

/// `Schemas/shop.rpc`: types from the imported `common.rpc` in signatures and defaults.
struct ShopImplementation: Shop.Service {
    func total(items: [Item], context: ServerContext) async throws -> Money {
        Money(
            amount: items.map { $0.price.amount * $0.quantity }.reduce(0, +),
            currency: items.first?.price.currency ?? .eur)
    }

    func priceOf(name: String, context: ServerContext) async throws -> Money? {
        name == "tea" ? Money(amount: 3) : nil
    }

    func convert(amount: Money, to: Currency, context: ServerContext) async throws -> Money {
        Money(amount: amount.amount * 2, currency: to)
    }
}

@Suite struct ShopTests {
    @Test func importedTypesWorkInCalls() async throws {
        try await GeneratedServiceFixture.with(ShopImplementation(), over: .inproc) { connection in
            let shop = Shop.Client(connection)
            let total = try await shop.total(items: [
                Item(name: "tea", price: Money(amount: 3, currency: .gbp), quantity: 2),
                Item(name: "cup", price: Money(amount: 4, currency: .gbp)),
            ])
            let tea = try await shop.priceOf(name: "tea")
            let none = try await shop.priceOf(name: "coffee")
            let converted = try await shop.convert(amount: Money(amount: 5), to: .usd)
            #expect(total == Money(amount: 10, currency: .gbp))
            #expect(tea == Money(amount: 3, currency: .eur))
            #expect(none == nil)
            #expect(converted == Money(amount: 10, currency: .usd))
        }
    }
}
