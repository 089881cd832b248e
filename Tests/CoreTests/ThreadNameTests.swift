import Foundation
import KetenpoortCore
import Testing

#if os(Linux)
    @Suite("Thread name")
    struct ThreadNameTests {
        @Test("names the calling thread as the system shows it, cut to 15 bytes")
        func named() async throws {
            let seen = await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    ThreadName.setCurrent("kp-a-name-longer-than-fifteen")
                    continuation.resume(returning: try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))
                }
            }
            #expect(seen == "kp-a-name-longe\n")
        }
    }
#endif
