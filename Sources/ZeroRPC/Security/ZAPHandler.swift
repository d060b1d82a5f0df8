import CZeroMQ
import Dispatch

/// The thread that answers ZAP requests on `inproc://zeromq.zap.01`: a REP socket of its
/// own, created, read and closed on that thread only. It holds a context lease like
/// every socket, so the context its curve servers live in stays up while it serves.
final class ZAPHandler: Sendable {
    static let endpoint = "inproc://zeromq.zap.01"

    private let wakeUp: WakeUpSignal
    private let isStopping = LockedValue(false)
    private let stopped = DispatchSemaphore(value: 0)

    private init(wakeUp: WakeUpSignal) {
        self.wakeUp = wakeUp
    }

    /// Starts the thread and returns once its socket is bound, or throws why it could
    /// not be. `admission` is asked for a domain's rule on every request.
    static func start(
        contexts: ZMQContext, admission: @escaping @Sendable (String) -> ZAPRequest.Admission?,
        rejected: @escaping @Sendable (ZAPRequest.Rejection) -> Void = { _ in }
    ) throws(TransportError) -> ZAPHandler {
        let handler = ZAPHandler(wakeUp: try WakeUpSignal())
        let setup = BlockingReply<TransportError?>()
        IOThread.start(name: "zerorpc-zap") {
            let socket: ZMQSocket
            do throws(TransportError) {
                socket = try ZMQSocket(.rep, contexts: contexts)
                do throws(TransportError) {
                    _ = try socket.bind(endpoint)
                } catch {
                    socket.close()
                    throw error
                }
            } catch {
                setup.succeed(error)
                handler.stopped.signal()
                return
            }
            setup.succeed(nil)
            handler.serve(socket, admission: admission, rejected: rejected)
            // Free the endpoint now: a closed socket's endpoints go only when libzmq's
            // reaper thread gets to it, and the next handler binds the same name.
            socket.unbind(endpoint)
            socket.close()
            handler.stopped.signal()
        }
        let failure = (try? setup.wait()) ?? nil
        if let failure {
            handler.wakeUp.release()
            throw failure
        }
        return handler
    }

    /// Stops the thread and waits until its socket is closed. Call once.
    func stop() {
        isStopping.withLock { $0 = true }
        wakeUp.signal()
        stopped.wait()
        wakeUp.release()
    }

    private func serve(
        _ socket: ZMQSocket, admission: (String) -> ZAPRequest.Admission?, rejected: (ZAPRequest.Rejection) -> Void
    ) {
        var items = [
            zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: nil, fd: wakeUp.fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        while !isStopping.withLock({ $0 }) {
            items[0].revents = 0
            items[1].revents = 0
            guard zmq_poll(&items, 2, -1) >= 0 || zmq_errno() == EINTR else { return }
            if items[1].revents != 0 { wakeUp.drain() }
            while let frames = try? socket.receiveMessage() {
                let reply = ZAPRequest.reply(to: frames, admission: admission)
                if let rejection = ZAPRequest.rejection(in: reply, answering: frames) { rejected(rejection) }
                // A REP socket must answer before it can read again; inproc has room.
                while socket.send(reply) == .wouldBlock {
                    var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLOUT), revents: 0)
                    _ = zmq_poll(&item, 1, 10)
                    if isStopping.withLock({ $0 }) { return }
                }
            }
        }
    }
}
