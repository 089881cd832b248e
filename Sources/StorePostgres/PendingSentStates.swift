import Foundation
import KetenpoortCore

/// The sent states a transaction has put and not yet written: a night puts one per notification,
/// and a statement each would be a round trip each. They are written together — one `unnest`
/// upsert per few thousand — before anything reads or removes sent state, and before the commit.
///
/// `@unchecked Sendable`: used by the one engine thread that runs its transaction.
final class PendingSentStates: @unchecked Sendable {
    /// Rows to write, the last put of a key winning (an upsert may not touch a row twice).
    private var rows: [String: SentState] = [:]
    private var order: [String] = []

    /// The largest group written in one statement.
    static let groupSize = 5_000

    var isEmpty: Bool { rows.isEmpty }

    func add(_ state: SentState) {
        let key = state.gemeente + "\u{1F}" + state.person.value
        if rows.updateValue(state, forKey: key) == nil { order.append(key) }
    }

    /// Writes every pending row on `connection`, in groups.
    func flush(on connection: PostgresConnection) throws {
        guard !rows.isEmpty else { return }
        let states = order.compactMap { rows[$0] }
        rows = [:]
        order = []
        for start in stride(from: 0, to: states.count, by: Self.groupSize) {
            let group = states[start..<min(start + Self.groupSize, states.count)]
            try connection.query(
                """
                INSERT INTO sent (gemeente, person, bsn, vnummer, content_hash, housed, last_run)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[])
                ON CONFLICT (gemeente, person) DO UPDATE SET bsn = excluded.bsn, vnummer = excluded.vnummer,
                    content_hash = excluded.content_hash, housed = excluded.housed, last_run = excluded.last_run
                """,
                [
                    PostgresArray.text(group.map(\.gemeente)), PostgresArray.text(group.map(\.person.value)), PostgresArray.text(group.map(\.bsn)),
                    PostgresArray.text(group.map(\.vnummer)), PostgresArray.text(group.map(\.contentHash)),
                    PostgresArray.literal(group.map { $0.isHoused ? "t" : "f" }), PostgresArray.text(group.map(\.lastRun.value)),
                ])
        }
    }
}

/// Array parameters in PostgreSQL's array input syntax.
enum PostgresArray {
    /// Texts, each quoted (`NULL` for nil). Built byte by byte: a night's flush encodes hundreds of thousands of values, and string
    /// replacement through Foundation took most of the sync's CPU on PostgreSQL.
    static func text(_ values: [String?]) -> String {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(values.count * 24 + 2)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let value else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(quote)
            for byte in value.utf8 {
                if byte == quote || byte == backslash { bytes.append(backslash) }
                bytes.append(byte)
            }
            bytes.append(quote)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func text(_ values: [String]) -> String { text(values.map { Optional($0) }) }

    /// Values that need no quoting (flags, numbers).
    static func literal(_ values: [String]) -> String { "{" + values.joined(separator: ",") + "}" }
}
