import Foundation
import Testing

@testable import KetenpoortCore

#if os(Linux)
    /// Each test lowers a thread of its own; its answer goes back through `NormalPolicyRelay`, as
    /// production's does: a continuation resumed on a lowered thread may have libdispatch start a
    /// cooperative-pool worker there, which would inherit the lowered priority for good (and, under
    /// `SCHED_IDLE` on a busy machine, starve every other test's tasks that land on it).
    @Suite("Thread priority")
    struct ThreadPriorityTests {
        /// The nice values a new thread sees: after `setNiceness(7)`, then after `setNiceness(5, onlyLowering: true)`.
        private static func onNewThread() async -> (Int32, Int32) {
            NormalPolicyRelay.prepare()
            return await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.setNiceness(7)
                    let first = ThreadPriority.currentNiceness
                    ThreadPriority.setNiceness(5, onlyLowering: true)
                    let second = ThreadPriority.currentNiceness
                    NormalPolicyRelay.handOff { continuation.resume(returning: (first, second)) }
                }
            }
        }

        @Test("sets the calling thread's nice value; onlyLowering never raises a thread's priority")
        func niceness() async {
            let (first, second) = await Self.onNewThread()
            #expect(first == 7)
            #expect(second == 7)
            // Only that thread: this one keeps its own.
            #expect(ThreadPriority.currentNiceness < 7)
        }

        @Test("tryRestoringNormal puts an idle-class, niced thread back at normal policy and nice 0, where the system allows it")
        func restoringNormal() async {
            NormalPolicyRelay.prepare()
            let seen = await withCheckedContinuation { (continuation: CheckedContinuation<(Bool, Bool, Bool, Int32), Never>) in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.idle.apply()
                    ThreadPriority.setNiceness(12)
                    let wasLowered = ThreadPriority.isCurrentThreadLowered
                    let restored = ThreadPriority.tryRestoringNormal()
                    let seen = (
                        wasLowered, restored, ThreadPriority.isCurrentThreadLowered, ThreadPriority.currentNiceness
                    )
                    NormalPolicyRelay.handOff { continuation.resume(returning: seen) }
                }
            }
            #expect(seen.0, "the thread ran lowered first")
            #expect(seen.1 == !seen.2, "its answer says how it runs afterwards")
            // Root (CAP_SYS_NICE) may always raise a thread back.
            if geteuid() == 0 {
                #expect(seen.1 && seen.3 == 0, "restored: \(seen)")
            }
        }

        @Test("lowered: at least nice 10 on that thread and the threads it starts, never raised, not on the caller")
        func lowered() async {
            NormalPolicyRelay.prepare()
            let seen = await withCheckedContinuation { (continuation: CheckedContinuation<[Int32], Never>) in
                Thread.detachNewThread {
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.lowered.apply()
                    let own = ThreadPriority.currentNiceness
                    ThreadPriority.setNiceness(15)
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.lowered.apply()
                    let lowered = ThreadPriority.currentNiceness
                    Thread.detachNewThread {
                        let started = ThreadPriority.currentNiceness
                        NormalPolicyRelay.handOff { continuation.resume(returning: [own, lowered, started]) }
                    }
                }
            }
            #expect(seen == [ThreadPriority.batchNiceness, 15, 15])
            #expect(ThreadPriority.currentNiceness < ThreadPriority.batchNiceness)
        }

        @Test("idle: SCHED_IDLE on that thread and the threads it starts, not on the caller")
        func idle() async {
            NormalPolicyRelay.prepare()
            let seen = await withCheckedContinuation { (continuation: CheckedContinuation<[Bool], Never>) in
                Thread.detachNewThread {
                    let before = ThreadPriority.isCurrentThreadIdle
                    ThreadName.setCurrent(testThreadName)
                    ThreadPriority.idle.apply()
                    let own = ThreadPriority.isCurrentThreadIdle
                    Thread.detachNewThread {
                        let started = ThreadPriority.isCurrentThreadIdle
                        NormalPolicyRelay.handOff { continuation.resume(returning: [before, own, started]) }
                    }
                }
            }
            #expect(seen == [false, true, true])
            #expect(!ThreadPriority.isCurrentThreadIdle)
        }

        @Test("batch work follows the policy: the task's over the process's; nice 10 where neither the task nor the environment says")
        func batchFollowsPolicy() async {
            #expect(BatchPolicy.$scoped.withValue(.idle) { ThreadPriority.batch } == .idle)
            #expect(BatchPolicy.$scoped.withValue(.nice) { ThreadPriority.batch } == .lowered)
            if ProcessInfo.processInfo.environment["KETENPOORT_BATCH_POLICY"] == nil {
                #expect(ThreadPriority.batch == .lowered, "a command that is batch work as a whole: nice 10")
            }
        }
    }
#endif
