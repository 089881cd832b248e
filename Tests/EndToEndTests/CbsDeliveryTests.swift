import Crypto
import Exchanges
import Foundation
import Gateway
import GatewayHTTP
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import Testing

/// The CBS statistics delivery (issue 5 §1): byte-exact files, stable pseudonyms, once per period,
/// corrections, and the push over mutual TLS with retries and resend.
@Suite("CBS delivery", .serialized)
struct CbsDeliveryTests {
    static let key = Data("cbs-test-key-2026".utf8)
    static let sample = "duo-inburgering-20261123.dat"

    /// A gateway with a CBS delivery key and a receiver on loopback, the 2026-11-23 extract ingested.
    static func start(faultPlan: FaultPlan? = nil) async throws -> (DeliveryFixture, GatewayRuntime) {
        let fixture = try await DeliveryFixture.start(faultPlan: faultPlan)
        let keyFile = fixture.directory.file("var/secrets/cbs-delivery-key")
        try FileManager.default.createDirectory(at: keyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: keyFile.path, contents: key + Data("\n".utf8), attributes: [.posixPermissions: 0o600]))
        // The repository's ketenpoort.yaml names var/secrets/cbs-delivery-key and var/cbs.
        let runtime = fixture.runtime
        #expect(try runtime.duoIngest().run(file: Repository.sample("duo", sample)).outcome == .applied)
        return (fixture, runtime)
    }

    /// The CSV the sample must give, computed from the fixed-width positions of formats.md §3 and
    /// the columns of §5, independently of the adapters.
    static func expectedCSV(key: Data = key) throws -> String {
        func field(_ line: String, _ from: Int, _ to: Int) -> String {
            let characters = Array(line)
            return String(characters[(from - 1)..<to]).trimmingCharacters(in: .whitespaces)
        }
        func date(_ line: String, _ from: Int) -> String {
            let text = field(line, from, from + 7)
            return text == "00000000" ? "" : "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.suffix(2))"
        }
        let lines = try DuoExtractFile.details(sample).map { line in
            let bsn = field(line, 2, 10)
            let pseudonym = Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(bsn.utf8), using: SymmetricKey(data: key)))
            return [
                pseudonym, field(line, 11, 11), field(line, 12, 12), field(line, 68, 68), field(line, 69, 72), field(line, 77, 79),
                field(line, 62, 67),
                date(line, 13), field(line, 29, 30), date(line, 31), field(line, 39, 39), date(line, 40), date(line, 48), field(line, 56, 56),
                field(line, 57, 58), field(line, 80, 80), field(line, 81, 81),
            ].joined(separator: ";")
        }.sorted()
        return
            ([
                "pseudoniem;regime;doelgroep;geslacht;geboortejaar;land_herkomst;gemeente;plicht_start;status;status_datum;leerroute;leerroute_start;pip_datum;pip_in_azc;taalniveau;werkend;vervolgonderwijs"
            ]
            + lines).joined(separator: "\n") + "\n"
    }

    static func pseudonyms(_ csv: Data) -> Set<String> {
        Set(String(decoding: csv, as: UTF8.self).split(separator: "\n").dropFirst().map { String($0.prefix(64)) })
    }

    @Test("the CSV and the manifest are byte-exact; the manifest's sha256 is that of the CSV; the outbox and the files hold the same bytes")
    func byteExact() async throws {
        let (fixture, runtime) = try await Self.start()
        defer { fixture.stop() }
        let report = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let csv = try Self.expectedCSV()
        let sha = Hex.encode(SHA256.hash(data: Data(csv.utf8)))
        let manifest =
            "{\"bron\":\"DUO\",\"periode\":\"2026Q3\",\"schema\":\"cbs-wi/1\",\"aantal\":5,\"sha256\":\"\(sha)\",\"aangemaakt\":\"2026-11-24T12:00:00+01:00\"}"
        #expect(report.csvBatch == "cbs-wi-duo-2026Q3" && report.manifestBatch == "cbs-wi-duo-2026Q3.manifest")
        #expect(report.records == 5 && report.sha256 == sha)
        #expect(report.extractSequence == 43 && report.extractDate == "2026-11-23")
        #expect(report.manifest == manifest)
        let csvBatch = try await #require(try runtime.store.read { try $0.storedBatch(id: report.csvBatch) })
        let manifestBatch = try await #require(try runtime.store.read { try $0.storedBatch(id: report.manifestBatch) })
        #expect(String(decoding: csvBatch.payload, as: UTF8.self) == csv)
        #expect(String(decoding: manifestBatch.payload, as: UTF8.self) == manifest)
        #expect(csvBatch.contentType == "text/csv" && manifestBatch.contentType == "application/json")
        #expect(csvBatch.recipient == "cbs" && csvBatch.recordCount == 5 && csvBatch.contract == "cbs-levering")
        #expect(try String(contentsOfFile: report.files[0], encoding: .utf8) == csv)
        #expect(report.files[1].hasSuffix("var/cbs/cbs-wi-duo-2026Q3.manifest.json"))
        #expect(try String(contentsOfFile: report.files[1], encoding: .utf8) == manifest)
        // No BSN in what leaves.
        for line in try DuoExtractFile.details(Self.sample) { #expect(!csv.contains(String(line.dropFirst().prefix(9)))) }
        // The delivery is registered with the extract it reflects, and on the audit chain.
        let registered = try await runtime.store.read { try $0.cbsDeliveries(source: "duo", period: "2026Q3") }
        #expect(registered.map(\.extractDate) == [CalendarDate(year: 2026, month: 11, day: 23)!])
        #expect(try await runtime.store.read { try $0.auditEntries(kind: "cbs.delivery-sealed", field: "period", equals: "2026Q3") }.count == 1)
    }

    @Test("a period is delivered once; a correction is marked and keeps the pseudonyms; another key gives other pseudonyms")
    func onceThenCorrection() async throws {
        let (fixture, runtime) = try await Self.start()
        defer { fixture.stop() }
        let first = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        #expect(throws: KetenpoortError(.cbsRefused, "")) { try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!) }
        #expect(throws: KetenpoortError(.cbsRefused, "")) { try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q2")!, correction: true) }
        // The period has not ended in the store yet.
        #expect(throws: KetenpoortError(.cbsRefused, "")) { try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q4")!) }

        let correction = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!, correction: true)
        #expect(correction.csvBatch == "cbs-wi-duo-2026Q3-correctie-1" && correction.correction == 1)
        #expect(correction.manifest.hasSuffix(",\"correctie\":true,\"vervangt\":\"cbs-wi-duo-2026Q3\"}"))
        let payload = { (id: BatchID) in try #require(try runtime.store.read { try $0.storedBatch(id: id) }).payload }
        #expect(Self.pseudonyms(try payload(first.csvBatch)) == Self.pseudonyms(try payload(correction.csvBatch)))
        #expect(try payload(first.csvBatch) == payload(correction.csvBatch))

        let otherKey = try CbsLevering(
            workspace: runtime.workspace, store: runtime.store, registry: runtime.configuration.registry,
            sealer: try BatchSealer(signer: try runtime.signingIdentity()), deliveryKey: Data("another-key-for-cbs".utf8), clock: SyncFixture.clock,
            audit: runtime.auditChain())
        let other = try otherKey.deliver(period: CbsPeriod("2026Q3")!, correction: true)
        #expect(other.csvBatch == "cbs-wi-duo-2026Q3-correctie-2")
        #expect(Self.pseudonyms(try payload(other.csvBatch)).isDisjoint(with: Self.pseudonyms(try payload(first.csvBatch))))
        #expect(String(decoding: try payload(other.csvBatch), as: UTF8.self) == (try Self.expectedCSV(key: Data("another-key-for-cbs".utf8))))
    }

    @Test("the pair is pushed over mutual TLS: a 503 is retried, and the receiver stores the files of §5 with the exact bytes")
    func pushedWithRetry() async throws {
        let (fixture, runtime) = try await Self.start(faultPlan: .unavailable(first: 2, retryAfter: "0"))
        defer { fixture.stop() }
        let report = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let client = CurlClient()
        let round = try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)
            .deliverUntilDone(deadline: Date().addingTimeInterval(60))
        await client.shutdown()
        #expect(Set(round.delivered) == [report.csvBatch, report.manifestBatch])
        #expect(try fixture.receivedFiles() == ["cbs/cbs-wi-duo-2026Q3.csv", "cbs/cbs-wi-duo-2026Q3.manifest.json"])
        let received = try Data(contentsOf: fixture.received.appendingPathComponent("cbs/cbs-wi-duo-2026Q3.csv"))
        #expect(String(decoding: received, as: UTF8.self) == (try Self.expectedCSV()))
        #expect(try await runtime.store.read { try $0.storedBatch(id: report.csvBatch) }?.attempts ?? 0 >= 2)
    }

    @Test(
        "a delivery larger than a payload part is sealed, stored and pushed part by part: every copy is the same sorted CSV its seal and manifest name"
    )
    func largerThanAPart() async throws {
        let (fixture, runtime) = try await Self.start(faultPlan: .unavailable(first: 1, retryAfter: "0"))
        defer { fixture.stop() }
        let extract = fixture.directory.file("duo-inburgering-20261124.dat")
        try DuoPopulationGenerator(persons: 12_000).write(to: extract, created: CalendarDate(year: 2026, month: 11, day: 24)!, sequence: 44)
        #expect(try runtime.duoIngest().run(file: extract).outcome == .applied)
        let report = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let batch = try await #require(try runtime.store.read { try $0.batch(id: report.csvBatch) })
        #expect(batch.payloadBytes > OutboxBatch.payloadPartSize)
        let client = CurlClient()
        let round = try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)
            .deliverUntilDone(deadline: Date().addingTimeInterval(60))
        await client.shutdown()
        #expect(Set(round.delivered) == [report.csvBatch, report.manifestBatch])

        let received = try Data(contentsOf: fixture.received.appendingPathComponent("cbs/cbs-wi-duo-2026Q3.csv"))
        #expect(received == (try Data(contentsOf: URL(fileURLWithPath: report.files[0]))))
        #expect(received == (try await runtime.store.read { try $0.payload(of: report.csvBatch) }))
        #expect(received.count == batch.payloadBytes)
        #expect(Hex.encode(SHA256.hash(data: received)) == report.sha256 && report.manifest.contains(report.sha256))
        let lines = received.split(separator: UInt8(ascii: "\n")).dropFirst().map { Data($0) + [UInt8(ascii: "\n")] }
        #expect(lines.count == 12_000 && report.records == 12_000)
        #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
        // The seal: the Merkle root over the lines, the signature over the bytes received.
        #expect(batch.merkleRoot == MerkleTree(recordHashes: lines.map(MerkleTree.recordHash)).rootHex)
        let roots = try PEMFiles.loadCertificates(fixture.directory.file("var/pki/ca.pem"))
        let header = try await DetachedJWS.verify(jws: batch.signature, payload: received, trustedRoots: roots, at: Date())
        #expect(header.count == 12_000 && header.merkleRoot == batch.merkleRoot)
    }

    @Test("a local copy lost after sealing (a crash, a deleted file) is written again from the outbox, byte for byte")
    func localCopyRestored() async throws {
        let (fixture, runtime) = try await Self.start()
        defer { fixture.stop() }
        let report = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let csv = try Data(contentsOf: URL(fileURLWithPath: report.files[0]))
        #expect(try runtime.cbsLevering().restoreFiles(period: CbsPeriod("2026Q3")!).isEmpty)
        try FileManager.default.removeItem(atPath: report.files[0])
        #expect(try runtime.cbsLevering().restoreFiles(period: CbsPeriod("2026Q3")!) == [report.files[0]])
        #expect(try Data(contentsOf: URL(fileURLWithPath: report.files[0])) == csv)
        #expect(String(decoding: csv, as: UTF8.self) == (try Self.expectedCSV()))
    }

    @Test("a subject access request names the CBS deliveries that hold the person's pseudonym, and no others")
    func subjectAccess() async throws {
        let (fixture, runtime) = try await Self.start()
        defer { fixture.stop() }
        _ = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let line = try #require(try DuoExtractFile.details(Self.sample).first)
        let inStore = try #require(BSN(line.dropFirst().prefix(9)))
        let cbs = try SubjectAccess(runtime: runtime).processings(of: inStore).filter { $0.activity == "cbs-levering" }
        #expect(cbs.count == 1)
        #expect(cbs.first?.details.contains("2026Q3") == true && cbs.first?.by.contains("00000001003214370000") == true)
        // A person DUO never reported was not delivered.
        let absent = try #require(BSN("111222333"))
        #expect(try SubjectAccess(runtime: runtime).processings(of: absent).allSatisfy { $0.activity != "cbs-levering" })
        // Once the file is gone (retention), the delivery is named for anyone, saying it cannot tell.
        try await runtime.store.write { try $0.deletePayload(batch: "cbs-wi-duo-2026Q3") }
        let unknown = try SubjectAccess(runtime: runtime).processings(of: absent).filter { $0.activity == "cbs-levering" }
        #expect(unknown.count == 1 && unknown.first?.details.contains("niet meer na te gaan") == true)
    }

    @Test("a refused push is dead-lettered; resent, it is delivered")
    func deadLetteredThenResent() async throws {
        let (fixture, runtime) = try await Self.start(faultPlan: FaultPlan(fault: .respond(status: 400, retryAfter: nil), count: 2))
        defer { fixture.stop() }
        let report = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let client = CurlClient()
        let worker = DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)
        let first = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(60))
        #expect(Set(first.deadLettered) == [report.csvBatch, report.manifestBatch])
        try await runtime.store.write { tx in for id in [report.csvBatch, report.manifestBatch] { try tx.requeue(batch: id, at: Date()) } }
        let second = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(60))
        await client.shutdown()
        #expect(Set(second.delivered) == [report.csvBatch, report.manifestBatch])
        #expect(try fixture.receivedFiles() == ["cbs/cbs-wi-duo-2026Q3.csv", "cbs/cbs-wi-duo-2026Q3.manifest.json"])
    }
}
