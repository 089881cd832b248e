import ArgumentParser
import Exchanges
import Foundation

/// `ketenpoort report cohorts|wi2021`: the indicators from the status store; cells under 10 persons are shown as `<10`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Integration indicators from the status store (cells under 10 persons shown as <10).",
        subcommands: [ReportCohortsCommand.self, ReportWi2021Command.self])
}

/// The Wi2013 table per cohort.
struct ReportCohortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohorts", abstract: "The Wi2013 table per cohort: asylum and family + other, met / exempted / still obliged.")

    @Flag(help: "Print the table as JSON.") var json = false
    @OptionGroup var gateway: GatewayOptions

    func run() throws {
        let table = try gateway.runtime().store.duoStatus.read { try CohortTable.compute($0) }
        if json {
            try printJSON(CohortTableView(table))
        } else {
            print(CohortTableView.text(table))
        }
    }
}

/// The Wi2021 indicators per doelgroep and sex.
struct ReportWi2021Command: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wi2021", abstract: "The Wi2021 indicators per doelgroep and sex.")

    @Flag(help: "Print the indicators as JSON.") var json = false
    @OptionGroup var gateway: GatewayOptions

    func run() throws {
        let indicators = try gateway.runtime().store.duoStatus.read { try Wi2021Indicators.compute($0) }
        if json {
            try printJSON(Wi2021View(indicators))
        } else {
            print(Wi2021View.text(indicators))
        }
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// The cohort table as shown: small cells suppressed.
struct CohortTableView: Encodable {
    struct Cell: Encodable {
        let totaal, voldaan, ontheven, nogPlichtig, voldaanProcent, onthevenProcent, nogPlichtigProcent: SmallCellSuppression.Shown

        init(_ cell: CohortTable.Cell) {
            let percent = cell.percentages
            totaal = SmallCellSuppression.count(cell.total)
            voldaan = SmallCellSuppression.count(cell.met)
            ontheven = SmallCellSuppression.count(cell.exempted)
            nogPlichtig = SmallCellSuppression.count(cell.obliged)
            voldaanProcent = SmallCellSuppression.percent(percent[0], count: cell.met, of: cell.total)
            onthevenProcent = SmallCellSuppression.percent(percent[1], count: cell.exempted, of: cell.total)
            nogPlichtigProcent = SmallCellSuppression.percent(percent[2], count: cell.obliged, of: cell.total)
        }

        /// A suppressed count shows `<10` alone (its percentage is suppressed with it).
        var columns: [String] {
            func shown(_ count: SmallCellSuppression.Shown, _ percent: SmallCellSuppression.Shown) -> String {
                count == .suppressed || percent == .suppressed ? "<10" : "\(count) \(percent)%"
            }
            return [totaal.description, shown(voldaan, voldaanProcent), shown(ontheven, onthevenProcent), shown(nogPlichtig, nogPlichtigProcent)]
        }
    }

    struct Row: Encodable {
        let cohort: Int
        let totaal, asiel, gezinOverig: Cell
    }

    let peildatum: String?
    let rows: [Row]

    init(_ table: CohortTable) {
        peildatum = table.peildatum
        rows = table.rows.map { Row(cohort: $0.year, totaal: Cell($0.total), asiel: Cell($0.asiel), gezinOverig: Cell($0.gezinOverig)) }
    }

    static func text(_ table: CohortTable) -> String {
        let view = CohortTableView(table)
        var lines = [
            "Wi2013: inburgeringsplichtigen per cohort (peildatum \(table.peildatum ?? "none")), without exempt-from-start (VR) and lapsed (VV)",
            "cells under 10 persons are shown as <10",
            "",
            pad([
                "cohort", "totaal", "voldaan", "ontheven", "nog plichtig", "asiel", "voldaan", "ontheven", "nog plichtig", "gezin&overig", "voldaan",
                "ontheven", "nog plichtig",
            ]),
        ]
        for row in view.rows { lines.append(pad([String(row.cohort)] + row.totaal.columns + row.asiel.columns + row.gezinOverig.columns)) }
        return lines.joined(separator: "\n")
    }

    static func pad(_ columns: [String]) -> String {
        columns.enumerated().map { index, text in
            let width = index == 0 ? 6 : 13
            return String(repeating: " ", count: max(0, width - text.count)) + text
        }.joined(separator: " ")
    }
}

/// The Wi2021 indicators as shown: small cells suppressed.
struct Wi2021View: Encodable {
    struct Share: Encodable {
        let procent: SmallCellSuppression.Shown
        let basis: SmallCellSuppression.Shown

        init(_ share: Wi2021Indicators.Share) {
            procent = SmallCellSuppression.percent(share.percent, count: share.count, of: share.base)
            basis = SmallCellSuppression.count(share.base)
        }

        var text: String { procent == .suppressed ? "<10" : "\(procent)%" }
    }

    struct Group: Encodable {
        let doelgroep, geslacht: String
        let personen: SmallCellSuppression.Shown
        let pipInAzc: Share
        let mediaanDagenTotLeerroute: SmallCellSuppression.Shown
        let leerroutes: [String: Share]
        let b1OfHoger, werkend, vervolgonderwijs: Share

        init(_ group: Wi2021Indicators.Group) {
            doelgroep = group.doelgroep
            geslacht = group.geslacht
            personen = SmallCellSuppression.count(group.persons)
            pipInAzc = Share(group.pipInAzc)
            mediaanDagenTotLeerroute =
                group.withRouteStart < SmallCellSuppression.threshold ? .suppressed : group.medianDaysToRoute.map { .value($0) } ?? .suppressed
            leerroutes = group.routes.mapValues(Share.init)
            b1OfHoger = Share(group.b1OrHigher)
            werkend = Share(group.working)
            vervolgonderwijs = Share(group.followUpEducation)
        }
    }

    let peildatum: String?
    let groepen: [Group]

    init(_ indicators: Wi2021Indicators) {
        peildatum = indicators.peildatum
        groepen = indicators.groups.map(Group.init)
    }

    static func text(_ indicators: Wi2021Indicators) -> String {
        let view = Wi2021View(indicators)
        var lines = [
            "Wi2021 indicators (peildatum \(indicators.peildatum ?? "none")), per doelgroep and sex; cells under 10 persons are shown as <10",
            "",
            CohortTableView.pad([
                "groep", "sekse", "personen", "PIP in azc", "mediaan dagen", "route B1", "onderwijs", "Z-route", "B1 of hoger", "werkend",
                "vervolgonderw.",
            ]),
        ]
        for group in view.groepen {
            let route = { (code: String) in group.leerroutes[code]?.text ?? "<10" }
            lines.append(
                CohortTableView.pad([
                    group.doelgroep, group.geslacht, group.personen.description, group.pipInAzc.text, group.mediaanDagenTotLeerroute.description,
                    route("B"), route("O"), route("Z"), group.b1OfHoger.text, group.werkend.text, group.vervolgonderwijs.text,
                ]))
        }
        return lines.joined(separator: "\n")
    }
}
