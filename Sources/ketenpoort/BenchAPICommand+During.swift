import Foundation
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing

/// What `bench-api --during-sync` and `--during-duo` set up besides the gateway: the file a
/// partner delivers to the inbox and, for a snapshot, the municipalities its night goes to.
extension BenchAPICommand {
    /// The municipalities of bench-sync: GM0001 … GM0342, ids and OINs as bench-sync makes them.
    static let benchMunicipalities = (1...342).map { number in
        (code: "GM" + String(format: "%04d", number), oin: "0000000100" + String(format: "%06d", number) + "0000")
    }

    /// The DUO extract delivered during the load is the population's next night (a few persons
    /// changed, gone and new), as DUO would send it.
    static let nextNight = 1

    /// `yaml` with its municipalities replaced by bench-sync's, each with its endpoint in the
    /// receiver process on `endpointPort`; every other party and setting stays as it is.
    static func withBenchMunicipalities(_ yaml: String, endpointPort: Int) -> String {
        let municipalities = benchMunicipalities.map { code, oin in
            "  - { id: \(code.lowercased()), role: gemeente, gemeente: \(code), oin: \"\(oin)\", name: Gemeente \(code), "
                + "endpoint: \"https://\(DevPKI.hostName(for: code.lowercased())):\(endpointPort)/inbox/\(code.lowercased())\", caBundle: var/pki/ca.pem }"
        }
        var lines: [String] = []
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) where !line.contains("role: gemeente") {
            lines.append(String(line))
            if line.hasPrefix("parties:") { lines += municipalities }
        }
        return lines.joined(separator: "\n")
    }

    /// Starts the municipalities' endpoint as another process (`ketenpoort receive`, as bench-sync
    /// does), storing what it receives in `folder`.
    static func startReceiver(port: Int, pki: URL, folder: URL) throws -> Process {
        let receiver = Process()
        // The 342 municipalities are other machines in reality: here their stand-in yields the
        // cores to the gateway (the whole process under SCHED_IDLE, nice 10 besides), so what is
        // measured is the gateway's own latency.
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/chrt")
        receiver.arguments = [
            "--idle", "0", "/usr/bin/nice", "-n", "\(ThreadPriority.batchNiceness)", ThisExecutable.url.path, "receive", "--port", String(port),
            "--dir", folder.path, "--cert",
            DevPKI.certificateFile(for: "gm0001", in: pki).path,
            "--key", DevPKI.privateKeyFile(for: "gm0001", in: pki).path, "--ca", DevPKI.caCertificateFile(in: pki).path,
            "--party-certificates", pki.path,
        ]
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        return receiver
    }

    /// Writes the file of the chosen mode and says how to deliver it; nil without a mode.
    /// `storeSequence` is the sequence number of the DUO extract in the store.
    func inboxDelivery(base: URL, pki: URL, storeSequence: Int) throws -> InboxDeliveryBenchmark.Delivery? {
        func tls(as party: String) -> TLSClientSettings {
            TLSClientSettings(
                clientCertificate: DevPKI.certificateFile(for: party, in: pki), clientKey: DevPKI.privateKeyFile(for: party, in: pki),
                trustedCA: DevPKI.caCertificateFile(in: pki))
        }
        if let duringSync {
            let name = "tvs-export-20261124.csv"
            let file = try SnapshotGenerator(rows: duringSync).write(to: base.appendingPathComponent(name))
            return InboxDeliveryBenchmark.Delivery(
                description: "a COA snapshot of \(duringSync) persons, its night to \(Self.benchMunicipalities.count) municipalities",
                contract: "coa-tvs-export", sender: tls(as: "coa"), file: file, fileName: name, contentType: "text/csv",
                received: BenchInput.receiverFolder(base))
        }
        if let duringDuo {
            let name = "duo-inburgering-20261124.dat"
            let file = base.appendingPathComponent(name)
            try DuoPopulationGenerator(persons: duringDuo).write(
                to: file, created: CalendarDate(year: 2026, month: 11, day: 24)!, sequence: storeSequence + 1, variant: Self.nextNight)
            return InboxDeliveryBenchmark.Delivery(
                description: "a DUO status extract of \(duringDuo) persons (sequence \(storeSequence + 1))", contract: "duo-status-extract",
                sender: tls(as: "duo"), file: file, fileName: name, contentType: "application/octet-stream", received: nil)
        }
        return nil
    }

    /// `bsns` less those who are not in the next night's extract of `records` persons (when one is
    /// delivered), so every question asks a person in the store before, during and after.
    static func keeping(_ bsns: [String], inNextExtractOf records: Int?) -> [String] {
        guard let records else { return bsns }
        var remaining = Set(bsns)
        DuoPopulationGenerator(persons: records).forEach(variant: nextNight) { remaining.remove($0.bsn) }
        return bsns.filter { !remaining.contains($0) }
    }
}
