import KetenpoortCore
import Testing

@Suite("ASCII white space trimmed from protocol tokens")
struct TrimmingTests {
    @Test("leading and trailing space, tab, CR and LF go; inner ones and other characters stay")
    func trims() {
        #expect(" \t\r\nabc.def \n".trimmingASCIIWhitespace == "abc.def")
        #expect("a b".trimmingASCIIWhitespace == "a b")
        #expect("\u{00A0}é\u{00A0}".trimmingASCIIWhitespace == "\u{00A0}é\u{00A0}")
        #expect("abc"[...].trimmingASCIIWhitespace == "abc")
    }

    @Test("only white space, or nothing, gives an empty token")
    func empty() {
        #expect(" \n\t ".trimmingASCIIWhitespace.isEmpty)
        #expect("".trimmingASCIIWhitespace.isEmpty)
    }
}
