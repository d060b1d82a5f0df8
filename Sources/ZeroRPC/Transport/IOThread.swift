import Foundation

/// Starts the dedicated thread that owns a `Client`'s or `Server`'s sockets.
enum IOThread {
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}
