import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import GatewayHTTP

/// The one-pass reading of the plain single question must never decide otherwise than the
/// general parser: it either gives the very question the general parser gives, or leaves the body
/// to it.
@Suite("IND status API: the plain single question")
struct StatusQuestionPlainFormTests {
    private static let valid = "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"IND-2026-0001234\"}"

    private static func same(_ plain: StatusQuestion, _ general: StatusQuestion) -> Bool {
        plain.bsns == general.bsns && plain.doelbinding == general.doelbinding && plain.zaaknummer == general.zaaknummer
    }

    @Test("the form every caller sends is read in one pass, in any order and spacing, as the general parser reads it")
    func plainFormRead() throws {
        let bodies = [
            Self.valid,
            " {\n\t\"zaaknummer\" : \"Z/1.a_b\" ,\r\n \"bsn\":\"10000008\", \"doelbinding\":\"verblijf-onbepaalde-tijd\"}\n ",
            "{\"doelbinding\":\"voortgezet-verblijf\",\"zaaknummer\":\"x\",\"bsn\":\"111222333\"}",
        ]
        for body in bodies {
            let plain = try #require(StatusQuestion.plainSingle(Data(body.utf8)), "\(body)")
            let general = try StatusQuestion.parseAnyForm(Data(body.utf8), bulk: false)
            #expect(Self.same(plain, general))
        }
    }

    @Test("every other body is left to the general parser, which names the problem")
    func otherFormsLeft() {
        let bodies = [
            "{\"bsn\":\"123456782\",\"bsn\":\"111222333\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\"}",
            "{\"b\\u0073n\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\"}",
            "{\"bsn\":123456782,\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\"}",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\",\"naam\":\"x\"}",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\"}",
            "{\"bsn\":\"123456783\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\"}",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"werk\",\"zaaknummer\":\"Z1\"}",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"zaak-123456782\"}",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\"} x",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Z1\",}",
            "{\"bsn\":\"123456782\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"Zé\"}",
            "{}", "", "[]",
        ]
        for body in bodies {
            #expect(StatusQuestion.plainSingle(Data(body.utf8)) == nil, "\(body)")
        }
    }

    @Test("over thousands of bodies made of valid and invalid parts, the one-pass reading agrees with the general parser")
    func agreesWithGeneralParser() throws {
        var generator = SplitMix64(seed: 12)
        func pick<T>(_ options: [T]) -> T { options[Int(generator.next() % UInt64(options.count))] }
        let names = ["bsn", "doelbinding", "zaaknummer", "bsns", "naam", "b\\u0073n", "BSN"]
        let values = [
            "\"123456782\"", "\"12345678\"", "\"123456783\"", "\"1234567820\"", "\"naturalisatie\"", "\"voortgezet-verblijf\"",
            "\"IND-2026-0001234\"", "\"zaak 1\"", "\"zaak-123456782\"", "\"\"", "\"Z\\u0031\"", "\"Zé\"", "123456782", "null", "true",
            "[\"123456782\"]", "{\"a\":\"b\"}", "\"\\\"\"",
        ]
        let spaces = ["", " ", "\n", "\t", "\r\n", "  "]
        var plainCount = 0
        for _ in 0..<4_000 {
            // Half the bodies name the three members once each, in any order; the rest draw names freely.
            let whole = generator.next() % 2 == 0
            var chosen = whole ? ["bsn", "doelbinding", "zaaknummer"] : []
            if whole {
                for index in chosen.indices.reversed() { chosen.swapAt(index, Int(generator.next() % UInt64(index + 1))) }
            } else {
                chosen = (0..<(1 + Int(generator.next() % 4))).map { _ in
                    generator.next() % 4 == 0 ? pick(names) : pick(["bsn", "doelbinding", "zaaknummer"])
                }
            }
            var members: [String] = []
            for name in chosen {
                // Mostly values that fit the name, so that many bodies are whole questions.
                let value: String
                switch (name, generator.next() % 3) {
                case ("bsn", 0), ("bsn", 1): value = pick(["\"123456782\"", "\"10000008\"", "\"111222333\""])
                case ("doelbinding", 0), ("doelbinding", 1): value = pick(["\"naturalisatie\"", "\"verblijf-onbepaalde-tijd\""])
                case ("zaaknummer", 0), ("zaaknummer", 1): value = pick(["\"IND-2026-0001234\"", "\"a/b.c_d\""])
                default: value = pick(values)
                }
                members.append(pick(spaces) + "\"\(name)\"" + pick(spaces) + ":" + pick(spaces) + value + pick(spaces))
            }
            var body = pick(spaces) + "{" + members.joined(separator: ",") + "}" + pick(spaces)
            switch generator.next() % 10 {
            case 0: body += pick(["x", ",", "}", "{}"])
            case 1: body = String(body.dropFirst())
            case 2: body = String(body.dropLast())
            default: break
            }
            let general = try? StatusQuestion.parseAnyForm(Data(body.utf8), bulk: false)
            if let plain = StatusQuestion.plainSingle(Data(body.utf8)) {
                plainCount += 1
                let accepted = try #require(general, "read in one pass, refused by the general parser: \(body)")
                #expect(Self.same(plain, accepted), "\(body)")
            }
        }
        // The fast reading is not dead: a good share of the bodies are whole plain questions.
        #expect(plainCount > 200)
    }
}
