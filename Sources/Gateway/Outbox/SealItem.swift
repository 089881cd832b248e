import Foundation
import KetenpoortCore
import Store

/// One notification about to be sealed: where its bytes are in the batch's payload, its subject,
/// and the sent state it leaves.
package struct SealItem {
    /// The record's bytes: a range of the payload being built.
    package let fragment: Range<Int>
    package let person: PersonKey
    /// The municipality the record itself names (what the routing guard checks).
    package let addressee: String
    /// The state to record once sealed (nil for a withdrawal, which forgets the state).
    package let state: SentState?
    package let bsn: String?

    package init(fragment: Range<Int>, person: PersonKey, addressee: String, state: SentState?, bsn: String?) {
        self.fragment = fragment
        self.person = person
        self.addressee = addressee
        self.state = state
        self.bsn = bsn
    }
}
