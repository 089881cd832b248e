import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreTesting
import Testing

@testable import StorePostgres

/// The PostgreSQL engine against the conformance suite every store engine runs: one server for
/// the test process, a database of its own per check, migrated as the owner role and used as the
/// gateway role.
@Suite("PostgreSQL store: conformance")
struct PostgresConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        try await check.run(on: PostgresHarness())
    }
}
