/// Rows of COA's TVS export (formats.md §1) for tests: its columns, one made-up row that passes
/// every rule of the contract on the reference day, and rows and files built from changes to it.
public enum COARows {
    /// The export's columns, in COA's order.
    public static let columns = [
        "BSN", "VNUMMER", "ACHTERNAAM", "VOORNAMEN", "GEBOORTEDATUM", "GESLACHT", "NATIONALITEIT", "LAND_HERKOMST",
        "GEZINSNUMMER", "GEZINSROL", "AZC", "STATUSDATUM", "GEMEENTE", "KOPPELDATUM", "VERWACHTE_HUISVESTING",
        "HUISVESTINGSDATUM", "TAALLES_UREN", "VOORINBURGERING", "OPLEIDINGSNIVEAU", "GEALFABETISEERD", "WERKERVARING",
        "GEZONDHEID",
    ]

    /// A row that passes every rule of the contract on the reference day (a made-up person).
    public static let valid: [String: String] = [
        "BSN": "123456782", "VNUMMER": "1234567890", "ACHTERNAAM": "Haddad", "VOORNAMEN": "Rania",
        "GEBOORTEDATUM": "15-07-1984", "GESLACHT": "V", "NATIONALITEIT": "SYR", "LAND_HERKOMST": "SYR",
        "GEZINSNUMMER": "G-2026-00417", "GEZINSROL": "PARTNER", "AZC": "AZC Gilze", "STATUSDATUM": "01-03-2026",
        "GEMEENTE": "GM0363", "KOPPELDATUM": "15-03-2026", "VERWACHTE_HUISVESTING": "", "HUISVESTINGSDATUM": "",
        "TAALLES_UREN": "120", "VOORINBURGERING": "J", "OPLEIDINGSNIVEAU": "3", "GEALFABETISEERD": "J",
        "WERKERVARING": "Lerares Engels", "GEZONDHEID": "",
    ]

    /// The valid row with `changes` (by column name, any case), in `columns`' order; values are
    /// written as given (already quoted when needed).
    public static func row(_ changes: [String: String] = [:], columns: [String] = columns) -> String {
        columns.map { changes[$0.uppercased()] ?? changes[$0] ?? valid[$0.uppercased()] ?? "" }.joined(separator: ";")
    }

    /// A whole export: the header line, then one row per change set.
    public static func file(_ rows: [[String: String]]) -> String {
        ([columns.joined(separator: ";")] + rows.map { row($0) }).joined(separator: "\n") + "\n"
    }
}
