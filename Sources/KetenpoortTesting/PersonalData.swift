import Foundation

/// Every BSN and name of the COA samples: what no export may contain.
public enum PersonalData {
    /// The BSNs and names in the COA samples `samples`.
    public static func of(_ samples: [String]) throws -> [String] {
        var found: [String] = []
        for sample in samples {
            let lines = try String(contentsOf: Repository.sample("coa", sample), encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
            for line in lines {
                let columns = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                guard columns.count > 3 else { continue }
                found += [columns[0], columns[2], columns[3]].filter { $0.count >= 3 }
            }
        }
        return found
    }

    /// The values of `values` that `text` contains.
    public static func leaks(_ text: String, _ values: [String]) -> [String] { values.filter { text.contains($0) } }
}
