import Foundation
import KetenpoortCore

/// Writes the payload of one outbox batch as it is produced, in parts of
/// `OutboxBatch.payloadPartSize`: only the part being filled is in memory.
///
/// ```swift
/// var writer = PayloadWriter(batch: id, in: tx)
/// for line in lines { try writer.write(line) }
/// try writer.finish()
/// try tx.insertBatch(OutboxBatch(id: id, …, payloadBytes: writer.bytes, …))
/// ```
public struct PayloadWriter {
    /// The id of the batch the payload is for.
    public let batch: BatchID
    private let transaction: any StoreTransaction
    private var buffer: [UInt8] = []
    private var part = 0
    /// The bytes written so far.
    public private(set) var bytes = 0

    /// A writer of the payload of `batch`, appending its parts in `transaction`; call `finish()` before inserting the batch.
    public init(batch: BatchID, in transaction: any StoreTransaction) {
        self.batch = batch
        self.transaction = transaction
        buffer.reserveCapacity(OutboxBatch.payloadPartSize)
    }

    /// Appends `data` to the payload.
    public mutating func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write(bytes: $0) }
    }

    /// Appends `data` to the payload.
    public mutating func write(_ data: [UInt8]) throws {
        try data.withUnsafeBytes { try write(bytes: $0) }
    }

    private mutating func write(bytes data: UnsafeRawBufferPointer) throws {
        var rest = data[...]
        while !rest.isEmpty {
            let room = OutboxBatch.payloadPartSize - buffer.count
            buffer.append(contentsOf: rest.prefix(room))
            rest = rest.dropFirst(room)
            if buffer.count == OutboxBatch.payloadPartSize { try flush() }
        }
        bytes += data.count
    }

    /// Stores what is left; a payload always has at least one part, if empty.
    public mutating func finish() throws {
        if !buffer.isEmpty || part == 0 { try flush() }
    }

    private mutating func flush() throws {
        try transaction.appendPayloadPart(batch: batch, part: part, bytes: buffer)
        buffer.removeAll(keepingCapacity: true)
        part += 1
    }
}
