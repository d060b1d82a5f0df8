import Foundation

// For the test servers that run as child processes of the tests (Tests/DeferredTestServer,
// Tests/OpsTestServer).

/// The value after `name` on the command line (`--id a` gives "a"), or nil.
public func commandLineValue(after name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// Returns once standard input closes: the test that started this process closed its
/// end of the pipe, or died. A child server serves until then, so it never outlives
/// its test.
public func waitUntilStandardInputCloses() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        Thread {
            _ = FileHandle.standardInput.readDataToEndOfFile()
            continuation.resume()
        }.start()
    }
}
