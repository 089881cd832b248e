import Foundation
import KetenpoortCore

/// A worker thread's easy handles, one per set of TLS settings (the expected recipient OIN, the
/// trust store, our certificate): libcurl keeps connections and TLS sessions per easy handle, so a
/// connection (or a resumable session) verified for one party, or made with other TLS material, is
/// never reused for another, even at the same host and port — libcurl itself cannot tell, as the
/// material reaches it through `ClientTLSIdentity`, not as file names. At most `capacity` handles
/// are kept; the least recently used goes first (its connections close with it). Two by default:
/// a night goes to hundreds of parties, each mostly once, and every handle kept holds an open TLS
/// connection with its buffers (eight a thread held some 8 MiB more at a night's peak).
final class PartyHandles {
    private let maximumResponseSize: Int
    private let capacity: Int
    /// Most recently used last.
    private var handles: [(key: Key, handle: CurlEasyHandle)] = []

    /// What a handle's connections were made with.
    private struct Key: Equatable {
        let settings: TLSClientSettings
        let omitsClientCertificate: Bool
    }

    init(maximumResponseSize: Int, capacity: Int = 2) {
        precondition(capacity >= 1, "at least one handle")
        self.maximumResponseSize = maximumResponseSize
        self.capacity = capacity
    }

    /// The handle whose connections were all made with `request`'s TLS settings.
    func handle(for request: CurlRequest) -> CurlEasyHandle {
        let key = Key(settings: request.tls, omitsClientCertificate: request.omitsClientCertificate)
        if let index = handles.firstIndex(where: { $0.key == key }) {
            let entry = handles.remove(at: index)
            handles.append(entry)
            return entry.handle
        }
        if handles.count == capacity { handles.removeFirst() }
        let handle = CurlEasyHandle(maximumResponseSize: maximumResponseSize, expectedPeerOIN: request.tls.expectedPeerOIN)
        handles.append((key, handle))
        return handle
    }
}
