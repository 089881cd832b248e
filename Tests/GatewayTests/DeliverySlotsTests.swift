import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

@testable import Gateway

@Suite("Delivery slots")
struct DeliverySlotsTests {
    @Test("a busy recipient is passed over, a full worker stops taking batches, a freed slot is taken again")
    func admission() {
        var slots = DeliverySlots(overall: 3, perRecipient: 2, maxBytes: 1 << 20)
        #expect(slots.admit("a1", recipient: "a", payloadBytes: 100) == .admitted)
        #expect(slots.admit("a2", recipient: "a", payloadBytes: 100) == .admitted)
        #expect(slots.admit("a3", recipient: "a", payloadBytes: 100) == .recipientBusy)
        #expect(slots.admit("b1", recipient: "b", payloadBytes: 100) == .admitted)
        #expect(slots.admit("c1", recipient: "c", payloadBytes: 100) == .full)
        slots.release("a1")
        #expect(!slots.isRunning("a1") && slots.isRunning("a2"))
        #expect(slots.admit("a3", recipient: "a", payloadBytes: 100) == .admitted)
    }

    @Test("the byte budget: a batch that does not fit waits, unless nothing is in flight; a busy recipient's batch never holds up others")
    func byteBudget() {
        let part = OutboxBatch.payloadPartSize
        var slots = DeliverySlots(overall: 16, perRecipient: 1, maxBytes: 3 * part)
        // A large batch counts as two parts (it is sent as it is read), and goes alone when nothing else runs.
        #expect(slots.admit("cbs", recipient: "cbs", payloadBytes: 40 * part) == .admitted)
        #expect(slots.admit("cbs-2", recipient: "cbs", payloadBytes: 40 * part) == .recipientBusy)
        #expect(slots.admit("big", recipient: "duo", payloadBytes: part + 1) == .full)
        #expect(slots.admit("small", recipient: "gm0363", payloadBytes: part) == .admitted)
        slots.release("cbs")
        slots.release("small")
        #expect(slots.isEmpty)
        var alone = DeliverySlots(overall: 16, perRecipient: 2, maxBytes: 1)
        #expect(alone.admit("first", recipient: "a", payloadBytes: 5 * part) == .admitted)
        #expect(alone.admit("second", recipient: "b", payloadBytes: 1) == .full)
    }

    @Test("delivery.maxInFlightPerRecipient: 2 in the shipped configuration and when left out, read from the file, below 1 refused")
    func configured() throws {
        let shipped = Repository.root.appendingPathComponent("ketenpoort.yaml")
        #expect(try GatewayConfiguration.load(contentsOf: shipped).delivery.maxInFlightPerRecipient == 2)
        let template = try String(contentsOf: shipped, encoding: .utf8)
        let directory = try TempDirectory()
        defer { directory.remove() }
        func load(_ line: String) throws -> GatewayConfiguration {
            let yaml = template.replacingOccurrences(of: "  maxInFlightPerRecipient: 2", with: line)
            return try GatewayConfiguration.load(contentsOf: try directory.write("ketenpoort-\(UUID().uuidString).yaml", yaml))
        }
        #expect(try load("").delivery.maxInFlightPerRecipient == 2)
        #expect(try load("  maxInFlightPerRecipient: 5").delivery.maxInFlightPerRecipient == 5)
        #expect(throws: KetenpoortError.self) { try load("  maxInFlightPerRecipient: 0") }
    }
}
