import Foundation
import KetenpoortCore
import Testing

@testable import Gateway

#if canImport(Glibc)
    import Glibc
#endif

@Suite("A second batch thread for one step of a job")
struct BatchSideThreadTests {
    private struct Refused: Error, Equatable { let piece: Int }

    @Test("each hand-over returns the result of the piece before it, in order; finish returns the last")
    func inOrder() throws {
        let caller = UInt(pthread_self())
        let side = BatchSideThread { (piece: Int) in (piece * 10, UInt(pthread_self()), ThreadPriority.isCurrentThreadLowered) }
        var results: [Int] = []
        for piece in 1...5 {
            if let (result, thread, lowered) = try side.handOver(piece) {
                #expect(thread != caller, "the step runs on another thread")
                #expect(lowered, "at batch priority")
                results.append(result)
            }
        }
        if let (result, _, _) = try side.finish() { results.append(result) }
        #expect(results == [10, 20, 30, 40, 50])
        #expect(try side.finish() == nil, "nothing in hand")
    }

    @Test("the caller works while the step runs: a step that waits for the caller after its hand-over finishes")
    func overlaps() throws {
        let callerWent = DispatchSemaphore(value: 0)
        // A step that only ends once the caller has gone on after handing it over; were hand-over to
        // wait for the step it started, the step would time out and say so.
        let side = BatchSideThread { (piece: Int) -> Bool in callerWent.wait(timeout: .now() + 120) == .success }
        for piece in 1...3 {
            if let overlapped = try side.handOver(piece) { #expect(overlapped) }
            callerWent.signal()
        }
        #expect(try side.finish() == true)
    }

    @Test("what the step threw comes back with the next hand-over, or with finish")
    func errors() throws {
        let side = BatchSideThread { (piece: Int) -> Int in
            if piece == 2 { throw Refused(piece: piece) }
            return piece
        }
        #expect(try side.handOver(1) == nil)
        #expect(try side.handOver(2) == 1)
        #expect(throws: Refused(piece: 2)) { try side.handOver(3) }
        #expect(try side.finish() == nil, "the piece handed over with the error was not started")
        let last = BatchSideThread { (piece: Int) -> Int in throw Refused(piece: piece) }
        _ = try last.handOver(7)
        #expect(throws: Refused(piece: 7)) { try last.finish() }
    }
}
