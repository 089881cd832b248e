import Foundation
import GRDB
import KetenpoortCore
import KetenpoortTesting
import StoreSQLite
import Testing

@testable import GatewayHTTP
@testable import HTTPClient

/// The real-time path fails closed: no processing-log entry, no answer.
@Suite("IND status API: fail closed")
struct FailClosedTests {
    @Test("if the processing log cannot be written, the question is refused and nothing is answered")
    func failClosed() async throws {
        try await StatusAPIFixture.run { fixture in
            try await DatabaseQueue(path: SQLiteProcessingLog.path(forStore: fixture.runtime.configuration.store.path.path)).write { db in
                try db.execute(sql: "CREATE TRIGGER refuse_log BEFORE INSERT ON processing_log BEGIN SELECT RAISE(ABORT, 'disk full'); END")
            }
            let response = try await fixture.post("/statusvragen", StatusAPIFixture.single(StatusAPIFixture.persons[4].bsn))
            #expect(response.status == 503)
            #expect(response.json["code"] as? String == "processing-log.unavailable")
            #expect(!response.text.contains("voldaan") && response.json["status"] as? Int == 503)
            try APIDesignRulesTests.expectProblem(response, status: 503, "log unavailable")
            for (field, value) in APIDesignRulesTests.securityHeaders { #expect(response.header(field) == value, "\(field)") }
        }
    }
}
