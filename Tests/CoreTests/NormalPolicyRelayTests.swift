import Foundation
import Testing

@testable import KetenpoortCore

#if os(Linux)
    /// What a batch thread hands off runs on a thread of normal policy, so that no thread libdispatch
    /// starts for the work it wakes inherits `SCHED_IDLE`.
    @Suite("Normal-policy relay")
    struct NormalPolicyRelayTests {
        /// On a new batch thread: whether it runs idle-class, and whether `handOff`'s and
        /// `runAndWait`'s work did.
        private static func fromBatchThread() async -> [Bool] {
            NormalPolicyRelay.prepare()
            return await withCheckedContinuation { (continuation: CheckedContinuation<[Bool], Never>) in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.idle.apply()
                    let own = ThreadPriority.isCurrentThreadIdle
                    let waited = NormalPolicyRelay.runAndWait { ThreadPriority.isCurrentThreadIdle }
                    NormalPolicyRelay.handOff { continuation.resume(returning: [own, waited, ThreadPriority.isCurrentThreadIdle]) }
                }
            }
        }

        @Test("work a batch thread hands off runs on a thread of normal policy, and the batch thread stays idle-class")
        func fromBatch() async {
            #expect(await Self.fromBatchThread() == [true, false, false])
        }

        @Test("work a thread at nice 10 hands off runs on the relay too (a nice-10 worker could not be raised again)")
        func fromNiceThread() async {
            NormalPolicyRelay.prepare()
            let lowered = await withCheckedContinuation { (continuation: CheckedContinuation<[Bool], Never>) in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.lowered.apply()
                    let own = ThreadPriority.isCurrentThreadLowered
                    NormalPolicyRelay.handOff { continuation.resume(returning: [own, ThreadPriority.isCurrentThreadLowered]) }
                }
            }
            #expect(lowered == [true, false])
        }

        @Test(
            "a continuation an idle-class thread resumes through the relay leaves the cooperative pool at normal policy")
        func poolStaysNormal() async {
            NormalPolicyRelay.prepare()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.idle.apply()
                    // Long enough for idle pool workers to end (libdispatch's are 5 s), so that
                    // the resume has a new one started, by whichever thread enqueues it.
                    Thread.sleep(forTimeInterval: 7)
                    NormalPolicyRelay.handOff { continuation.resume() }
                }
            }
            await withTaskGroup(of: Void.self) { tasks in
                for _ in 0..<8 { tasks.addTask { try? await Task.sleep(for: .milliseconds(1)) } }
            }
            let idlePool = BatchFloor.threads().filter { $0.1.name.hasSuffix("default-qos") && $0.1.policy == ThreadPriority.schedIdle }
            #expect(idlePool.isEmpty, "\(idlePool)")
        }

        @Test("many waits in a row from a nice-10 thread each get their result (the relay lets go of the work before it answers)")
        func manyWaits() async {
            NormalPolicyRelay.prepare()
            let sum = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.lowered.apply()
                    var sum = 0
                    for index in 0..<20_000 { sum += NormalPolicyRelay.runAndWait { index } }
                    NormalPolicyRelay.handOff { [sum] in continuation.resume(returning: sum) }
                }
            }
            #expect(sum == (0..<20_000).reduce(0, +))
        }

        @Test("from a thread of normal policy the work runs at once, on that thread")
        func fromNormal() {
            let caller = Thread.current
            nonisolated(unsafe) var ranOn: Thread?
            NormalPolicyRelay.handOff { ranOn = Thread.current }
            #expect(ranOn === caller)
            #expect(NormalPolicyRelay.runAndWait { Thread.current === caller })
        }
    }
#endif
