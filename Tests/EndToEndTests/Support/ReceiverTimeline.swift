import Foundation
import KetenpoortCore
import KetenpoortTesting

/// When a receiver got each request and when it sent each scripted answer, per party, as its fault
/// hook notes them (wall-clock times, as the delivery worker's).
///
/// `@unchecked Sendable`: `arrivals` and `answers` are only touched while `lock` is held.
final class ReceiverTimeline: @unchecked Sendable {
    private let lock = NSLock()
    private var arrivals: [String: [Date]] = [:]
    private var answers: [String: [Date]] = [:]

    /// Notes that `request` arrived now; how many requests its party has had, this one included.
    func arrived(_ request: FaultHook.Request) -> Int {
        lock.lock()
        defer { lock.unlock() }
        arrivals[request.party, default: []].append(Date())
        return arrivals[request.party]!.count
    }

    /// Notes that a scripted answer to `party` goes out now (just before the server sends it).
    func answering(_ party: String) {
        lock.lock()
        answers[party, default: []].append(Date())
        lock.unlock()
    }

    /// When the requests to `party` arrived, in order.
    func arrivals(to party: String) -> [Date] {
        lock.lock()
        defer { lock.unlock() }
        return arrivals[party] ?? []
    }

    /// When the scripted answers to `party` went out, in order.
    func answers(to party: String) -> [Date] {
        lock.lock()
        defer { lock.unlock() }
        return answers[party] ?? []
    }

    /// The parties that have had a request.
    var parties: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return Set(arrivals.keys)
    }
}
