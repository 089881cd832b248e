import Foundation
import Gateway
import KetenpoortCore
import Testing

/// The pseudonym is how the processing log, the incident log and subject access find a person:
/// it must never change for the same key and person.
@Suite("Subject pseudonym")
struct SubjectPseudonymTests {
    @Test("HMAC-SHA256 of the person key under the gateway's key, lower-case hex (a fixed vector)")
    func fixedVector() {
        let pseudonym = SubjectPseudonym(key: Data(repeating: 7, count: 32))
        #expect(pseudonym.of(PersonKey(value: "b:123456782")) == "2a96ebfaff1bbbb4f7c3460a8dcce12739c961fd58789d7b4a3239b3cb8c2850")
        #expect(pseudonym.of(PersonKey(value: "b:123456782")) != pseudonym.of(PersonKey(value: "b:111222333")))
    }
}
