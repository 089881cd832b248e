import Foundation
import KetenpoortCore

/// The incident register: append-only (an engine refuses to change or delete a row).
public protocol IncidentTransaction {
    /// Inserts a new incident; an existing id is an error.
    func recordIncident(_ incident: IncidentRecord) throws
    /// The incident `id`, if recorded.
    func incident(id: String) throws -> IncidentRecord?
    /// Every incident, oldest first.
    func incidents() throws -> [IncidentRecord]
    /// Appends `event` to its incident's workflow; an existing (incident, sequence) is an error. The store does
    /// not check the transition (`IncidentRegister` does).
    func appendIncidentEvent(_ event: IncidentEvent) throws
    /// The events of `incident`, oldest first.
    func incidentEvents(incident: String) throws -> [IncidentEvent]
    /// Counts one more attempt of an aggregated incident and returns the new total.
    func countAttempt(incident: String, at: Date) throws -> Int
    /// The attempts counted for `incident` (0 when it is not aggregated).
    func attempts(incident: String) throws -> Int
}
