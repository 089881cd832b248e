import Foundation
import KetenpoortCore

/// The inbox's receipts, one per (contract, idempotency key), append-only: whichever node a partner
/// delivers a file to again, it gets the first receipt back.
public protocol InboxReceiptTransaction {
    /// The receipt given for `key` under `contract`, if any.
    func inboxReceipt(contract: String, key: String) throws -> InboxReceiptRecord?
    /// Records a receipt; a second one for the same (contract, key) is an error.
    func recordInboxReceipt(_ receipt: InboxReceiptRecord) throws
}
