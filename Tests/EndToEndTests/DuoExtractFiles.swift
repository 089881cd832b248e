import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store

/// DUO extract files for tests: the samples' detail lines, changed line by line, with a header and a
/// trailer written to order (by default a trailer that matches).
enum DuoExtractFile {
    /// The detail lines of a sample (without header and trailer).
    static func details(_ sample: String) throws -> [String] {
        let text = String(decoding: try Data(contentsOf: Repository.sample("duo", sample)), as: UTF8.self)
        return text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("D") }
    }

    /// `line` with the characters at the 1-based positions `from…` replaced by `text`.
    static func replacing(_ line: String, at from: Int, with text: String) -> String {
        var characters = Array(line)
        characters.replaceSubrange((from - 1)..<(from - 1 + text.count), with: Array(text))
        return String(characters)
    }

    /// Writes header, `details` and trailer as `name` in `directory`; `count` and `total` override the trailer.
    @discardableResult
    static func write(
        _ details: [String], sequence: Int, created: String = "20261123", count: Int? = nil, total: Int? = nil, name: String? = nil,
        in directory: TempDirectory
    ) throws -> URL {
        let sum = details.reduce(0) { ($0 + (Int($1.dropFirst().prefix(9)) ?? 0)) % 1_000_000_000_000_000 }
        let lines =
            [pad("H00000001003214345000" + created + number(sequence, 6))] + details
            + [pad("T" + number(count ?? details.count, 9) + number(total ?? sum, 15))]
        return try directory.write(name ?? "duo-inburgering-\(created).dat", lines.joined(separator: "\n") + "\n")
    }

    static func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, 100 - text.count)) }
    static func number(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Everything the status store holds, for before/after comparisons.
struct StatusStoreContents: Equatable {
    let statuses: [DuoStatus]
    let lastExtract: DuoExtractMark?

    init(_ store: any Store) throws {
        var statuses: [DuoStatus] = []
        try store.duoStatus.read { tx in try tx.forEachDuoStatus { statuses.append($0) } }
        self.statuses = statuses
        lastExtract = try store.duoStatus.read { try $0.lastDuoExtract() }
    }
}
