import Foundation

/// A queue between one producing and one consuming thread that holds at most `capacity` elements:
/// the producer waits while it is full, so memory stays bounded however fast it runs. Either side
/// can end it — the producer by `close()` (the consumer drains what is left, then gets nil), the
/// consumer by `cancel()` (the producer's next `put` throws, what is queued is dropped).
///
/// ```swift
/// let queue = BoundedQueue<[Row]>(capacity: 4)
/// // producer: try queue.put(chunk) … queue.close()
/// // consumer: while let chunk = queue.take() { … }
/// ```
public final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private let capacity: Int
    private var isClosed = false
    private var isCancelled = false

    /// Thrown by `put` once the consumer has cancelled the queue.
    public struct Cancelled: Error {}

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Adds `element`, waiting while the queue is full; throws `Cancelled` once the consumer gave up.
    public func put(_ element: Element) throws {
        condition.lock()
        defer { condition.unlock() }
        while elements.count >= capacity && !isCancelled { condition.wait() }
        guard !isCancelled else { throw Cancelled() }
        elements.append(element)
        condition.broadcast()
    }

    /// The next element, waiting for one; nil once the queue is closed and drained, or cancelled.
    public func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while elements.isEmpty && !isClosed && !isCancelled { condition.wait() }
        guard !isCancelled, !elements.isEmpty else { return nil }
        let element = elements.removeFirst()
        condition.broadcast()
        return element
    }

    /// The producer is done: the consumer gets what is queued, then nil.
    public func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer is done: the producer's next `put` throws, and what is queued is dropped.
    public func cancel() {
        condition.lock()
        isCancelled = true
        elements.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
