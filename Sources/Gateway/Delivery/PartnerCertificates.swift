import Foundation
import KetenpoortCore

/// When each partner's certificate expires, as this node last saw it in a handshake (a delivery or
/// an operator's connection test): the partner's own certificate is known only from its endpoint.
/// The console shows it, `/metrics` exports it beside the gateway's own.
public final class PartnerCertificates: Sendable {
    /// What was seen of one partner's certificate.
    public struct Sighting: Sendable, Equatable {
        public let notAfter: Date
        public let seenAt: Date
    }

    private let seen = LockedValue<[String: Sighting]>([:])

    public init() {}

    /// Party `id`'s certificate, seen at `at`, expires at `notAfter`.
    public func observe(_ id: String, notAfter: Date, at: Date) {
        seen.withLock { $0[id] = Sighting(notAfter: notAfter, seenAt: at) }
    }

    /// The last sighting of party `id`'s certificate, if any.
    public func sighting(of id: String) -> Sighting? { seen.withLock { $0[id] } }

    /// Every party's last sighting, by party id.
    public var all: [String: Sighting] { seen.withLock { $0 } }
}
