import ZeroRPCSchema

extension FileTranslator {
    /// The sending side of the event patterns, for a service with one-way methods: those
    /// methods as `EventsProtocol`, the `Events` struct over any `ZeroRPC.EventSender`,
    /// and the `Publisher` and `Pusher` names for its two uses. The receiving side needs
    /// no generated code: a `Service` is registered on a `ZeroRPC.Subscriber` or
    /// `ZeroRPC.Puller` as on a server.
    func eventTypes(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        let oneway = signatures.filter { $0.method.kind == .oneway }
        guard !oneway.isEmpty else { return }
        let wire = service.name.wire
        printer.blankLine()
        printer.documentation([
            "The one-way methods of `\(wire)` as events, as a protocol so tests can substitute their own sender."
        ])
        printer.block("\(access)protocol EventsProtocol: Sendable") {
            for signature in oneway {
                printer.blankLine()
                documentation(signature.documentation)
                signature.availability.map(printer.line)
                printer.declaration(eventDeclaration(signature, access: "", withDefaults: false))
            }
        }
        printer.blankLine()
        printer.documentation([
            "Sends the one-way methods of `\(wire)` as events through a `ZeroRPC.Publisher` (every subscriber",
            "handles each) or a `ZeroRPC.Pusher` (one puller handles each); see `Publisher` and `Pusher`.",
        ])
        printer.block("\(access)struct Events<Sender: ZeroRPC.EventSender>: EventsProtocol") {
            printer.documentation(["The socket the events go through."])
            printer.line("\(access)let sender: Sender")
            printer.blankLine()
            printer.block("\(access)init(_ sender: Sender)") {
                printer.line("self.sender = sender")
            }
            for signature in oneway {
                printer.blankLine()
                documentation(signature.documentation)
                signature.availability.map(printer.line)
                printer.declaration(eventDeclaration(signature, access: access, withDefaults: true)) {
                    printer.scope(opening: "try await self.sender.send(", closing: ")") {
                        printer.line("\(SwiftSpelling.stringLiteral(signature.wireName)),")
                        argumentsEncoder(signature, last: true)
                    }
                }
            }
        }
        printer.blankLine()
        printer.documentation(["Publishes the one-way methods of `\(wire)`: every subscriber handles each event."])
        printer.line("\(access)typealias Publisher = Events<ZeroRPC.Publisher>")
        printer.blankLine()
        printer.documentation(["Pushes the one-way methods of `\(wire)`: one puller handles each event."])
        printer.line("\(access)typealias Pusher = Events<ZeroRPC.Pusher>")
    }

    private func eventDeclaration(_ signature: MethodSignature, access: String, withDefaults: Bool) -> Declaration {
        Declaration(
            head: "\(access)func \(signature.swiftName)(", parameters: signature.parameters(withDefaults: withDefaults),
            tail: ") async throws")
    }
}
