import Foundation

/// The manifest of a CBS delivery (formats.md §5), written with the keys in the order of the
/// specification, compactly: `{"bron":"DUO","periode":"2026Q3","schema":"cbs-wi/1","aantal":N,"sha256":"…","aangemaakt":"…"}`.
/// A correction adds `"correctie":true` and `"vervangt"`, the CSV batch it corrects.
struct CbsManifest {
    static let schema = "cbs-wi/1"

    let bron: String
    let periode: String
    let aantal: Int
    let sha256: String
    let aangemaakt: String
    let replaces: String?

    /// The values by contract field name, for checking against the manifest object of the contract.
    var fields: [String: String] {
        var fields = ["bron": bron, "periode": periode, "schema": Self.schema, "aantal": String(aantal), "sha256": sha256, "aangemaakt": aangemaakt]
        if let replaces {
            fields["correctie"] = "true"
            fields["vervangt"] = replaces
        }
        return fields
    }

    var bytes: Data {
        var json =
            "{\"bron\":\"\(bron)\",\"periode\":\"\(periode)\",\"schema\":\"\(Self.schema)\",\"aantal\":\(aantal),\"sha256\":\"\(sha256)\",\"aangemaakt\":\"\(aangemaakt)\""
        if let replaces { json += ",\"correctie\":true,\"vervangt\":\"\(replaces)\"" }
        return Data((json + "}").utf8)
    }
}
