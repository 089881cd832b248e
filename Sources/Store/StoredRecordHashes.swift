import KetenpoortCore

/// How both engines keep a batch's record hashes: one text column, comma-separated.
extension OutboxBatch {
    /// The record hashes as stored.
    public var storedRecordHashes: String { recordHashes.joined(separator: ",") }

    /// The record hashes of a stored list, split on its bytes: a batch lists thousands, and every
    /// delivery attempt reads its batch — a `Character`-wise split cost more than the send (measured
    /// in the PostgreSQL night: 3 % of the machine).
    public static func recordHashes(stored text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var values: [String] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
                if index > start { values.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
                start = index + 1
            }
            return values
        }
    }
}
