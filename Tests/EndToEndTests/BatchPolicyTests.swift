import Foundation
import Gateway
import HTTPClient
import KetenpoortTesting
import Testing

@testable import KetenpoortCore

/// Batch work under `SCHED_IDLE` leaves every other thread of the process at normal policy: a night
/// and its delivery must not make Swift's cooperative pool (the request handlers' threads) idle-class.
@Suite("Batch threads' policy")
struct BatchPolicyTests {
    /// The threads a batch job runs on, by name (`ThreadName`), and those other tests lower
    /// (`kp-test-lowered`, CoreTests) while this one runs beside them.
    static let batchThreads = ["kp-batch", "kp-curl-", "kp-stage", "kp-sync-commit", "kp-test-"]

    @Test(
        "a night synced and delivered as batch work: every wake-up of the waiting tasks comes from a thread of normal policy, and only batch threads run SCHED_IDLE"
    )
    func onlyBatchThreadsIdle() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let client = CurlClient(priority: .idle)
        // The tasks run on an executor that notes who enqueues them: the thread that resumes a
        // waiting task enqueues it, and there libdispatch would start a worker if it needed one.
        let executor = EnqueueRecorder()
        // Batch work under SCHED_IDLE, as `ketenpoort run` has it, for this test's work only.
        let (report, round) = try await BatchPolicy.$scoped.withValue(.idle) {
            try await withTaskExecutorPreference(executor) {
                #expect(try await BatchWork.run { ThreadPriority.isCurrentThreadIdle }, "batch work runs idle-class here")
                let report = try await BatchWork.run { try fixture.sync("tvs-export-20261121.csv") }
                let round = try await DeliveryWorker(store: fixture.runtime.store, configuration: fixture.runtime.configuration, client: client)
                    .deliverUntilDone(deadline: Date().addingTimeInterval(300))
                // Its last idle-class worker thread wakes this task when the client has shut down.
                await client.shutdown()
                return (report, round)
            }
        }
        #expect(Set(round.delivered) == Set(report.batches))
        #expect(executor.enqueuedCount > report.batches.count, "the tasks were resumed on the recording executor")
        #expect(executor.idleEnqueuers.isEmpty, "tasks woken by idle-class threads: \(executor.idleEnqueuers)")
        let strays = Self.idleThreads().filter { name in !Self.batchThreads.contains { name.hasPrefix($0) } }
        #expect(strays.isEmpty, "threads under SCHED_IDLE that are no batch threads: \(strays)")
    }

    @Test("a KETENPOORT_BATCH_POLICY that is no policy stops any command with exit 3 and a line naming the policies")
    func unknownPolicy() async throws {
        let run = try await CLI.runDetached(["outbox"], environment: ["KETENPOORT_BATCH_POLICY": "fast"])
        #expect(run.status == 3, "\(run)")
        #expect(run.stderr.contains("KETENPOORT_BATCH_POLICY must be one of idle, nice, not 'fast'"), "\(run.stderr)")
    }

    /// The names of this process's threads under `SCHED_IDLE`.
    static func idleThreads() -> [String] {
        BatchFloor.threads().filter { $0.1.policy == ThreadPriority.schedIdle }.map(\.1.name)
    }
}
