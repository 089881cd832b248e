import Foundation
import Store
import Testing

/// One check of the conformance suite: a behaviour every store engine must show, run on a fresh store.
///
/// An engine's test target runs them all:
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conforms(_ check: ConformanceCheck) async throws { try await check.run(on: SQLiteHarness()) }
/// ```
public struct ConformanceCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (_ store: any Store, _ clock: SteppingClock, _ harness: any StoreEngineHarness) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any Store, SteppingClock, any StoreEngineHarness) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { name }

    /// Runs the check on a new store of `harness`'s engine.
    public func run(on harness: any StoreEngineHarness) async throws {
        let clock = SteppingClock()
        try await harness.withStore(clock: clock) { store in try await body(store, clock, harness) }
    }
}

/// Every check an engine must pass.
public enum StoreConformance {
    public static let checks: [ConformanceCheck] =
        transactionChecks + outboxChecks + claimChecks + leaseChecks + auditChecks + appendOnlyChecks + recordChecks
        + duoStatusChecks
}
