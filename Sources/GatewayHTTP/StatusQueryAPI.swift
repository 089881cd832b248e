import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import Sealing
import Store

/// The IND's question "did this person meet the integration obligation?" (formats.md §4),
/// answered from the status store as of the last applied DUO extract. Every answer is written to
/// the processing log — one entry per data subject — before it is given; if that write fails, the
/// question is refused (fail closed).
public struct StatusQueryAPI: Sendable {
    /// The processing activity of the log entries.
    public static let activity = "ind-statusvraag"

    let store: any Store
    let writer: ProcessingLogWriter
    let pseudonym: SubjectPseudonym
    let clock: any WallClock

    public init(store: any Store, writer: ProcessingLogWriter, pseudonym: SubjectPseudonym, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.writer = writer
        self.pseudonym = pseudonym
        self.clock = clock
    }

    static let noExtract = APIProblem(.serviceUnavailable, "status.no-extract", "no DUO status extract has been applied yet")
    static let logUnavailable = APIProblem(
        .serviceUnavailable, "processing-log.unavailable", "the processing log cannot be written; no answer is given")

    /// The trace a question belongs to: the caller's `traceparent`, if it sent one, and this
    /// gateway's own span in it.
    struct Trace: Sendable {
        let traceID: String
        let spanID: String
        let parentSpanID: String?
        let flags: UInt8

        init(caller: TraceParent?) {
            var generator = SystemRandomNumberGenerator()
            let own = caller?.child(using: &generator) ?? TraceParent.random(using: &generator)
            traceID = own.traceID
            spanID = own.spanID
            parentSpanID = caller?.spanID
            flags = own.flags
        }

        /// The `traceparent` to answer with: this gateway's span.
        var header: String { "00-\(traceID)-\(spanID)-" + Hex.encode([flags]) }
    }

    /// The answers to `question`, in the order asked, once their processing is on record.
    func answer(_ question: StatusQuestion, caller: OIN, trace: Trace) async throws -> [StatusAnswer] {
        let bsns = question.bsns.map(\.digits)
        let now = clock.now()
        // One entry per data subject, also when a bulk question names someone twice.
        var seen = Set<String>()
        let entries = bsns.filter { seen.insert($0).inserted }.map { bsn in
            LoggedAnswerEntry(
                bsn: bsn,
                entry: ProcessingLogEntry(
                    traceID: trace.traceID, spanID: trace.spanID, parentSpanID: trace.parentSpanID, activity: Self.activity,
                    callerOIN: caller.value, purpose: question.doelbinding.rawValue, caseNumber: question.zaaknummer,
                    subject: pseudonym.of(PersonKey(value: "b:" + bsn)), outcome: LoggedAnswerEntry.known, at: now))
        }
        let read: DuoStatusAnswerRead
        if let logged = store.duoStatus as? any LoggedAnswerReading {
            // Read and log in one statement: an error may have come from either, and either way
            // the processing is not on record.
            let started = ContinuousClock.now
            do { read = try await logged.answerRead(bsns: bsns, logging: entries) } catch { throw Self.logUnavailable }
            Telemetry.processingLogCommit(ContinuousClock.now - started, entries: entries.count)
        } else {
            read = try await store.duoStatus.answerRead(bsns: bsns)
            guard read.extract != nil else { throw Self.noExtract }
            let known = Set(zip(bsns, read.statuses).compactMap { $1 == nil ? nil : $0 })
            do {
                try await writer.append(entries.map { $0.withOutcome(known.contains($0.bsn)) })
            } catch {
                throw Self.logUnavailable
            }
        }
        guard let mark = read.extract else { throw Self.noExtract }
        return read.statuses.map { StatusAnswer($0, peildatum: mark.creationDate.iso) }
    }
}

extension LoggedAnswerEntry {
    /// The entry with the outcome of an answer about a person the store holds (`known`) or not.
    func withOutcome(_ known: Bool) -> ProcessingLogEntry {
        ProcessingLogEntry(
            traceID: entry.traceID, spanID: entry.spanID, parentSpanID: entry.parentSpanID, activity: entry.activity, callerOIN: entry.callerOIN,
            purpose: entry.purpose, caseNumber: entry.caseNumber, subject: entry.subject, outcome: known ? Self.known : Self.unknown, at: entry.at)
    }
}
