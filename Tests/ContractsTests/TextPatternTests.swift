import Contracts
import Testing

@Suite("Text patterns")
struct TextPatternTests {
    @Test(arguments: [
        ("^[0-9]{9}$", "123456782", true), ("^[0-9]{9}$", "12345678", false), ("^[0-9]{9}$", "1234567890", false),
        ("^GM[0-9]{4}$", "GM0363", true), ("^GM[0-9]{4}$", "GM036", false), ("^[A-Z]{3}$", "SYR", true), ("^[A-Z]{3}$", "Syr", false),
        ("^ARG-[0-9]{4}-[0-9]{6}$", "ARG-2026-000123", true), ("^ARG-[0-9]{4}-[0-9]{6}$", "ARG-2026-00012", false),
        ("^[0-9]{4}Q[1-4]$", "2026Q3", true), ("^[0-9]{4}Q[1-4]$", "2026Q5", false), ("^T-[0-9]+$", "T-88", true), ("^T-[0-9]+$", "T-", false),
        ("^a.*b$", "axxb", true), ("^a.*b$", "axxc", false), ("^[^;]*$", "abc", true), ("^[^;]*$", "a;c", false), ("^x?y$", "y", true),
        ("^[0-9a-f]{64}$", String(repeating: "ab", count: 32), true), ("^[a-z]{2,3}$", "abcd", false), ("^\\d{2}$", "42", true),
    ])
    func matches(pattern: String, text: String, expected: Bool) throws {
        #expect(try TextPattern(pattern).matches(text) == expected)
    }

    @Test("constructs outside the dialect are refused", arguments: ["(a)", "a|b", "*a", "a{2", "[abc", "a^b"])
    func unsupported(_ pattern: String) {
        #expect(throws: PatternError.self) { try TextPattern(pattern) }
    }
}
