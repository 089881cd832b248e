import Foundation
import KetenpoortCore

/// A fixed set of threads that run blocking `curl_easy_perform` calls, with easy handles of their own (one per party, see `PartyHandles`).
///
/// Why threads of our own rather than a `DispatchQueue`: a transfer blocks its thread for up to its
/// timeout; a fixed pool bounds both the number of blocked threads and the concurrency towards the
/// recipients, and never borrows a thread from the Swift cooperative pool or Dispatch's shared one.
///
/// `@unchecked Sendable`: `jobs`, `isStopped` and `runningThreads` are only touched while `condition` is locked.
final class CurlWorkerPool: @unchecked Sendable {
    struct Job {
        let request: CurlRequest
        let control: TransferControl
        let completion: @Sendable (Result<HTTPResponse, KetenpoortError>) -> Void
    }

    private let condition = NSCondition()
    /// A queue: `jobs[jobsHead...]` wait; taken slots are emptied at once, so a finished job's
    /// request body is freed even while the queue never runs dry.
    private var jobs: [Job?] = []
    private var jobsHead = 0
    private var isStopped = false
    private var runningThreads = 0
    private var inFlight: [ObjectIdentifier: TransferControl] = [:]
    private var stopWaiters: [@Sendable () -> Void] = []

    /// Starts `threadCount` worker threads; `curl_global_init` has run before (see `CurlClient`).
    init(threadCount: Int, maximumResponseSize: Int, priority: ThreadPriority? = nil) {
        runningThreads = threadCount
        if priority != nil { NormalPolicyRelay.prepare() }
        for index in 0..<threadCount {
            let thread = Thread { [self] in
                ThreadName.setCurrent("kp-curl-\(index)")
                priority?.apply()
                self.work(maximumResponseSize: maximumResponseSize)
            }
            thread.start()
        }
    }

    /// Queues a job; after `stop()` the job fails at once with `transport.cancelled`.
    func submit(_ job: Job) {
        condition.lock()
        guard !isStopped else {
            condition.unlock()
            job.completion(.failure(KetenpoortError(.transportCancelled, "the HTTPS client has shut down")))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Refuses new jobs, fails the queued ones, aborts those in flight; the threads then end.
    func stop() {
        condition.lock()
        let wasStopped = isStopped
        isStopped = true
        let abandoned = jobs[jobsHead...].compactMap { $0 }
        jobs = []
        jobsHead = 0
        let running = Array(inFlight.values)
        condition.broadcast()
        condition.unlock()
        guard !wasStopped else { return }
        running.forEach { $0.cancel() }
        for job in abandoned {
            job.completion(.failure(KetenpoortError(.transportCancelled, "the HTTPS client shut down before the transfer started")))
        }
    }

    /// Stops the pool and returns once every worker thread has ended.
    func stopAndWait() async {
        stop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if runningThreads == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                stopWaiters.append { continuation.resume() }
                condition.unlock()
            }
        }
    }

    private func work(maximumResponseSize: Int) {
        do {
            // The handles are cleaned up on this thread, before the pool counts the thread as ended.
            let handles = PartyHandles(maximumResponseSize: maximumResponseSize)
            while let job = nextJob() {
                let result = handles.handle(for: job.request).perform(job.request, control: job.control)
                condition.lock()
                inFlight[ObjectIdentifier(job.control)] = nil
                condition.unlock()
                let completion = job.completion
                NormalPolicyRelay.handOff { completion(result) }
            }
        }
        condition.lock()
        runningThreads -= 1
        let waiters = runningThreads == 0 ? stopWaiters : []
        if runningThreads == 0 { stopWaiters = [] }
        condition.unlock()
        // This thread may run below normal: whoever waits is woken from the relay.
        if !waiters.isEmpty { NormalPolicyRelay.handOff { waiters.forEach { $0() } } }
    }

    /// The next job, waiting for one; nil once the pool is stopped.
    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while jobsHead == jobs.count && !isStopped { condition.wait() }
        guard !isStopped else { return nil }
        guard let job = jobs[jobsHead] else { preconditionFailure("a queued job slot is empty") }
        jobs[jobsHead] = nil
        jobsHead += 1
        if jobsHead == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            jobsHead = 0
        } else if jobsHead >= 256 && jobsHead * 2 >= jobs.count {
            jobs.removeFirst(jobsHead)
            jobsHead = 0
        }
        inFlight[ObjectIdentifier(job.control)] = job.control
        return job
    }
}
