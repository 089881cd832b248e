import Contracts
import KetenpoortCore
import Store

/// Reads a validated detail record of the DUO extract (`duo-status-extract`, object `detail`) into
/// the status store's `DuoStatus`, and back; the field slots are resolved once.
struct DuoStatusMapping: Sendable {
    let object: SchemaObject
    let bsn: Int, regime: Int, doelgroep: Int, plichtStart: Int, termijnEinde: Int, status: Int, statusdatum: Int
    let leerroute: Int, leerrouteStart: Int, pipDatum: Int, pipInAzc: Int, taalniveau: Int, aantalBoetes: Int
    let invorderingGepauzeerd: Int, gemeente: Int, geslacht: Int, geboortedatum: Int, landHerkomst: Int, werkend: Int
    let vervolgonderwijs: Int

    init(object: SchemaObject) throws {
        func slot(_ name: String) throws -> Int {
            guard let slot = object.slot(of: name) else {
                throw KetenpoortError(.adapterInvalid, "contract object \(object.name) has no field \(name), which the status store needs")
            }
            return slot
        }
        self.object = object
        bsn = try slot("bsn")
        regime = try slot("regime")
        doelgroep = try slot("doelgroep")
        plichtStart = try slot("plichtStart")
        termijnEinde = try slot("termijnEinde")
        status = try slot("status")
        statusdatum = try slot("statusdatum")
        leerroute = try slot("leerroute")
        leerrouteStart = try slot("leerrouteStart")
        pipDatum = try slot("pipDatum")
        pipInAzc = try slot("pipInAzc")
        taalniveau = try slot("taalniveau")
        aantalBoetes = try slot("aantalBoetes")
        invorderingGepauzeerd = try slot("invorderingGepauzeerd")
        gemeente = try slot("gemeente")
        geslacht = try slot("geslacht")
        geboortedatum = try slot("geboortedatum")
        landHerkomst = try slot("landHerkomst")
        werkend = try slot("werkend")
        vervolgonderwijs = try slot("vervolgonderwijs")
    }

    /// The status a clean record reports (nil only when a required value is missing, which the
    /// contract's validation has ruled out for clean records).
    func status(of record: Record) -> DuoStatus? {
        let v = record.values
        guard let bsn = v[bsn].text, let regime = v[regime].text, let doelgroep = v[doelgroep].text, let status = v[status].text,
            let geslacht = v[geslacht].text, let landHerkomst = v[landHerkomst].text
        else { return nil }
        let birth: String
        switch v[geboortedatum] {
        case .date(let date): birth = DateLayout.compact.format(date)
        case .incompleteDate(let date): birth = DateLayout.compact.format(date)
        default: birth = "00000000"
        }
        return DuoStatus(
            bsn: bsn, regime: regime, doelgroep: doelgroep, plichtStart: Self.iso(v[plichtStart]), termijnEinde: Self.iso(v[termijnEinde]),
            status: status, statusdatum: Self.iso(v[statusdatum]), leerroute: v[leerroute].text, leerrouteStart: Self.iso(v[leerrouteStart]),
            pipDatum: Self.iso(v[pipDatum]), pipInAzc: Self.flag(v[pipInAzc]), taalniveau: v[taalniveau].text,
            aantalBoetes: v[aantalBoetes].integer ?? 0, invorderingGepauzeerd: Self.flag(v[invorderingGepauzeerd]) ?? false,
            gemeente: v[gemeente].text, geslacht: geslacht, geboortedatum: birth, landHerkomst: landHerkomst, werkend: Self.flag(v[werkend]),
            vervolgonderwijs: Self.flag(v[vervolgonderwijs]))
    }

    /// The detail record of `status`, typed as the validator types it (for the outbound adapters).
    func record(of status: DuoStatus) -> Record {
        var values = FieldValue.absentValues(count: object.fields.count)
        values[bsn] = .text(status.bsn)
        values[regime] = .text(status.regime)
        values[doelgroep] = .text(status.doelgroep)
        values[plichtStart] = Self.date(status.plichtStart)
        values[termijnEinde] = Self.date(status.termijnEinde)
        values[self.status] = .text(status.status)
        values[statusdatum] = Self.date(status.statusdatum)
        values[leerroute] = Self.text(status.leerroute)
        values[leerrouteStart] = Self.date(status.leerrouteStart)
        values[pipDatum] = Self.date(status.pipDatum)
        values[pipInAzc] = Self.flag(status.pipInAzc)
        values[taalniveau] = Self.text(status.taalniveau)
        values[aantalBoetes] = .integer(status.aantalBoetes)
        values[invorderingGepauzeerd] = Self.flag(status.invorderingGepauzeerd)
        values[gemeente] = Self.text(status.gemeente)
        values[geslacht] = .text(status.geslacht)
        if let (y, m, d) = DateLayout.compact.parts(of: status.geboortedatum), let date = IncompleteDate(year: y, month: m, day: d) {
            values[geboortedatum] = date.complete.map(FieldValue.date) ?? .incompleteDate(date)
        }
        values[landHerkomst] = .text(status.landHerkomst)
        values[werkend] = Self.flag(status.werkend)
        values[vervolgonderwijs] = Self.flag(status.vervolgonderwijs)
        return Record(object: object, values: values)
    }

    static func iso(_ value: FieldValue) -> String? { value.date.map { DateLayout.iso.format($0) } }

    static func flag(_ value: FieldValue) -> Bool? {
        switch value.text {
        case "J": true
        case "N": false
        default: nil
        }
    }

    static func flag(_ value: Bool?) -> FieldValue { value.map { .text($0 ? "J" : "N") } ?? .absent }

    static func text(_ value: String?) -> FieldValue { value.map(FieldValue.text) ?? .absent }

    static func date(_ iso: String?) -> FieldValue {
        guard let iso, let (y, m, d) = DateLayout.iso.parts(of: iso), let date = CalendarDate(year: y, month: m, day: d) else { return .absent }
        return .date(date)
    }
}
