import Foundation

/// One person's integration status as DUO last reported it: a detail record of the status extract
/// (formats.md §3), typed. Dates are ISO `yyyy-mm-dd` (nil when DUO sent `00000000`); the birth
/// date keeps DUO's `yyyymmdd` with `00` for an unknown day or month.
public struct DuoStatus: Sendable, Equatable, Codable {
    /// Nine digits, passing the 11-test.
    public var bsn: String
    /// `3` Wi2013, `1` Wi2021.
    public var regime: String
    /// `A` asiel, `G` gezin, `O` overig.
    public var doelgroep: String
    /// Start of the integration obligation.
    public var plichtStart: String?
    /// End of the integration term, extensions included; may lie in the future.
    public var termijnEinde: String?
    /// DUO's status code: `PL`, `PB`, `PN`, `PV`, `VD`, `OM`, `OI`, `OO`, `VR`, `VV`.
    public var status: String
    /// When the current `status` took effect.
    public var statusdatum: String?
    /// `B`, `O`, `Z`, or nil (Wi2013).
    public var leerroute: String?
    /// Start of the learning route.
    public var leerrouteStart: String?
    /// When the PIP (*Plan Inburgering en Participatie*) was fixed; Wi2021 only.
    public var pipDatum: String?
    /// Whether the PIP was fixed while the person lived in an azc; nil when not reported.
    public var pipInAzc: Bool?
    /// `A1` … `C1`, or nil.
    public var taalniveau: String?
    /// The number of fines imposed.
    public var aantalBoetes: Int
    /// Whether the collection of fines and loans is paused.
    public var invorderingGepauzeerd: Bool
    /// The municipality responsible under Wi2021 (`GM` and four digits), when there is one.
    public var gemeente: String?
    /// `M`, `V`, `X`, or `O` for unknown.
    public var geslacht: String
    /// `yyyymmdd`, with `00` for an unknown day or month (`00000000` when not known at all).
    public var geboortedatum: String
    /// Country of origin, ISO 3166-1 alpha-3.
    public var landHerkomst: String
    /// Whether the person works during integration, as the municipality reported; nil when not reported.
    public var werkend: Bool?
    /// Whether the person is in follow-up education; nil when not reported.
    public var vervolgonderwijs: Bool?

    /// Memberwise.
    public init(
        bsn: String, regime: String, doelgroep: String, plichtStart: String?, termijnEinde: String?, status: String, statusdatum: String?,
        leerroute: String?, leerrouteStart: String?, pipDatum: String?, pipInAzc: Bool?, taalniveau: String?, aantalBoetes: Int,
        invorderingGepauzeerd: Bool, gemeente: String?, geslacht: String, geboortedatum: String, landHerkomst: String, werkend: Bool?,
        vervolgonderwijs: Bool?
    ) {
        self.bsn = bsn
        self.regime = regime
        self.doelgroep = doelgroep
        self.plichtStart = plichtStart
        self.termijnEinde = termijnEinde
        self.status = status
        self.statusdatum = statusdatum
        self.leerroute = leerroute
        self.leerrouteStart = leerrouteStart
        self.pipDatum = pipDatum
        self.pipInAzc = pipInAzc
        self.taalniveau = taalniveau
        self.aantalBoetes = aantalBoetes
        self.invorderingGepauzeerd = invorderingGepauzeerd
        self.gemeente = gemeente
        self.geslacht = geslacht
        self.geboortedatum = geboortedatum
        self.landHerkomst = landHerkomst
        self.werkend = werkend
        self.vervolgonderwijs = vervolgonderwijs
    }
}

/// A DUO status extract that was applied: the sequence baseline and what the status store reflects.
public struct DuoExtractMark: Sendable, Equatable {
    /// The header's sequence number (`volgnummer`), one more than the previous extract's.
    public let sequence: Int
    /// The extract's creation date (its header): the `peildatum` of every answer from the store.
    public let creationDate: CalendarDate
    /// The file's name, without its folder.
    public let fileName: String
    /// SHA-256 of the file's bytes (hex): re-applying the very same file is a no-op.
    public let sha256: String
    /// The number of detail records in the file.
    public let records: Int
    /// When it was applied.
    public let appliedAt: Date

    /// Memberwise.
    public init(sequence: Int, creationDate: CalendarDate, fileName: String, sha256: String, records: Int, appliedAt: Date) {
        self.sequence = sequence
        self.creationDate = creationDate
        self.fileName = fileName
        self.sha256 = sha256
        self.records = records
        self.appliedAt = appliedAt
    }
}

/// What applying one detail record did to the status store.
public enum DuoStatusChange: String, Sendable, Codable {
    /// The person was not in the store.
    case inserted
    /// The person was there with other values.
    case changed
    /// The person was there with exactly these values.
    case unchanged
}

/// What applying a group of detail records did to the status store: each record counted once.
public struct DuoStatusChanges: Sendable, Equatable {
    public var inserted = 0
    public var changed = 0
    public var unchanged = 0

    public init(inserted: Int = 0, changed: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted
        self.changed = changed
        self.unchanged = unchanged
    }

    /// Counts one record's change.
    public mutating func count(_ change: DuoStatusChange) {
        switch change {
        case .inserted: inserted += 1
        case .changed: changed += 1
        case .unchanged: unchanged += 1
        }
    }
}
