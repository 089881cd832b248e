import Foundation
import KetenpoortCore
import Testing

@Suite("Bounded queue between two threads")
struct BoundedQueueTests {
    @Test("everything put arrives once, in order, and the producer never runs more than the capacity ahead")
    func inOrderAndBounded() async {
        let queue = BoundedQueue<Int>(capacity: 3)
        let taken = LockedCounter()
        let ahead = LockedCounter()
        let producer = Thread {
            for value in 0..<1_000 {
                try? queue.put(value)
                // Put returned: at most the capacity can be waiting beyond what was taken.
                ahead.max(value + 1 - taken.value)
            }
            queue.close()
        }
        producer.start()
        var received: [Int] = []
        while let value = queue.take() {
            received.append(value)
            taken.add(1)
        }
        #expect(received == Array(0..<1_000))
        // One more than the capacity: the element just taken is counted before `taken` is.
        #expect(ahead.value <= 4)
    }

    @Test("a consumer that gives up stops the producer: its next put throws, and nothing queued is handed on")
    func cancelled() throws {
        let queue = BoundedQueue<Int>(capacity: 2)
        try queue.put(1)
        try queue.put(2)
        let failed = DispatchSemaphore(value: 0)
        let producer = Thread {
            // Full: waits until the consumer cancels, then throws.
            if (try? queue.put(3)) == nil { failed.signal() }
        }
        producer.start()
        queue.cancel()
        failed.wait()
        #expect(queue.take() == nil)
        #expect(throws: BoundedQueue<Int>.Cancelled.self) { try queue.put(4) }
    }
}

/// A counter two threads share.
private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }
    func add(_ amount: Int) { lock.withLock { count += amount } }
    func max(_ candidate: Int) { lock.withLock { count = Swift.max(count, candidate) } }
}
