import Adapters
import KetenpoortCore
import Testing

@Suite("File-name rules of the adapter mappings")
struct FileNameTemplateTests {
    @Test("a dated name matches and gives its day; another name, a day that does not exist or a wrong length does not")
    func datedNames() throws {
        let template = try FileNameTemplate("tvs-export-{yyyymmdd}.csv")
        #expect(template.date(in: "tvs-export-20261122.csv") == CalendarDate(year: 2026, month: 11, day: 22))
        for name in [
            "tvs-export-20261131.csv", "tvs-export-2026112.csv", "tvs-export-202611220.csv", "tvs-export-20261122.csv.part",
            "x-tvs-export-20261122.csv", "tvs-export-2026112a.csv", "tvs-export-.csv",
        ] {
            #expect(!template.matches(name), "\(name)")
            #expect(template.date(in: name) == nil, "\(name)")
        }
    }

    @Test("a named placeholder takes one or more of A-Z a-z 0-9 . _ - and no other character")
    func namedPlaceholders() throws {
        let template = try FileNameTemplate("cbs-wi-{source}-{period}.csv")
        #expect(template.matches("cbs-wi-duo-2026Q3.csv"))
        #expect(template.matches("cbs-wi-duo-2026Q3-correctie-1.csv"))
        #expect(!template.matches("cbs-wi--2026Q3.csv"))
        #expect(!template.matches("cbs-wi-duo-2026 Q3.csv"))
        #expect(!template.matches("cbs-wi-duo/x-2026Q3.csv"))
        #expect(template.date(in: "cbs-wi-duo-2026Q3.csv") == nil)
    }

    @Test("an unclosed or empty placeholder, or two placeholders side by side, are refused when the mapping loads")
    func invalidTemplates() {
        for template in ["tvs-{yyyymmdd.csv", "tvs-{}.csv", "{a}{b}.csv"] {
            #expect(throws: KetenpoortError.self, "\(template)") { try FileNameTemplate(template) }
        }
    }
}
