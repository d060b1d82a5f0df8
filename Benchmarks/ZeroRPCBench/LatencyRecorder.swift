/// Collects per-call latencies and reports percentiles.
struct LatencyRecorder {
    private(set) var samples: [Duration] = []

    init(capacity: Int) {
        samples.reserveCapacity(capacity)
    }

    mutating func record(_ duration: Duration) {
        samples.append(duration)
    }

    /// The latency below which `fraction` of the calls finished, in microseconds.
    func percentile(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int(fraction * Double(sorted.count)))
        return sorted[index].microseconds
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var microseconds: Double { seconds * 1e6 }
}

extension Array where Element == Double {
    /// The middle value (the mean of the two middle values for an even count).
    var median: Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
