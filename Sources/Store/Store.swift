import Foundation
import KetenpoortCore

/// The gateway's durable state behind small protocols, one per aggregate (`OutboxTransaction`,
/// `AuditTransaction`, …), so a second engine (PostgreSQL) can implement it. Every change happens
/// inside `write`: all of it is durable, or none of it.
///
/// The engine runs transactions on threads it owns. From async code (the API, the delivery worker,
/// the watches) only the `async` forms can be called — the compiler refuses the blocking ones there
/// — so no caller ever blocks Swift's cooperative pool. The blocking forms are for code already on
/// a thread of its own: a night's sync, an ingest, a command-line command.
public protocol Store: Sendable {
    /// Runs `body` in one transaction and commits it; a thrown error rolls everything back.
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async write")
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body` on a consistent read-only view.
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async read")
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body` in one transaction on a thread of the engine's and commits it.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent read-only view, on a thread of the engine's.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` — one short write that keeps a lease or a delivery claim alive — in a transaction
    /// that never queues behind those of `write`: a renewal held up by a night's commits would let a
    /// lease run out that a live node still holds, and another node would take its work over.
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async renewal")
    func renewal<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body`, a renewal, as the blocking form does, on a thread of the engine's.
    func renewal<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` in one transaction and commits it — visible at once to every reader, process and
    /// node — without waiting for a flush of its own: it is durable once a later commit or a
    /// checkpoint has flushed the log (in WAL order, so never before what was committed ahead of it).
    /// A crash of the process loses nothing; a crash of the machine may lose it. Only for writes
    /// whose loss costs nothing but a repeat: a delivery claim (lost, the batch is claimed and sent
    /// again, the same sealed bytes under the same idempotency key).
    @available(*, noasync, message: "blocks the calling thread")
    func writeUnflushed<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// The processing log, which never waits for the transactions of `write`.
    var processingLog: any ProcessingLog { get }
    /// The DUO status store, which never waits for the transactions of `write` either.
    var duoStatus: any DuoStatusStore { get }
}

extension Store {
    /// An engine without a cheaper commit flushes as `write` does.
    @available(*, noasync, message: "blocks the calling thread")
    public func writeUnflushed<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try write(body) }
}

/// What the flows may read and change in one transaction: every aggregate of the store, so one
/// commit can seal a batch and append its audit entry, or record a run with its findings.
public protocol StoreTransaction:
    OutboxTransaction, SentStateTransaction, RunTransaction, IncidentTransaction, AuditTransaction, ConsentTransaction,
    LeaseTransaction, CbsDeliveryTransaction, InboxReceiptTransaction
{}
