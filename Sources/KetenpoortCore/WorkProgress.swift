/// Where long work — a sync, a DUO ingest, a CBS delivery — says how far it is: the items done in a
/// phase so far, and when the phase ends. The command line shows it; elsewhere it goes nowhere.
public protocol WorkProgress: Sendable {
    /// `phase` has done `items` so far. Called every few thousand items: the reporter decides
    /// what to show, and when.
    func advanced(_ phase: String, items: Int)
    /// `phase` ended with `items` done.
    func finished(_ phase: String, items: Int)
}

/// Progress nobody watches.
public struct NoProgress: WorkProgress {
    public init() {}
    public func advanced(_ phase: String, items: Int) {}
    public func finished(_ phase: String, items: Int) {}
}

/// How often work reports.
public enum WorkProgressReport {
    /// How many items pass between two calls of `advanced`.
    public static let every = 4_096
}
