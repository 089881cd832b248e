import Foundation
import KetenpoortCore
import KetenpoortTesting
import Sealing
import X509

/// A dev PKI made in a temporary directory at a fixed instant.
struct TestPKI {
    /// 2026-11-22T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let gateway = try! DevPKI.Identity(id: "gateway", oin: OIN("00000001234567890000")!, organisation: "ketenpoort")
    static let amsterdam = try! DevPKI.Identity(id: "gm0363", oin: OIN("00000001100003630000")!, organisation: "Gemeente Amsterdam")

    let directory: TempDirectory
    let report: DevPKI.Report

    init(parties: [DevPKI.Identity] = [gateway, amsterdam]) throws {
        directory = try TempDirectory()
        report = try DevPKI.initialize(directory: directory.url, parties: parties, now: Self.now)
    }

    var ca: Certificate { get throws { try PEMFiles.loadCertificates(DevPKI.caCertificateFile(in: directory.url))[0] } }

    func signer(_ id: String = "gateway") throws -> SigningIdentity { try DevPKI.signingIdentity(id, in: directory.url) }

    func remove() { directory.remove() }
}

/// A small batch: three JSON lines, their record hashes, and the recipient.
enum SampleBatch {
    static let records = [#"{"id":1}"#, #"{"id":2}"#, #"{"id":3}"#].map { Data($0.utf8) }
    static var payload: Data { Data(records.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n").utf8 + [10]) }
    static var recordHashes: [Data] { records.map(MerkleTree.recordHash) }

    static func seal(with signer: SigningIdentity, at time: Date = TestPKI.now) throws -> SealedBatch {
        try BatchSealer(signer: signer).seal(
            payload: payload, recordHashes: recordHashes, batch: "b-2026-11-22-gm0363-1", recipient: TestPKI.amsterdam.oin,
            contract: "coa-gemeente-kennisgeving", contractVersion: "1.0.0", issuedAt: time)
    }
}
