import Foundation
import KetenpoortCore

/// A worker thread's easy handles, one per expected recipient OIN: libcurl keeps connections and
/// TLS sessions per easy handle, so a connection (or a resumable session) verified for one party is
/// never reused for another, even at the same host and port. At most `capacity` handles are kept;
/// the least recently used goes first (its connections close with it).
final class PartyHandles {
    private let maximumResponseSize: Int
    private let capacity: Int
    /// Most recently used last.
    private var handles: [(oin: OIN?, handle: CurlEasyHandle)] = []

    init(maximumResponseSize: Int, capacity: Int = 8) {
        precondition(capacity >= 1, "at least one handle")
        self.maximumResponseSize = maximumResponseSize
        self.capacity = capacity
    }

    /// The handle whose connections were all verified for `oin` (nil: no OIN expected).
    func handle(for oin: OIN?) -> CurlEasyHandle {
        if let index = handles.firstIndex(where: { $0.oin == oin }) {
            let entry = handles.remove(at: index)
            handles.append(entry)
            return entry.handle
        }
        if handles.count == capacity { handles.removeFirst() }
        let handle = CurlEasyHandle(maximumResponseSize: maximumResponseSize, expectedPeerOIN: oin)
        handles.append((oin, handle))
        return handle
    }
}
