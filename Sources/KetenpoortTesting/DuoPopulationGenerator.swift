import Exchanges
import Foundation
import KetenpoortCore
import Store

/// A realistic national population for the DUO status extract: unique BSNs passing the 11-test,
/// both regimes and all target groups, every status code, dates consistent with the status.
/// Deterministic for a given seed; `variant` changes a small share of persons, drops some and adds
/// others, as the next night's extract would.
public struct DuoPopulationGenerator: Sendable {
    public let persons: Int
    public let seed: UInt64

    public init(persons: Int, seed: UInt64 = 2026) {
        self.persons = persons
        self.seed = seed
    }

    /// The `index`-th valid BSN of a fixed sequence (unique for distinct indexes).
    public static func bsn(_ index: Int) -> String {
        // An even prefix whose check digit would be 10 has a valid odd successor (its sum grows by 2).
        let prefix = 10_000_000 + 2 * index
        return SnapshotGenerator.bsn(prefix: prefix) ?? SnapshotGenerator.bsn(prefix: prefix + 1)!
    }

    static let statuses = ["PL", "PL", "PL", "PB", "PN", "PV", "VD", "VD", "VD", "VD", "OM", "OI", "OO", "VR", "VV"]
    static let countries = ["SYR", "ERI", "TUR", "AFG", "IRQ", "YEM", "MAR", "IND", "UKR", "SOM", "IRN", "CHN"]
    static let levels = ["A1", "A2", "A2", "B1", "B1", "B2", "C1"]

    /// Calls `body` for every person of the night `variant` (0: the first night), in BSN order.
    /// Night `n` changes about 1 % of the persons, leaves out about 0.2 % and adds as many new ones.
    public func forEach(variant: Int = 0, _ body: (DuoStatus) throws -> Void) rethrows {
        let total = persons + (variant > 0 ? persons / 500 : 0)
        for index in 0..<total {
            var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let draw = random.next()
            if variant > 0 && index < persons && draw % 500 == UInt64(variant % 500) { continue }
            var status = Self.status(index: index, random: &random)
            if variant > 0 && (draw >> 16) % 100 == UInt64(variant % 100) {
                status.statusdatum = "2026-11-\(String(format: "%02d", 1 + variant % 20))"
                status.status = status.status == "PL" ? "VD" : "PL"
            }
            try body(status)
        }
    }

    static func status(index: Int, random: inout SplitMix64) -> DuoStatus {
        let isWi2021 = random.below(100) < 30
        let doelgroep = ["A", "A", "A", "G", "G", "O"][random.below(6)]
        let startYear = isWi2021 ? 2022 + random.below(4) : 2013 + random.below(9)
        let start = date(startYear, 1 + random.below(12), 1 + random.below(28))
        let status = statuses[random.below(statuses.count)]
        let route = isWi2021 ? ["B", "B", "B", "O", "Z"][random.below(5)] : nil
        let level = random.below(4) == 0 ? nil : levels[random.below(levels.count)]
        let birthYear = 1950 + random.below(55)
        let birth =
            random.below(50) == 0 ? "\(birthYear)0000" : "\(birthYear)\(String(format: "%02d%02d", 1 + random.below(12), 1 + random.below(28)))"
        let statusDate = status == "PL" ? start : date(min(startYear + 1 + random.below(3), 2026), 1 + random.below(10), 1 + random.below(28))
        return DuoStatus(
            bsn: bsn(index), regime: isWi2021 ? "1" : "3", doelgroep: doelgroep, plichtStart: start,
            termijnEinde: date(startYear + 3, 1 + random.below(12), 1 + random.below(28)), status: status, statusdatum: statusDate,
            leerroute: route, leerrouteStart: route == nil ? nil : date(startYear, 1 + random.below(12), 1 + random.below(28)),
            pipDatum: isWi2021 ? date(startYear, 1 + random.below(12), 1 + random.below(28)) : nil,
            pipInAzc: isWi2021 ? random.below(3) == 0 : nil, taalniveau: level, aantalBoetes: status == "PV" ? 1 + random.below(3) : 0,
            invorderingGepauzeerd: status == "PV" && doelgroep == "A", gemeente: "GM" + String(format: "%04d", 1 + random.below(1900)),
            geslacht: ["M", "V", "M", "V", "X"][random.below(5)], geboortedatum: birth, landHerkomst: countries[random.below(countries.count)],
            werkend: isWi2021 ? random.below(3) == 0 : nil, vervolgonderwijs: isWi2021 ? random.below(8) == 0 : nil)
    }

    /// Person `index` with a given regime, target group, status and start year (tests that need exact counts).
    public static func fixed(index: Int, regime: String, doelgroep: String, status: String, startYear: Int) -> DuoStatus {
        var random = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        var person = Self.status(index: index, random: &random)
        person.regime = regime
        person.doelgroep = doelgroep
        person.status = status
        person.plichtStart = date(startYear, 1 + index % 12, 1 + index % 28)
        person.termijnEinde = date(startYear + 3, 1 + index % 12, 1 + index % 28)
        person.statusdatum = status.hasPrefix("P") ? person.plichtStart : date(min(startYear + 1, 2023), 1 + index % 9, 1 + index % 28)
        if regime == "3" {
            person.leerroute = nil
            person.leerrouteStart = nil
            person.pipDatum = nil
            person.pipInAzc = nil
            person.werkend = nil
            person.vervolgonderwijs = nil
        }
        return person
    }

    static func date(_ year: Int, _ month: Int, _ day: Int) -> String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Writes night `variant` as `url` with sequence number `sequence`, created on `created`.
    public func write(to url: URL, created: CalendarDate, sequence: Int, variant: Int = 0) throws {
        var writer = try DuoExtractWriter(url: url, created: created, sequence: sequence)
        try forEach(variant: variant) { try writer.append($0) }
        try writer.finish()
    }
}

extension SplitMix64 {
    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
