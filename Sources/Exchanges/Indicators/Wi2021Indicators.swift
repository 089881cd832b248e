import KetenpoortCore
import Store

/// The Wi2021 indicators of the CBS dashboard that DUO's data supports, per doelgroep and sex (and
/// for all together): share of PIPs fixed while in the azc, median days from the start of the
/// obligation to the start of the learning route, distribution over the learning routes, share that
/// reached B1 or higher, share working, share in follow-up education. One pass over the store; the
/// median comes from a histogram of days, so memory does not grow with the number of persons.
public struct Wi2021Indicators: Sendable {
    /// A share: `count` of `base` persons.
    public struct Share: Sendable, Equatable {
        public var count = 0
        public var base = 0
        public var percent: Int? { base > 0 ? (count * 200 + base) / (base * 2) : nil }

        mutating func add(_ hit: Bool?) {
            guard let hit else { return }
            base += 1
            if hit { count += 1 }
        }
    }

    /// The indicators of one group.
    public struct Group: Sendable {
        /// `A`, `G`, `O`, or `alle`.
        public let doelgroep: String
        /// `M`, `V`, `X`, `O`, or `alle`.
        public let geslacht: String
        public var persons = 0
        public var pipInAzc = Share()
        /// Days from the start of the obligation to the start of the learning route, as a histogram.
        var days = [Int](repeating: 0, count: 2 * Self.dayRange + 1)
        public var withRouteStart = 0
        /// Shares of the routes `B`, `O`, `Z` among persons with a route.
        public var routes: [String: Share] = [:]
        public var b1OrHigher = Share()
        public var working = Share()
        public var followUpEducation = Share()

        /// Days beyond ±10 years are counted at the edge.
        static let dayRange = 3_650

        /// The median of the days to the learning route (the lower median for an even count).
        public var medianDaysToRoute: Int? {
            guard withRouteStart > 0 else { return nil }
            let target = (withRouteStart + 1) / 2
            var seen = 0
            for (index, count) in days.enumerated() {
                seen += count
                if seen >= target { return index - Self.dayRange }
            }
            return nil
        }

        mutating func add(_ status: DuoStatus) {
            persons += 1
            if status.pipDatum != nil { pipInAzc.add(status.pipInAzc) }
            if let start = Self.day(status.plichtStart), let route = Self.day(status.leerrouteStart) {
                days[min(max(route - start, -Self.dayRange), Self.dayRange) + Self.dayRange] += 1
                withRouteStart += 1
            }
            if let route = status.leerroute {
                for code in ["B", "O", "Z"] { routes[code, default: Share()].add(route == code) }
            }
            b1OrHigher.add(["B1", "B2", "C1"].contains(status.taalniveau ?? ""))
            working.add(status.werkend)
            followUpEducation.add(status.vervolgonderwijs)
        }

        static func day(_ iso: String?) -> Int? {
            DuoStatusMapping.date(iso).date?.daysSinceEpoch
        }
    }

    public static let doelgroepen = ["A", "G", "O", "alle"]
    public static let geslachten = ["M", "V", "X", "O", "alle"]

    /// Per doelgroep, then per sex (`alle` last in each).
    public var groups: [Group]
    public var peildatum: String?

    /// The indicators of the Wi2021 persons in the status store (`VR` and `VV` excluded: they have no obligation to follow).
    public static func compute(_ tx: any DuoStatusReading) throws -> Wi2021Indicators {
        var groups: [Group] = doelgroepen.flatMap { d in geslachten.map { Group(doelgroep: d, geslacht: $0) } }
        func index(_ doelgroep: String, _ geslacht: String) -> Int? {
            guard let d = doelgroepen.firstIndex(of: doelgroep), let g = geslachten.firstIndex(of: geslacht) else { return nil }
            return d * geslachten.count + g
        }
        try tx.forEachDuoStatus { status in
            guard status.regime == "1", status.status != "VR", status.status != "VV" else { return }
            for (d, g) in [(status.doelgroep, status.geslacht), (status.doelgroep, "alle"), ("alle", status.geslacht), ("alle", "alle")] {
                if let i = index(d, g) { groups[i].add(status) }
            }
        }
        return Wi2021Indicators(groups: groups, peildatum: try tx.lastDuoExtract()?.creationDate.iso)
    }
}
