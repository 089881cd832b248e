import Foundation
import KetenpoortCore

extension DevPKI {
    /// A party the dev PKI issues a certificate for.
    public struct Identity: Sendable, Hashable {
        /// Registry id, also the certificate's CN and the file name: `gateway`, `gm0363`, `duo`.
        public let id: String
        /// The party's OIN, put in the subject's `serialNumber`.
        public let oin: OIN
        /// The organisation's name, put in the subject's `O`.
        public let organisation: String

        /// An identity; throws `sealing.identity-invalid` unless `id` is 1–64 of `a-z 0-9 - _` and not `ca`.
        public init(id: String, oin: OIN, organisation: String) throws {
            let allowed = id.utf8.allSatisfy { ASCII.isLower($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
            guard allowed, (1...64).contains(id.utf8.count), id != "ca", !id.hasSuffix("-key") else {
                throw KetenpoortError(
                    .sealingIdentityInvalid, "identity id '\(id)' must be 1–64 of a-z, 0-9, '-', '_', and not 'ca' or end in '-key'")
            }
            guard !organisation.isEmpty, organisation.utf8.count <= 64 else {
                throw KetenpoortError(.sealingIdentityInvalid, "the organisation name of '\(id)' must be 1–64 bytes")
            }
            self.id = id
            self.oin = oin
            self.organisation = organisation
        }

        /// The identity of a registered party.
        public init(_ party: Party) throws { try self.init(id: party.id, oin: party.oin, organisation: party.name) }
    }
}
