import Adapters
import Foundation
import KetenpoortCore
import Store

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The last check before sealing XML notifications, on the bytes themselves: a record that carries
/// a consent-bound element (`<Gezondheid>`) must have a consent valid at the sealing moment for
/// the batch's recipient. A record that does not is about to disclose special-category data
/// without consent: the batch is blocked and a `consent` incident recorded (nothing leaves).
package struct ConsentGuard: Sendable {
    /// The opening tag of each consent-bound element, with its purpose.
    let markers: [(tag: [UInt8], purpose: String)]
    let policy: ConsentPolicy

    /// The markers of `outbound`'s consent-bound fields (XML element locations, attributes are not
    /// used for them).
    package init(outbound: OutboundAdapter, policy: ConsentPolicy) {
        let mapping = outbound.mapping.item
        markers = mapping.fields.compactMap { field in
            guard let purpose = mapping.object.field(field.field)?.consentPurpose,
                let element = field.location.split(separator: "/").last, !element.hasPrefix("@")
            else { return nil }
            return (Array("<\(element)>".utf8), purpose)
        }
        self.policy = policy
    }

    /// The records among `items` that carry a consent-bound element without a consent valid at
    /// `moment` for `recipient`, with the purpose that was missing.
    /// `items` are ranges of `payload`, the batch's bytes.
    package func unconsented(_ items: [SealItem], in payload: [UInt8], recipient: String, at moment: Date) -> [(person: PersonKey, purpose: String)] {
        var found: [(PersonKey, String)] = []
        payload.withUnsafeBytes { bytes in
            for item in items {
                let fragment = UnsafeRawBufferPointer(rebasing: bytes[item.fragment])
                for marker in markers where Self.contains(fragment, marker.tag) {
                    let consent = item.state?.bsn.flatMap { policy.validConsent(bsn: $0, purpose: marker.purpose, recipient: recipient, at: moment) }
                    if consent == nil { found.append((item.person, marker.purpose)) }
                }
            }
        }
        return found
    }

    /// Whether `haystack` contains `needle`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBytes { contains($0, needle) }
    }

    /// Whether `hay` contains `needle` (memchr for its first byte, then memcmp: the guard reads
    /// every sealed byte of a night).
    static func contains(_ hay: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        return needle.withUnsafeBytes { pin in
            guard let base = hay.baseAddress, let tag = pin.baseAddress else { return false }
            var offset = 0
            while hay.count - offset >= pin.count {
                guard let hit = memchr(base + offset, Int32(first), hay.count - offset - pin.count + 1) else { return false }
                if memcmp(hit, tag, pin.count) == 0 { return true }
                offset = base.distance(to: UnsafeRawPointer(hit)) + 1
            }
            return false
        }
    }
}
