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
    /// The exit code, or the number of the signal that ended it; nil while it runs.
    private let status = LockedValue<Int32?>(nil)

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
        guard status.withLock({ $0 == nil }) else { return }
        kill(pid, signal)
    }

    /// Whether the child still runs; reaps it when it has ended.
    public var isRunning: Bool {
        status.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            status = Self.decode(raw)
            return false
        }
    }

    /// Blocks until the child ends; its exit code, or the signal that ended it.
    public func waitForExit() -> Int32 {
        while true {
            if let known = status.withLock({ $0 }) { return known }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, 0)
            if result == pid {
                let decoded = Self.decode(raw)
                status.withLock { $0 = $0 ?? decoded }
                return decoded
            }
            if result == -1 && errno == EINTR { continue }
            // Reaped meanwhile by `isRunning` on another thread: its status is stored.
            usleep(1_000)
        }
    }

    /// Waits on a thread of its own, off Swift's cooperative pool.
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.waitForExit()) }.start()
        }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }
}
