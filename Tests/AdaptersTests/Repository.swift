import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting

/// The real contract and adapter registries, loaded once.
enum Registries {
    private static let loaded = Result { () throws -> (ContractRegistry, AdapterRegistry) in
        let contracts = try ContractRegistry.load(directory: Repository.contracts)
        return (contracts, try AdapterRegistry.load(directory: Repository.adapters, contracts: contracts))
    }

    static func contracts() throws -> ContractRegistry { try loaded.get().0 }
    static func adapters() throws -> AdapterRegistry { try loaded.get().1 }
    static func inbound(_ contract: String) throws -> InboundAdapter { try adapters().inbound(contract: contract) }
    static func outbound(_ partner: Role, secrets: TransformSecrets = TransformSecrets()) throws -> OutboundAdapter {
        try adapters().outbound(partner: partner, secrets: secrets)
    }
}

/// The reference day of the samples: 2026-11-22 12:00 Europe/Amsterdam.
enum ReferenceDay {
    static func noon(_ year: Int, _ month: Int, _ day: Int) -> Date {
        Date(timeIntervalSince1970: Double(CalendarDate(year: year, month: month, day: day)!.daysSinceEpoch) * 86400 + 11 * 3600)
    }
    static let now = noon(2026, 11, 22)
}

/// A file under the temporary directory with a unique name, removed by `remove()`.
struct TempFile {
    let url: URL

    init(_ bytes: [UInt8], suffix: String = ".csv") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ketenpoort-adapters-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
    }

    init(_ text: String, suffix: String = ".csv") throws {
        try self.init(Array(text.utf8), suffix: suffix)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to a temporary file, runs `body` with its URL, and removes the file.
    static func with<T>(_ bytes: [UInt8], suffix: String = ".csv", _ body: (URL) throws -> T) throws -> T {
        let file = try TempFile(bytes, suffix: suffix)
        defer { file.remove() }
        return try body(file.url)
    }

    static func with<T>(_ text: String, suffix: String = ".csv", _ body: (URL) throws -> T) throws -> T {
        try with(Array(text.utf8), suffix: suffix, body)
    }
}

/// Everything a decoder reported for one file, in order.
struct Decoded {
    var unknownColumns: [[String]] = []
    var headers: [RawItem] = []
    var items: [RawItem] = []
    var trailers: [RawItem] = []
    var fileFindings: [Finding] = []
    /// The kinds of events in order (`unknown`, `header`, `item`, `trailer`, `file`).
    var order: [String] = []

    init(_ adapter: InboundAdapter, _ url: URL, onlyFields: Set<String>? = nil) throws {
        try adapter.decoder.decode(url, onlyFields: onlyFields) { event in
            switch event {
            case .unknownColumns(let names): unknownColumns.append(names); order.append("unknown")
            case .header(let raw): headers.append(raw); order.append("header")
            case .item(let raw): items.append(raw); order.append("item")
            case .trailer(let raw): trailers.append(raw); order.append("trailer")
            case .fileFinding(let finding): fileFindings.append(finding); order.append("file")
            case .skippedItem: order.append("skipped")
            }
        }
    }
}

extension RawItem {
    /// The text of the field named `name` of `object`.
    func text(_ name: String, in object: SchemaObject) -> String? {
        texts[object.slot(of: name)!]
    }
}
