import ZeroRPC

struct Hello: Greeter.Service {
    func hello(name: String, context: ServerContext) async throws -> String { "Hello, \(name)!" }
}

let server = Server()
try server.register(Hello())
let endpoint = try server.bind("tcp://127.0.0.1:0")
let client = try Client(connect: [endpoint])
print(try await Greeter.Client(client).hello(name: "plugin"))
await client.close()
await server.close()
