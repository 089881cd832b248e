import Foundation
import KetenpoortCore
import Store

/// The consents as known at one moment: the latest version of each `toestemmingId`, by subject.
///
/// Supersession and time: a later version replaces an earlier one for every moment, past ones
/// included — the register answers "was consent valid at t?" from the latest version known, so a
/// withdrawal or correction received today is also the truth about yesterday. `asKnownAt`
/// answers as the gateway knew it then (only versions received by that moment), which is what a
/// decision taken then rested on.
///
/// ```swift
/// let index = ConsentIndex(versions: try tx.consentVersions(purpose: "medisch-advies"))
/// let consent = index.validConsent(bsn: bsn, purpose: "medisch-advies", recipient: "DUO", at: now)
/// ```
public struct ConsentIndex: Sendable {
    private let bySubject: [String: [ConsentVersion]]

    /// Indexes the latest version of each consent among `versions` received at or before `asKnownAt`
    /// (all of them when nil).
    public init(versions: [ConsentVersion], asKnownAt: Date? = nil) {
        var latest: [String: ConsentVersion] = [:]
        for version in versions where asKnownAt.map({ version.receivedAt <= $0 }) ?? true {
            if let known = latest[version.id], known.version > version.version { continue }
            latest[version.id] = version
        }
        var bySubject: [String: [ConsentVersion]] = [:]
        for version in latest.values { bySubject[version.bsn, default: []].append(version) }
        self.bySubject = bySubject.mapValues { $0.sorted { $0.id < $1.id } }
    }

    /// The consent that makes `purpose` for `recipient` valid for `bsn` at `moment`, if any (the
    /// lowest `toestemmingId` when several do).
    public func validConsent(bsn: String, purpose: String, recipient: String, at moment: Date) -> ConsentVersion? {
        bySubject[bsn]?.first { $0.purpose == purpose && $0.recipient == recipient && $0.isValid(at: moment) }
    }
}

/// The register's question for one subject, straight from the store.
public enum ConsentRegister {
    /// Was consent valid for `purpose`, `recipient`, subject `bsn` at `moment` — judged on the latest
    /// version of each consent received by `asKnownAt` (everything received when nil)? The version
    /// that made it valid, or nil.
    public static func validConsent(
        bsn: String, purpose: String, recipient: String, at moment: Date, asKnownAt: Date? = nil, in tx: any StoreTransaction
    ) throws -> ConsentVersion? {
        ConsentIndex(versions: try tx.consentVersions(bsn: bsn), asKnownAt: asKnownAt)
            .validConsent(bsn: bsn, purpose: purpose, recipient: recipient.uppercased(), at: moment)
    }
}
