import Foundation

/// How batch threads give way to the IND's answers.
///
/// `ketenpoort run`, which answers the IND while its nights run, puts batch work under `idle`
/// (`serveAnswers()`); every other command is batch work as a whole and runs it at `nice`.
/// `KETENPOORT_BATCH_POLICY` (`idle` or `nice`) in the environment overrides both.
public enum BatchPolicy: String, Sendable, CaseIterable {
    /// `SCHED_IDLE`: a batch thread runs only on a core no other thread wants, and gives it up the
    /// moment one does (measured: p99 of the answers during a night 13.5–27 ms against 94–111 ms at
    /// nice 10 on a slow machine of two cores). Its threads never wake a task themselves
    /// (`NormalPolicyRelay`). While other work keeps every core busy, a batch job goes on only at
    /// the floor `BatchFloor` gives it (about a twentieth of a core).
    case idle
    /// nice 10: batch work keeps about a tenth of a core that others want too; an answer may wait a
    /// scheduler slice behind it at each hand-off. For machines shared with other busy work, and
    /// for commands that are batch work as a whole.
    case nice

    /// The policy of batch work started from the current task, for a test that needs one without
    /// changing the process's (`$scoped.withValue(.idle) { … }`).
    @TaskLocal public static var scoped: BatchPolicy?

    private static let processDefault = LockedValue(BatchPolicy.nice)
    private static let environment: BatchPolicy? = try? fromEnvironment()

    /// The policy for batch work started here: the task's, the environment's, or the process's.
    public static var current: BatchPolicy { scoped ?? environment ?? processDefault.withLock { $0 } }

    /// Makes `idle` the process's policy: for a process that answers the IND while it runs batch work.
    public static func serveAnswers() { processDefault.withLock { $0 = .idle } }

    /// Throws `configuration.invalid` when `KETENPOORT_BATCH_POLICY` is set to something else than a policy.
    public static func checkEnvironment() throws { _ = try fromEnvironment() }

    private static func fromEnvironment() throws -> BatchPolicy? {
        guard let value = ProcessInfo.processInfo.environment["KETENPOORT_BATCH_POLICY"] else { return nil }
        guard let policy = BatchPolicy(rawValue: value) else {
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            throw KetenpoortError("configuration.invalid", "KETENPOORT_BATCH_POLICY must be one of \(known), not '\(value)'")
        }
        return policy
    }
}
