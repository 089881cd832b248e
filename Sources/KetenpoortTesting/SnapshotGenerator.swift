import Foundation

/// Writes a realistic COA TVS snapshot of `rows` persons (valid BSNs and V-numbers, 342
/// municipalities, families, quoted free text), deterministic for a given seed. For benchmarks.
public struct SnapshotGenerator {
    public let rows: Int
    public let seed: UInt64
    /// Persons are linked to GM0001 … GM<municipalities>.
    public let municipalities: Int

    /// 1 for a snapshot as generated; 2 for the next night's: the same persons with 2 % of them
    /// changed (language hours), 0.5 % moved to another municipality, 0.25 % gone, and 1 % new
    /// persons after them — what a night after a first one sends (`wijziging`, `intrekking` + `nieuw`,
    /// `intrekking` or a forgetting, `nieuw`).
    public let night: Int

    public init(rows: Int, seed: UInt64 = 20_261_122, municipalities: Int = 342, night: Int = 1) {
        precondition(night == 1 || night == 2, "a snapshot of night 1 or 2")
        self.rows = rows
        self.seed = seed
        self.municipalities = municipalities
        self.night = night
    }

    static let surnames = [
        "Al-Hassan", "Haddad", "Tesfay", "Berhane", "Karimi", "Ahmadzai", "Öztürk", "Doğan", "Saleh", "Mohammed", "Yonas", "Hailé", "Rahimi",
        "Al-Ahmar", "Kebede", "Nasser", "Ibrahim", "Osman",
    ]
    static let givenNames = [
        "Amina", "Yusuf", "Fatima", "Omar", "Selam", "Dawit", "Layla", "Ahmad", "Meron", "Zainab", "Hamid", "Rahel", "Mustafa", "Nour",
    ]
    static let countries = ["SYR", "ERI", "AFG", "TUR", "YEM", "IRQ", "SOM", "XXX"]
    static let work = ["Bakker in Aleppo", "Lasser; 6 jaar ervaring", "Docent \"wiskunde\"", "Kapper & barbier", "Monteur\nvrachtwagens", ""]

    /// Writes the file; returns its URL.
    @discardableResult
    public func write(to url: URL) throws -> URL {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var rng = SplitMix64(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        out.append(
            contentsOf: Array(
                "BSN;VNUMMER;ACHTERNAAM;VOORNAMEN;GEBOORTEDATUM;GESLACHT;NATIONALITEIT;LAND_HERKOMST;GEZINSNUMMER;GEZINSROL;AZC;STATUSDATUM;GEMEENTE;KOPPELDATUM;VERWACHTE_HUISVESTING;HUISVESTINGSDATUM;TAALLES_UREN;VOORINBURGERING;OPLEIDINGSNIVEAU;GEALFABETISEERD;WERKERVARING;GEZONDHEID\n"
                    .utf8))
        var prefix = 10_000_000
        let persons = night == 1 ? rows : rows + rows / 100
        for index in 0..<persons {
            var bsn = ""
            while bsn.isEmpty {
                prefix += 1
                bsn = Self.bsn(prefix: prefix) ?? ""
            }
            let vnummer = String(1_000_000_000 + index)
            let linked = rng.next() % 10 < 8
            var number = linked ? Int(rng.next() % UInt64(municipalities)) + 1 : 0
            // The next night's changes come after the draws, so every other row stays as it was.
            let changes = night == 2 && index < rows
            if changes && linked && index % 200 == 3 { number = number % municipalities + 1 }
            let gemeente = linked ? "GM" + Self.pad(number, 4) : ""
            let statusYear = 2024 + Int(rng.next() % 2)
            let statusMonth = Int(rng.next() % 12) + 1
            let country = Self.countries[Int(rng.next() % UInt64(Self.countries.count))]
            var work = Self.work[Int(rng.next() % UInt64(Self.work.count))]
            if work.contains(";") || work.contains("\"") || work.contains("\n") {
                work = "\"" + work.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            let fields: [String] = [
                index % 25 == 0 ? "" : bsn, vnummer,
                Self.surnames[Int(rng.next() % UInt64(Self.surnames.count))],
                Self.givenNames[Int(rng.next() % UInt64(Self.givenNames.count))],
                index % 40 == 0
                    ? "00-07-1990"
                    : "\(Self.pad(Int(rng.next() % 28) + 1, 2))-\(Self.pad(Int(rng.next() % 12) + 1, 2))-\(1960 + Int(rng.next() % 45))",
                ["M", "V", "X", "O"][Int(rng.next() % 4)], country, country,
                index % 3 == 0 ? "G\(index / 3)" : "", index % 3 == 0 ? "HOOFD" : "",
                "AZC-\(Self.pad(Int(rng.next() % 90) + 1, 3))",
                "01-\(Self.pad(statusMonth, 2))-\(statusYear)",
                gemeente, linked ? "15-\(Self.pad(statusMonth, 2))-\(statusYear)" : "",
                linked ? "01-03-2027" : "", "",
                String(rng.next() % 600 + (changes && index % 50 == 1 ? 600 : 0)), rng.next() % 2 == 0 ? "J" : "N", String(rng.next() % 5),
                ["J", "N", "O"][Int(rng.next() % 3)],
                work, index % 17 == 0 ? "Regelmatig spreekuur huisarts" : "",
            ]
            if changes && index % 400 == 5 { continue }
            out.append(contentsOf: Array(fields.joined(separator: ";").utf8))
            out.append(10)
            if out.count >= 1 << 20 {
                try handle.write(contentsOf: out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: out)
        return url
    }

    /// A valid BSN from an eight-digit prefix, or nil when no check digit fits.
    static func bsn(prefix: Int) -> String? {
        let digits = Array(pad(prefix, 8)).map { Int(String($0))! }
        var sum = 0
        for (i, d) in digits.enumerated() { sum += (9 - i) * d }
        let check = sum % 11
        guard check < 10 else { return nil }
        return pad(prefix, 8) + String(check)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A small deterministic random generator (benchmarks, tests).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
