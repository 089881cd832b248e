import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Testing

/// The `store:` section: SQLite by default, PostgreSQL with its own keys; a password in the URL is
/// refused without being echoed.
@Suite("Store settings")
struct StoreSettingsTests {
    static func load(store section: String) throws -> GatewayConfiguration {
        let template = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        let start = try #require(template.range(of: "store:\n  engine: sqlite"))
        let end = try #require(template.range(of: "\n\n", range: start.upperBound..<template.endIndex)).lowerBound
        let directory = try TempDirectory()
        defer { directory.remove() }
        let yaml = template.replacingCharacters(in: start.lowerBound..<end, with: section)
        return try GatewayConfiguration.load(contentsOf: try directory.write("ketenpoort.yaml", yaml))
    }

    @Test("a postgres store reads its url, pool, node, folder and password files")
    func postgres() throws {
        let configuration = try Self.load(
            store: """
                store:
                  engine: postgres
                  url: "postgresql://ketenpoort_gateway@db:5432/ketenpoort?sslmode=verify-full"
                  passwordFile: secrets/gateway
                  poolSize: 6
                  node: node-b
                  directory: work
                """)
        guard case .postgres(let settings) = configuration.store.engine else {
            Issue.record("not read as postgres")
            return
        }
        #expect(settings.url.hasSuffix("sslmode=verify-full"))
        #expect(settings.poolSize == 6 && settings.node == "node-b")
        #expect(settings.passwordFile?.lastPathComponent == "gateway")
        #expect(configuration.store.directory.lastPathComponent == "work")
    }

    @Test("a password in the URL, a pool out of range and an unknown engine are refused; the password is not repeated")
    func refused() throws {
        for (section, says) in [
            ("store:\n  engine: postgres\n  url: \"postgresql://gw:s3cr3t-pw@db/k\"\n  directory: work", "passwordFile"),
            ("store:\n  engine: postgres\n  url: \"host=db password=s3cr3t-pw\"\n  directory: work", "passwordFile"),
            ("store:\n  engine: postgres\n  url: \"host=db\"\n  poolSize: 0\n  directory: work", "1–64"),
            ("store:\n  engine: oracle\n  path: x", "sqlite (embedded) or postgres"),
        ] {
            let error = #expect(throws: KetenpoortError.self) { try Self.load(store: section) }
            #expect(error?.code == .configurationInvalid)
            #expect(error?.reason.contains(says) == true, "\(error?.reason ?? "")")
            #expect(error?.reason.contains("s3cr3t") == false)
        }
    }

    @Test("how long a node's leases and claims last: 60 s and 30 s unless set; under 3 s refused")
    func leaseAndClaimDurations() throws {
        let plain = try Self.load(store: "store:\n  engine: sqlite\n  path: var/ketenpoort.sqlite")
        #expect(plain.scheduleLeaseDuration == 60 && plain.delivery.claimDuration == 30)
        let set = try Self.load(store: "store:\n  engine: sqlite\n  path: var/ketenpoort.sqlite\n\nscheduler: { leaseSeconds: 20 }")
        #expect(set.scheduleLeaseDuration == 20)
        #expect(throws: KetenpoortError.self) {
            try Self.load(store: "store:\n  engine: sqlite\n  path: var/ketenpoort.sqlite\n\nscheduler: { leaseSeconds: 2 }")
        }
    }
}
