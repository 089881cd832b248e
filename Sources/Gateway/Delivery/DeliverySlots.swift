import KetenpoortCore
import Store

/// The attempts the delivery worker has in flight, and whether another may start: at most
/// `overall` at once, at most `perRecipient` to one recipient (a stalled recipient holds only its
/// own slots) and at most `maxBytes` of payload in memory (always at least one attempt).
struct DeliverySlots: Sendable {
    /// Whether a batch may start now.
    enum Admission: Equatable {
        case admitted
        /// Its recipient's slots are taken: batches to other recipients may still start.
        case recipientBusy
        /// Every slot, or the byte budget, is taken: nothing more starts until an attempt ends.
        case full
    }

    let overall: Int
    let perRecipient: Int
    let maxBytes: Int
    private var runningByID: [BatchID: (recipient: String, bytes: Int)] = [:]
    private var perRecipientCount: [String: Int] = [:]
    private var bytes = 0

    init(overall: Int, perRecipient: Int, maxBytes: Int) {
        precondition(overall >= 1 && perRecipient >= 1, "delivery needs at least one slot")
        self.overall = overall
        self.perRecipient = perRecipient
        self.maxBytes = maxBytes
    }

    /// No attempt is in flight.
    var isEmpty: Bool { runningByID.isEmpty }

    /// Whether `batch` is in flight.
    func isRunning(_ batch: BatchID) -> Bool { runningByID[batch] != nil }

    /// The memory an attempt of `payloadBytes` takes: a batch larger than a part is sent as it is
    /// read, with about two parts of it in memory.
    static func memory(payloadBytes: Int) -> Int { min(payloadBytes, 2 * OutboxBatch.payloadPartSize) }

    /// Takes a slot for `batch` when one is free.
    mutating func admit(_ batch: BatchID, recipient: String, payloadBytes: Int) -> Admission {
        let memory = Self.memory(payloadBytes: payloadBytes)
        guard runningByID.count < overall else { return .full }
        // A batch whose recipient is busy could not start anyway: it holds up no one.
        guard perRecipientCount[recipient, default: 0] < perRecipient else { return .recipientBusy }
        guard runningByID.isEmpty || bytes + memory <= maxBytes else { return .full }
        runningByID[batch] = (recipient, memory)
        perRecipientCount[recipient, default: 0] += 1
        bytes += memory
        return .admitted
    }

    /// Frees the slot of `batch`.
    mutating func release(_ batch: BatchID) {
        guard let (recipient, memory) = runningByID.removeValue(forKey: batch) else { return }
        bytes -= memory
        perRecipientCount[recipient, default: 1] -= 1
        if perRecipientCount[recipient] == 0 { perRecipientCount[recipient] = nil }
    }
}
