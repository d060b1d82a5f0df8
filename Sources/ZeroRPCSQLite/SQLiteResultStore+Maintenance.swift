import Logging
import ZeroRPC

/// What the maintenance loop remembers between ticks.
struct MaintenanceState: Sendable {
    var task: Task<Void, Never>?
    var lastRenewal: Int64 = 0
    var lastSweep: Int64 = 0
}

extension SQLiteResultStore {
    private static let logger = Logger(label: "zerorpc.deferred.sqlite")

    /// Starts the loop that, every poll interval, wakes waiters to re-read the file,
    /// looks for cancellation requests, renews leases and sweeps expired entries when due.
    func startMaintenance() {
        let started = now()
        let interval = configuration.pollInterval
        let task = Task { [weak self] in
            while (try? await Task.sleep(for: interval)) != nil {
                guard let self else { return }
                await self.maintain()
            }
        }
        maintenance.withLock {
            $0.lastRenewal = started
            $0.lastSweep = started
            $0.task = task
        }
    }

    func stopMaintenance() {
        maintenance.withLock { state in
            state.task?.cancel()
            state.task = nil
        }
    }

    private func maintain() async {
        if !wakeUps.isEmpty { wakeUps.signalAll() }
        let now = now()
        let (renewalDue, sweepDue) = maintenance.withLock { state in
            (
                now - state.lastRenewal >= configuration.leaseDuration.wholeMilliseconds / 3,
                now - state.lastSweep >= configuration.sweepInterval.wholeMilliseconds
            )
        }
        do {
            if cancellations.hasSubscribers { try await pollCancellations() }
            if renewalDue { try await renewLeases() }
            if sweepDue {
                try await expireEntries()
                maintenance.withLock { $0.lastSweep = now }
            }
        } catch ResultStoreError.closed {
            return
        } catch {
            Self.logger.warning("deferred result store maintenance failed: \(error)", metadata: ["path": "\(path)"])
        }
    }

    private func pollCancellations() async throws {
        let (table, worker) = (table, worker)
        try await cancellations.deliverAll { try await worker.run { try table.requestedCancellations($0) } }
    }
}
