import Foundation
import KetenpoortCore
import Store

/// Writes a DUO status extract (formats.md §3) from statuses, streaming: header, one 100-character
/// detail record per status, and the trailer with the count and the control total. For benchmarks,
/// tests and demos — the gateway itself only reads these files.
public struct DuoExtractWriter {
    public static let lineLength = 100
    let handle: FileHandle
    var buffer: [UInt8] = []
    public private(set) var count = 0
    var controlTotal = 0

    /// Starts `url` with the header of `sender`, `created` and `sequence`.
    public init(url: URL, sender: String = "00000001800866472000", created: CalendarDate, sequence: Int) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw KetenpoortError(.outputUnwritable, "cannot write \(url.path)")
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
        line("H" + sender + created.compact + Self.number(sequence, 6))
    }

    /// Appends the detail record of `status`.
    public mutating func append(_ status: DuoStatus) throws {
        var text = "D" + status.bsn + status.regime + status.doelgroep
        text += Self.date(status.plichtStart) + Self.date(status.termijnEinde) + status.status + Self.date(status.statusdatum)
        text += (status.leerroute ?? " ") + Self.date(status.leerrouteStart) + Self.date(status.pipDatum) + Self.flag(status.pipInAzc)
        text += (status.taalniveau ?? "  ") + Self.number(status.aantalBoetes, 2) + (status.invorderingGepauzeerd ? "J" : "N")
        text += (status.gemeente ?? "      ") + status.geslacht + status.geboortedatum + status.landHerkomst
        text += Self.flag(status.werkend) + Self.flag(status.vervolgonderwijs)
        line(text)
        count += 1
        controlTotal = (controlTotal + (Int(status.bsn) ?? 0)) % 1_000_000_000_000_000
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes the trailer and closes the file.
    public mutating func finish() throws {
        line("T" + Self.number(count, 9) + Self.number(controlTotal, 15))
        try flush()
        try handle.close()
    }

    private mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(contentsOf: repeatElement(32, count: max(0, Self.lineLength - text.utf8.count)))
        buffer.append(10)
    }

    private mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func number(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// `yyyy-mm-dd` → `yyyymmdd`; none → `00000000`.
    static func date(_ iso: String?) -> String {
        guard let iso, iso.utf8.count == 10 else { return "00000000" }
        return String(iso.prefix(4)) + iso.dropFirst(5).prefix(2) + iso.suffix(2)
    }

    static func flag(_ value: Bool?) -> String { value.map { $0 ? "J" : "N" } ?? " " }
}
