import ZeroRPC

/// The factoring service the deferred tests of every test target serve: numbers below
/// `threshold` are factored at once; larger ones report progress and wait for `release`
/// first, so a small responsiveness budget always runs out before they finish.
public struct GatedFactoring: Sendable {
    /// The progress message a gated call reports while it waits.
    public static let waitingMessage = "waiting for the test"

    public let threshold: Int64
    public let release: TestGate

    public init(threshold: Int64 = 1000, release: TestGate = TestGate()) {
        self.threshold = threshold
        self.release = release
    }

    /// `n`'s prime factors, ascending; first waits for `release` when `n` is at least
    /// `threshold`, reporting progress 0.5 ``waitingMessage``.
    public func factor(_ n: Int64, context: ServerContext) async -> [Int64] {
        if n >= threshold {
            await context.progress(0.5, Self.waitingMessage)
            await release.wait()
        }
        return Self.primeFactors(of: n)
    }

    /// Trial division.
    public static func primeFactors(of n: Int64) -> [Int64] {
        var factors: [Int64] = []
        var rest = n
        var divisor: Int64 = 2
        while rest > 1 && divisor * divisor <= rest {
            while rest % divisor == 0 {
                factors.append(divisor)
                rest /= divisor
            }
            divisor += 1
        }
        if rest > 1 { factors.append(rest) }
        return factors
    }
}
