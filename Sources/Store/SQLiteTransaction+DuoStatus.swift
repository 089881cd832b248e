import Foundation
import GRDB
import KetenpoortCore

extension SQLiteTransaction: DuoStatusTransaction {
    func lastDuoExtract() throws -> DuoExtractMark? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM duo_extract ORDER BY sequence DESC LIMIT 1"),
            let date = Self.date(row["creation_date"])
        else { return nil }
        return DuoExtractMark(
            sequence: row["sequence"], creationDate: date, fileName: row["file_name"], sha256: row["sha256"], records: row["records"],
            appliedAt: Date(timeIntervalSince1970: row["applied_at"]))
    }

    func duoStatus(bsn: String) throws -> DuoStatus? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM duo_status WHERE bsn = ?"), arguments: [bsn]).map(Self.duoStatus)
    }

    func forEachDuoStatus(_ body: (DuoStatus) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM duo_status ORDER BY bsn")
        while let row = try rows.next() { try body(Self.duoStatus(row)) }
    }

    func duoStatusCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM duo_status") ?? 0
    }

    static func duoStatus(_ row: Row) -> DuoStatus {
        DuoStatus(
            bsn: row["bsn"], regime: row["regime"], doelgroep: row["doelgroep"], plichtStart: row["plicht_start"],
            termijnEinde: row["termijn_einde"], status: row["status"], statusdatum: row["statusdatum"], leerroute: row["leerroute"],
            leerrouteStart: row["leerroute_start"], pipDatum: row["pip_datum"], pipInAzc: row["pip_in_azc"], taalniveau: row["taalniveau"],
            aantalBoetes: row["aantal_boetes"], invorderingGepauzeerd: row["invordering_gepauzeerd"], gemeente: row["gemeente"],
            geslacht: row["geslacht"], geboortedatum: row["geboortedatum"], landHerkomst: row["land_herkomst"], werkend: row["werkend"],
            vervolgonderwijs: row["vervolgonderwijs"])
    }
}
