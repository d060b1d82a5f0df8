import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/types.rpc`: every type of the language through generated encode/decode, both ways.
struct TypeEchoImplementation: TypeEcho.Service {
    let pings = TestRecorder<Bool>()
    let priorities = TestRecorder<Priority>()

    func echo(value: Everything, context: ServerContext) async throws -> Everything { value }
    func echoShape(shape: Shape, context: ServerContext) async throws -> Shape { shape }

    func echoContact(contact: Contact, priority: Priority, context: ServerContext) async throws -> Contact {
        priorities.record(priority)
        return contact
    }

    func echoOptional(value: String?, context: ServerContext) async throws -> String? { value }
    func echoBytes(data: Data, context: ServerContext) async throws -> Data { data }
    func echoTimestamp(time: Timestamp, context: ServerContext) async throws -> Timestamp { time }
    func echoAny(value: MessagePackValue, context: ServerContext) async throws -> MessagePackValue { value }
    func echoMap(values: [String: [Int64]], context: ServerContext) async throws -> [String: [Int64]] { values }
    func echoTree(tree: TreeNode, context: ServerContext) async throws -> TreeNode { tree }

    func evaluate(expression: Expression, context: ServerContext) async throws -> Double {
        switch expression {
        case .number(let value): return value
        case .sum(let sum):
            let left = try await evaluate(expression: sum.left, context: context)
            let right = try await evaluate(expression: sum.right, context: context)
            return left + right
        case .negated(let inner): return -(try await evaluate(expression: inner, context: context))
        }
    }

    func ping(context: ServerContext) async throws {
        pings.record(true)
    }
}

@Suite struct TypeEchoTests {
    static let everything = Everything(
        flag: true, count: -42, size: UInt64.max, ratio: 1.5, amount: -0.125, title: "héllo ✓",
        payload: Data([0, 1, 2, 255]), created: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789),
        extra: .array([.int(1), .string("two"), .nil, .map([.init(key: .string("k"), value: .bool(true))])]),
        nickname: nil, scores: [3, 1, 2], matrix: [[1, 2], [], [3.5]], countsByName: ["a": 1, "b": -2],
        namesById: [7: "seven", -1: "minus one"], levelNames: [.debug: "dbg", .error: "err"], priority: .high,
        level: .warning, shape: .rectangle(Rectangle(width: 2, height: 3)),
        shapes: [.circle(Circle(radius: 1)), .label("x")],
        contact: Contact(
            name: "Ada", address: Address(street: "1 Main St", city: "London", zip: nil),
            previousAddresses: [Address(street: "2 Side St", city: "Paris", zip: "75001")], default: true,
            class: "first"),
        retries: 5, threshold: 0.75, greeting: "hi", tags: [], limits: [:], enabled: false, maybe: 9)

    @Test(arguments: Transport.allCases)
    func everyTypeRoundTrips(transport: Transport) async throws {
        try await GeneratedServiceFixture.with(TypeEchoImplementation(), over: transport) { connection in
            let echoed = try await TypeEcho.Client(connection).echo(value: Self.everything)
            #expect(echoed == Self.everything)
        }
    }

    @Test func unionsOptionalsBytesTimestampsAnyAndMapsRoundTrip() async throws {
        try await GeneratedServiceFixture.with(TypeEchoImplementation(), over: .inproc) { connection in
            let client = TypeEcho.Client(connection)
            let shape = try await client.echoShape(shape: .circle(Circle(radius: 2)))
            let some = try await client.echoOptional(value: "x")
            let none = try await client.echoOptional(value: nil)
            let bytes = try await client.echoBytes(data: Data(repeating: 7, count: 1000))
            let time = try await client.echoTimestamp(time: Timestamp(seconds: -5, nanoseconds: 999_999_999))
            let any = try await client.echoAny(value: .map([.init(key: .int(1), value: .double(2.5))]))
            let map = try await client.echoMap(values: ["a": [1, 2], "": []])
            #expect(shape == .circle(Circle(radius: 2)))
            #expect(some == "x")
            #expect(none == nil)
            #expect(bytes == Data(repeating: 7, count: 1000))
            #expect(time == Timestamp(seconds: -5, nanoseconds: 999_999_999))
            #expect(any == .map([.init(key: .int(1), value: .double(2.5))]))
            #expect(map == ["a": [1, 2], "": []])
        }
    }

    @Test func recursiveTypesRoundTrip() async throws {
        try await GeneratedServiceFixture.with(TypeEchoImplementation(), over: .inproc) { connection in
            let client = TypeEcho.Client(connection)
            let root = TreeNode(value: 1, children: [TreeNode(value: 2), TreeNode(value: 3)])
            let tree = TreeNode(value: 4, children: [root], parent: TreeNode(value: 0))
            let echoed = try await client.echoTree(tree: tree)
            let value = try await client.evaluate(
                expression: .sum(
                    Sum(left: .number(1.5), right: .negated(.sum(Sum(left: .number(2), right: .number(3)))))))
            #expect(echoed == tree)
            #expect(echoed.parent?.value == 0)
            #expect(value == -3.5)
        }
    }

    @Test func defaultedParameterMayBeLeftOutByTheCaller() async throws {
        let implementation = TypeEchoImplementation()
        try await GeneratedServiceFixture.with(implementation, over: .inproc) { connection in
            let contact = Contact(name: "Bo", address: Address(street: "s", city: "c"))
            _ = try await TypeEcho.Client(connection).echoContact(contact: contact)
            var writer = MessagePackWriter()
            contact.encode(to: &writer)
            var reader = MessagePackReader(bytes: writer.bytes)
            let contactValue = try reader.read(MessagePackValue.self)
            _ = try await connection.call("types.echo_contact", [contactValue])
            #expect(implementation.priorities.recorded == [.high, .high])
        }
    }

    @Test func methodWithoutResultReturnsNothing() async throws {
        let implementation = TypeEchoImplementation()
        try await GeneratedServiceFixture.with(implementation, over: .inproc) { connection in
            try await TypeEcho.Client(connection).ping()
            #expect(implementation.pings.recorded == [true])
        }
    }

    @Test func structDecodingSkipsUnknownKeysAndAppliesDefaults() throws {
        let value: MessagePackValue = .map([
            .init(key: .string("name"), value: .string("Cy")),
            .init(
                key: .string("address"),
                value: .map([
                    .init(key: .string("street"), value: .string("s")),
                    .init(key: .string("city"), value: .string("c")),
                    .init(key: .string("added_later"), value: .array([.int(1)])),
                ])),
        ])
        var reader = MessagePackReader(bytes: encoded(value))
        let contact = try Contact(from: &reader)
        #expect(
            contact
                == Contact(name: "Cy", address: Address(street: "s", city: "c"), previousAddresses: [], default: false))
    }

    @Test func optionalWithDefaultTellsAbsentFromNil() throws {
        func decoded(_ entries: [MessagePackValue.Entry]) throws -> Everything {
            var writer = MessagePackWriter()
            Self.everything.encode(to: &writer)
            var reader = MessagePackReader(bytes: writer.bytes)
            let fields = try reader.read(MessagePackValue.self).mapValue ?? []
            let kept = fields.filter { $0.key != .string("fallback") } + entries
            var decoder = MessagePackReader(bytes: encoded(.map(kept)))
            return try Everything(from: &decoder)
        }
        #expect(try decoded([]).fallback == 5)
        #expect(try decoded([.init(key: .string("fallback"), value: .nil)]).fallback == nil)
        #expect(try decoded([.init(key: .string("fallback"), value: .int(7))]).fallback == 7)
    }

    @Test func missingRequiredFieldIsAnErrorNamingIt() throws {
        let value: MessagePackValue = .map([.init(key: .string("address"), value: .map([]))])
        var reader = MessagePackReader(bytes: encoded(value))
        #expect(
            throws: MessagePackDecodingError(
                expected: "map with key \"street\"", found: "map without it", path: ["address"])
        ) {
            try Contact(from: &reader)
        }
    }

    @Test func unknownEnumCaseAndUnionCaseAreErrorsNamingTheValue() throws {
        var enumReader = MessagePackReader(bytes: encoded(.string("urgent")))
        #expect(
            throws: MessagePackDecodingError(expected: "a case of Priority (low, normal, high)", found: "\"urgent\"")
        ) {
            try Priority(from: &enumReader)
        }
        var unionReader = MessagePackReader(bytes: encoded(.map([.init(key: .string("triangle"), value: .nil)])))
        #expect(
            throws: MessagePackDecodingError(
                expected: "a case of Shape (circle, rectangle, label)", found: "\"triangle\"")
        ) {
            try Shape(from: &unionReader)
        }
    }

    @Test func enumsGoOnTheWireAsNamesOrExplicitIntegers() throws {
        #expect(try decodedValue(Priority.high) == .string("high"))
        #expect(try decodedValue(Level.warning) == .int(30))
        #expect(try decodedValue([Level.debug: "x"]) == .map([.init(key: .string("debug"), value: .string("x"))]))
        #expect(try decodedValue([Int64(7): "x"]) == .map([.init(key: .string("7"), value: .string("x"))]))
    }

    @Test func nilOptionalsAreWrittenAsKeyWithNil() throws {
        let address = try decodedValue(Address(street: "s", city: "c"))
        #expect(address.mapValue?.map(\.key) == [.string("street"), .string("city"), .string("zip")])
        #expect(address.mapValue?.last?.value == .nil)
    }

    @Test func generatedTypesAreCodableWithWireNames() throws {
        let json = try JSONEncoder().encode(Contact(name: "D", address: Address(street: "s", city: "c")))
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"previous_addresses\""))
        #expect(try JSONDecoder().decode(Contact.self, from: json).name == "D")
    }
}

/// The bytes of a dynamic value.
func encoded(_ value: MessagePackValue) -> [UInt8] {
    var writer = MessagePackWriter()
    writer.write(value)
    return writer.bytes
}

/// A generated value as it goes on the wire, read back as a dynamic value.
func decodedValue<T: MessagePackEncodable>(_ value: T) throws -> MessagePackValue {
    var writer = MessagePackWriter()
    writer.write(value)
    var reader = MessagePackReader(bytes: writer.bytes)
    return try reader.read(MessagePackValue.self)
}
