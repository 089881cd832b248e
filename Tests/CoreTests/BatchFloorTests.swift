import Foundation
import Testing

@testable import KetenpoortCore

#if canImport(Glibc)
    import Glibc
#endif

/// The floor under idle-class batch work: starved, a batch thread is lifted for a tick now and then.
@Suite("Batch floor")
struct BatchFloorTests {
    @Test("a stat line is read past a thread name with spaces and parentheses")
    func parsesStat() throws {
        var fields = (3...52).map { _ in "0" }
        fields[0] = "R"  // field 3
        fields[11] = "120"  // field 14, utime
        fields[12] = "30"  // field 15, stime
        fields[38] = "5"  // field 41, policy
        let stat = try #require(BatchFloor.parse("4242 (kp (batch) 1) " + fields.joined(separator: " ")))
        #expect(stat.name == "kp (batch) 1")
        #expect(stat.state == "R")
        #expect(stat.cpuTicks == 150)
        #expect(stat.policy == 5)
    }

    #if os(Linux)
        @Test("an idle-class thread starved by busy threads of normal policy is lifted for a tick, then idle-class again")
        func liftsAStarvedThread() async throws {
            // Threads of normal policy on every core, and one idle-class thread that wants to run.
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let running = LockedValue(true)
            let starvedID = LockedValue<Int32?>(nil)
            for index in 0...cores {
                Thread {
                    if index == 0 {
                        ThreadName.setCurrent(testThreadName)
                        ThreadPriority.idle.apply()
                        starvedID.withLock { $0 = Self.currentThreadID() }
                    }
                    while running.withLock({ $0 }) {}
                }.start()
            }
            defer { running.withLock { $0 = false } }
            let starved = try await Self.waitFor { starvedID.withLock { $0 } }
            #expect(BatchFloor.threads().first { $0.0 == starved }?.1.policy == ThreadPriority.schedIdle)
            let told = LockedValue(0)
            let floor = BatchFloor.start(tick: .milliseconds(100), watching: { $0 == starved }, onLift: { count in told.withLock { $0 += count } })
            defer { floor.stop() }
            // Lifted: normal policy for a tick, at nice 10.
            _ = try await Self.waitFor { floor.lifts > 0 ? true : nil }
            // And told, for the metrics.
            _ = try await Self.waitFor { told.withLock { $0 } > 0 ? true : nil }
            // And idle-class again after it.
            _ = try await Self.waitFor {
                BatchFloor.threads().first { $0.0 == starved }?.1.policy == ThreadPriority.schedIdle ? true : nil
            }
        }

        /// The calling thread's id (what `/proc/thread-self` points to: `<pid>/task/<id>`).
        static func currentThreadID() -> Int32? {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")).flatMap { Int32($0.split(separator: "/").last ?? "") }
        }

        /// Waits (at most 120 s) until `value` gives something.
        static func waitFor<T>(_ value: () -> T?) async throws -> T {
            for _ in 0..<2_400 {
                if let found = value() { return found }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw CancellationError()
        }
    #endif
}
