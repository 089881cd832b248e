import Foundation
import KetenpoortCore
import KetenpoortTesting

/// The partners' verifier, `tools/verify-sealed-batch.py` (written from docs/sealed-batch.md alone),
/// run with the Python of its pinned environment (`tools/pyenv sealverify`). A missing tool or an
/// environment that cannot be made throws: the test fails, it is never skipped.
enum SealVerifier {
    typealias Output = CLI.Output

    static let script = Repository.root.appendingPathComponent("tools/verify-sealed-batch.py")

    /// `verify-sealed-batch.py <arguments>`, with the Python of its environment.
    static func verify(_ arguments: [String]) async throws -> Output {
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw KetenpoortError(.configurationInvalid, "\(script.path) is missing")
        }
        let python = try await PythonTool.executable("python3", of: "sealverify")
        return try await PythonTool.run(python, [script.path] + arguments)
    }
}

extension SealVerifier {
    /// Header fields as a recipient stores them: one `Name: value` line each.
    static func headerLines(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\($0.name): \($0.value)\n" }.joined()
    }
}
