import Store

/// The Wi2013 table the Minister reports twice a year (Table 2 of the letter of 20 December 2023):
/// per cohort (the year the obligation started), for asylum and for family + other migrants, how many
/// met the obligation, were exempted, or are still obliged — without the persons exempt from the
/// start (`VR`) and those whose obligation lapsed (`VV`), as that table does. Built from the status
/// store in one pass; memory does not grow with the number of persons.
public struct CohortTable: Codable, Sendable, Equatable {
    /// One group of one cohort.
    public struct Cell: Codable, Sendable, Equatable {
        public var total = 0
        /// `VD`.
        public var met = 0
        /// `OM`, `OI`, `OO`.
        public var exempted = 0
        /// `PL`, `PB`, `PN`, `PV`.
        public var obliged = 0

        public init(total: Int = 0, met: Int = 0, exempted: Int = 0, obliged: Int = 0) {
            self.total = total
            self.met = met
            self.exempted = exempted
            self.obliged = obliged
        }

        /// Whole-number percentages of met, exempted and obliged, adding up to 100.
        public var percentages: [Int] { wholePercentages([met, exempted, obliged], of: total) }

        mutating func count(_ status: String) {
            switch status {
            case "VD": met += 1
            case "OM", "OI", "OO": exempted += 1
            case "PL", "PB", "PN", "PV": obliged += 1
            default: return
            }
            total += 1
        }

        static func + (lhs: Cell, rhs: Cell) -> Cell {
            Cell(total: lhs.total + rhs.total, met: lhs.met + rhs.met, exempted: lhs.exempted + rhs.exempted, obliged: lhs.obliged + rhs.obliged)
        }
    }

    /// One cohort year.
    public struct Row: Codable, Sendable, Equatable {
        public let year: Int
        public let asiel: Cell
        /// Gezin & overig.
        public let gezinOverig: Cell
        public var total: Cell { asiel + gezinOverig }
    }

    public var rows: [Row]
    /// The creation date of the extract the table reflects (its peildatum).
    public var peildatum: String?

    /// The table of the status store as of its last applied extract.
    public static func compute(_ tx: any DuoStatusReading) throws -> CohortTable {
        var cells: [Int: (asiel: Cell, other: Cell)] = [:]
        try tx.forEachDuoStatus { status in
            guard status.regime == "3", status.status != "VR", status.status != "VV",
                let start = status.plichtStart, let year = Int(start.prefix(4))
            else { return }
            if status.doelgroep == "A" {
                cells[year, default: (Cell(), Cell())].asiel.count(status.status)
            } else {
                cells[year, default: (Cell(), Cell())].other.count(status.status)
            }
        }
        let rows = cells.keys.sorted().map { Row(year: $0, asiel: cells[$0]!.asiel, gezinOverig: cells[$0]!.other) }
        return CohortTable(rows: rows, peildatum: try tx.lastDuoExtract()?.creationDate.iso)
    }
}
