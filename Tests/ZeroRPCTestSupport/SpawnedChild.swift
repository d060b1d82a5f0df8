// A child process started with `posix_spawn`, for every test that runs one.
//
// Not Foundation's `Process`: on Linux its `run()` lists /proc/self/fd to close inherited
// descriptors and copies each entry's name as the whole 256-byte `d_name` field. Past
// about 1,300 open descriptors — a full parallel test run, with its many ZeroMQ sockets,
// gets there — the last entry can sit at the end of glibc's readdir buffer, and the copy
// reads past it: a segmentation fault that takes the whole test process down (seen twice
// in one day). Here the child closes every descriptor above stderr itself
// (`posix_spawn_file_actions_addclosefrom_np`), and nothing walks /proc.
import Foundation
import ZeroRPC

#if canImport(Glibc)
    import Glibc
#endif

/// A child process: its pid, the pipes to its standard streams that were asked for, and
/// its exit status once it ended.
public final class SpawnedChild: Sendable {
    /// What a standard stream of the child is connected to.
    public enum Stream: Sendable {
        /// A pipe this process holds the other end of.
        case pipe
        /// /dev/null.
        case null
        /// This process's own stream.
        case inherit
    }

    public let pid: pid_t
    /// The write end of the child's stdin, when it is a pipe.
    public let standardInput: FileHandle?
    /// The read end of the child's stdout, when it is a pipe.
    public let standardOutput: FileHandle?
    /// The read end of the child's stderr, when it is a pipe.
    public let standardError: FileHandle?
    /// The exit code, or the number of the signal that ended it (nil while it runs), and
    /// who waits for it.
    private let state = LockedValue(ExitState())

    private struct ExitState {
        var status: Int32?
        var waiters: [@Sendable (Int32) -> Void] = []
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments` (without the program name) and `environment`
    /// (this process's when nil).
    public init(
        executable: String, arguments: [String], environment: [String: String]? = nil, stdin: Stream = .null,
        stdout: Stream = .inherit, stderr: Stream = .inherit
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32: FileHandle] = [:]
        var childEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit:
                continue
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else {
                    throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
                }
                // Children spawned meanwhile close it anyway (they close all from 3 up).
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                let (childEnd, parentEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                parentEnds[target] = FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true)
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
            }
        }
        guard Self.closeFrom(&actions, 3) else {
            throw SpawnError(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later)")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Foundation's `Process` does: a Ctrl-C at the terminal
        // reaches the test runner, which then ends its children itself.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        standardInput = parentEnds[0]
        standardOutput = parentEnds[1]
        standardError = parentEnds[2]
        Self.reap(pid, into: state)
    }

    /// Waits for the child on a thread of its own from the start, and reaps it the moment
    /// it ends, whether or not a test ever asks how it ended. An unreaped child hangs
    /// swift-testing's exit tests: their waiting thread peeks at any ended child
    /// (`waitid(P_ALL, …, WNOWAIT)`), and while the first one it sees is ours it never
    /// sees its own, spinning forever (a whole `make test-tsan` run hung so, after a
    /// test had killed a child and not waited for it).
    private static func reap(_ pid: pid_t, into state: LockedValue<ExitState>) {
        Thread {
            var raw: Int32 = 0
            var result = waitpid(pid, &raw, 0)
            while result == -1 && errno == EINTR { result = waitpid(pid, &raw, 0) }
            let status = result == pid ? decode(raw) : -1
            let waiters = state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter(status) }
        }.start()
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift's Glibc
    /// module does not declare.
    private static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ first: Int32) -> Bool {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return false }
        return unsafeBitCast(symbol, to: CloseFrom.self)(actions, first) == 0
    }

    /// Sends `signal` to the child (nothing once it has been reaped).
    public func signal(_ signal: Int32) {
        state.withLock { state in
            if state.status == nil { kill(pid, signal) }
        }
    }

    /// Whether the child still runs.
    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// Blocks until the child ends; its exit code, or the signal that ended it.
    public func waitForExit() -> Int32 {
        let ended = DispatchSemaphore(value: 0)
        let status = LockedValue<Int32>(-1)
        whenEnded { value in
            status.withLock { $0 = value }
            ended.signal()
        }
        ended.wait()
        return status.withLock { $0 }
    }

    /// Its exit code, or the signal that ended it, once it ended.
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            whenEnded { continuation.resume(returning: $0) }
        }
    }

    /// Calls `body` with the status once the child has been reaped (at once if it was).
    private func whenEnded(_ body: @escaping @Sendable (Int32) -> Void) {
        let known = state.withLock { state in
            if state.status == nil { state.waiters.append(body) }
            return state.status
        }
        if let known { body(known) }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }
}
