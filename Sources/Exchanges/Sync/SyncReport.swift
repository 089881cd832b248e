import Adapters
import Gateway
import KetenpoortCore

/// What one nightly sync did; every item is accounted for.
public struct SyncReport: Codable, Sendable {
    /// Notifications of one municipality in this run.
    public struct Counts: Codable, Sendable, Equatable {
        public var nieuw = 0
        public var wijziging = 0
        public var intrekking = 0
        public var total: Int { nieuw + wijziging + intrekking }
    }

    public var run: RunID
    public var snapshotDate: String
    public var validation: ValidationReport
    /// Accepted persons whose municipality already holds exactly this (nothing sent).
    public var unchanged = 0
    /// Accepted persons not linked to any municipality (and not linked before).
    public var unlinked = 0
    /// Notifications held because their municipality has no registered party, per code.
    public var held: [String: Int] = [:]
    /// Persons gone from the snapshot after being housed: nothing sent, as formats.md §2 says.
    public var leftHoused = 0
    public var perMunicipality: [String: Counts] = [:]
    /// Batches sealed into the outbox.
    public var batches: [BatchID] = []
    /// Batches the routing guard or the consent guard stopped.
    public var blocked: [BatchID] = []

    public init(run: RunID, snapshotDate: String, validation: ValidationReport) {
        self.run = run
        self.snapshotDate = snapshotDate
        self.validation = validation
    }

    /// Notifications sealed, all municipalities together.
    public var notifications: Int { perMunicipality.values.reduce(0) { $0 + $1.total } }
}
