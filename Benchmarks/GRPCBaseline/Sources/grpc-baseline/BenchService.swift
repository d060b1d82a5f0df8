import GRPCCore

/// `bench.Bench` over gRPC: `Add` and `EchoRecords`, registered by hand with the
/// binary serializers instead of protobuf-generated code.
struct BenchService: RegistrableRPCService {
    enum Methods {
        static let add = MethodDescriptor(fullyQualifiedService: "bench.Bench", method: "Add")
        static let echoRecords = MethodDescriptor(fullyQualifiedService: "bench.Bench", method: "EchoRecords")
    }

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Methods.add,
            deserializer: BinaryDeserializer<AddRequest>(),
            serializer: BinarySerializer<AddReply>()
        ) { stream, _ in
            let request = try await ServerRequest(stream: stream)
            let sum = request.message.a &+ request.message.b
            return StreamingServerResponse(single: ServerResponse(message: AddReply(sum: sum)))
        }
        router.registerHandler(
            forMethod: Methods.echoRecords,
            deserializer: BinaryDeserializer<RecordList>(),
            serializer: BinarySerializer<RecordList>()
        ) { stream, _ in
            let request = try await ServerRequest(stream: stream)
            return StreamingServerResponse(single: ServerResponse(message: request.message))
        }
    }
}

extension GRPCClient {
    func add(_ a: Int64, _ b: Int64) async throws -> Int64 {
        try await unary(
            request: ClientRequest(message: AddRequest(a: a, b: b)), descriptor: BenchService.Methods.add,
            serializer: BinarySerializer<AddRequest>(), deserializer: BinaryDeserializer<AddReply>(),
            options: .defaults
        ) { response in try response.message.sum }
    }

    func echoRecords(_ records: [Record]) async throws -> [Record] {
        try await unary(
            request: ClientRequest(message: RecordList(records: records)),
            descriptor: BenchService.Methods.echoRecords,
            serializer: BinarySerializer<RecordList>(), deserializer: BinaryDeserializer<RecordList>(),
            options: .defaults
        ) { response in try response.message.records }
    }
}
