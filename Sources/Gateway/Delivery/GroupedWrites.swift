import Foundation
import KetenpoortCore
import Store

/// Store writes of concurrent callers, committed together: the writes that arrive while one
/// transaction commits go in the next one. A night delivers to 342 municipalities, 16 at a time;
/// one transaction (one fsync under the store's write lock) per recorded attempt held the write
/// lock 342 times beside the night's own commits. Each caller still returns only once its write
/// is durable, so an attempt is on record before `attempt` returns, as before.
///
/// A write that throws fails only its own caller: when a group's transaction fails, its writes
/// are redone one per transaction.
///
/// `@unchecked Sendable`: `pending` and `isCommitting` are only touched under `lock`.
final class GroupedWrites: @unchecked Sendable {
    typealias Write = @Sendable (any StoreTransaction) throws -> Void

    private struct Pending {
        let write: Write
        let done: CheckedContinuation<Void, any Error>
    }

    private let store: any Store
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var isCommitting = false

    init(store: any Store) { self.store = store }

    /// Runs `write` in the next group's transaction and returns once that has committed.
    func write(_ write: @escaping Write) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            lock.lock()
            pending.append(Pending(write: write, done: done))
            let leads = !isCommitting
            isCommitting = true
            lock.unlock()
            // The first caller with no commit under way starts the committer; it runs until no one waits.
            if leads { BatchWork.start { self.commitUntilDrained() } }
        }
    }

    /// Writes waiting for the next transaction (for tests that order events).
    var waitingCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending.count
    }

    private func commitUntilDrained() {
        while true {
            lock.lock()
            let group = pending
            pending.removeAll(keepingCapacity: true)
            if group.isEmpty { isCommitting = false }
            lock.unlock()
            if group.isEmpty { return }
            commit(group)
        }
    }

    private func commit(_ group: [Pending]) {
        do {
            try store.write { tx in for item in group { try item.write(tx) } }
            let waiting = group.map(\.done)
            NormalPolicyRelay.handOff { for done in waiting { done.resume() } }
        } catch {
            guard group.count > 1 else {
                let done = group[0].done
                NormalPolicyRelay.handOff { done.resume(throwing: error) }
                return
            }
            for item in group {
                let result = Result { try store.write { tx in try item.write(tx) } }
                let done = item.done
                NormalPolicyRelay.handOff { done.resume(with: result) }
            }
        }
    }
}
