import KetenpoortCore
import Testing

@Suite("Identifiers")
struct IdentifierTests {
    @Test func vnummer() {
        #expect(VNummer("1234567890") != nil)
        #expect(VNummer("123456789") == nil)
        #expect(VNummer("12345678901") == nil)
        #expect(VNummer("12345678x0") == nil)
        #expect(!"\(VNummer("1234567890")!)".contains("1234567890"))
    }

    @Test func oin() {
        #expect(OIN("00000001003214345000")?.value == "00000001003214345000")
        #expect(OIN("0000000100321434500") == nil)
        #expect(OIN("0000000100321434500x") == nil)
    }

    @Test func gemeenteCode() {
        #expect(GemeenteCode("GM0363")?.value == "GM0363")
        for bad in ["GM363", "gm0363", "GM03630", "XX0363", "GM03a3"] { #expect(GemeenteCode(bad) == nil) }
    }

    @Test func countryCode() {
        #expect(CountryCode("SYR") != nil)
        #expect(CountryCode("XXX")?.isUnknown == true)
        for bad in ["SY", "syr", "SYRA", "S1R"] { #expect(CountryCode(bad) == nil) }
    }

    @Test func roles() {
        #expect(Role.allCases.map(\.rawValue) == ["coa", "gemeente", "duo", "ind", "cbs", "argonaut", "operator"])
    }
}
