import Contracts

/// What the nightly sync decided for one person and one municipality: a notification of a `soort`
/// (formats.md §2: `nieuw`, `wijziging`, `intrekking`), or `vergeten` — no notification at all: the
/// person was housed there and left COA's care, so the municipality's sent state is forgotten.
enum NotificationKind: String, Sendable, CaseIterable {
    case nieuw, wijziging, intrekking, vergeten

    /// The encoding context of a notification of this kind: its `soort` attribute.
    var context: [String: FieldValue] { Self.contexts[self]! }

    private static let contexts: [Self: [String: FieldValue]] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, ["soort": .text($0.rawValue)]) })
}
