import Crypto
import Foundation
import KetenpoortCore
import Sealing

/// Where a `ReceiveServer` keeps what it accepts: `<dir>/<party>/<key>.<ext>`, the delivery's header
/// fields (the seal among them) as `<key>.headers` — one `Name: value` line each, as a recipient
/// keeps them to verify the batch later (docs/sealed-batch.md) — and, written last as the commit
/// mark, `<key>.receipt.json`. Each is written to a temporary file and renamed.
///
/// An actor, so two requests with one key cannot both store; the files are small local writes.
actor InboxStore {
    enum Outcome: Sendable {
        /// Stored now; the receipt's JSON.
        case created(Data)
        /// Stored before with the same bytes: the first receipt, unchanged.
        case duplicate(Data)
        /// Stored before with other bytes under the same key.
        case conflict
    }

    private let directory: URL
    private let storesByParty: Bool
    private var receipts: [String: (sha256: String, json: Data)] = [:]

    init(directory: URL, storesByParty: Bool) {
        self.directory = directory
        self.storesByParty = storesByParty
    }

    /// Stores `body` unless the key is known; `party` and `key` are already checked to be plain tokens.
    func store(party: String, key: String, contentType: String?, headers: [(name: String, value: String)], body: HashedPayload, now: Date) throws
        -> Outcome
    {
        let folder = storesByParty ? directory.appendingPathComponent(party, isDirectory: true) : directory
        let receiptFile = folder.appendingPathComponent("\(key).receipt.json")
        let digest = Hex.encode(body.sha256)
        if let known = try knownReceipt(folder: folder, file: receiptFile) {
            return known.sha256 == digest ? .duplicate(known.json) : .conflict
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.writeAtomically(body.bytes, to: folder.appendingPathComponent("\(key).\(Self.fileExtension(for: contentType))"))
            try Self.writeAtomically(
                Data(headers.map { "\($0.name): \($0.value)\n" }.joined().utf8), to: folder.appendingPathComponent("\(key).headers"))
            let json = try InboxReceipt(batch: key, ontvangen: Self.timestamp(now), sha256: digest).encoded()
            try Self.writeAtomically(json, to: receiptFile)
            receipts[receiptFile.path] = (digest, json)
            return .created(json)
        } catch {
            throw KetenpoortError(.outputUnwritable, "cannot store batch \(key) in \(folder.path): \(error.localizedDescription)")
        }
    }

    /// The receipt of an earlier delivery, from memory or, after a restart, from disk.
    private func knownReceipt(folder: URL, file: URL) throws -> (sha256: String, json: Data)? {
        if let known = receipts[file.path] { return known }
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let json = try Data(contentsOf: file)
        let receipt = try JSONDecoder().decode(InboxReceipt.self, from: json)
        receipts[file.path] = (receipt.sha256, json)
        return (receipt.sha256, json)
    }

    /// Durable before it is answered as stored: whole or not at all (a synced temporary file, renamed).
    private static func writeAtomically(_ data: Data, to url: URL) throws {
        try SecureFile.write(data, to: url, mode: 0o644, failing: .outputUnwritable)
    }

    /// The file extension for a content type: xml, csv, jsonl, json, else bin.
    static func fileExtension(for contentType: String?) -> String {
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch mediaType {
        case "application/xml", "text/xml": return "xml"
        case "text/csv": return "csv"
        case "application/jsonl", "application/x-ndjson", "application/jsonlines": return "jsonl"
        case "application/json": return "json"
        default: return "bin"
        }
    }

    /// `2026-11-30T10:04:12.123Z`: made once (creating an `ISO8601DateFormatter` per receipt cost
    /// the receiver more than the receipt).
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func timestamp(_ date: Date) -> String { timestampStyle.format(date) }
}
