import Foundation
import GatewayHTTP
import HTTPClient
import KetenpoortCore
import KetenpoortTesting

/// `bench-api --during-sync` / `--during-duo`: single status questions at a fixed rate (open loop,
/// latency from when each was due) while a partner delivers a file to the gateway's HTTPS inbox.
/// The answers are reported in three windows of when they were due: **before** the delivery,
/// **during** it — from the POST's start until the inbox answered and, when the file makes a
/// night for the municipalities, until the outbox is empty — and **after**.
struct InboxDeliveryBenchmark {
    /// The file a partner delivers, and as whom.
    struct Delivery {
        /// What is delivered, for the report (no data of it).
        let description: String
        let contract: String
        /// The producer's client certificate.
        let sender: TLSClientSettings
        let file: URL
        /// The name sent as `Content-Disposition` filename.
        let fileName: String
        let contentType: String
        /// Where the municipalities' receiver stores the night's batches, when the file makes one:
        /// the during window then lasts until the outbox is empty.
        let received: URL?
    }

    let questions: URL
    let headers: [(name: String, value: String)]
    let bodies: [Data]
    let tls: TLSClientSettings
    let connections: Int
    let rate: Double
    let niceness: Int32
    /// The length of the windows before and after the delivery.
    let window: Duration
    let delivery: Delivery
    /// The gateway's log (at `notice`: each processing-log commit over 10 ms is a line).
    let gatewayLog: URL

    /// How long a question may wait for its answer: a stalled gateway's answers are measured with
    /// their real latency rather than cut off (one not answered by then counts as refused).
    static let questionTimeout = Duration.seconds(600)
    /// How long the inbox may take to answer, and then the outbox to empty: generous, the
    /// benchmark waits rather than fails; past it the report says so.
    static let deliveryLimit = Duration.seconds(3_600)

    func run() async throws {
        try BenchInput.writeOut(delivery.file)
        let length = try FileManager.default.attributesOfItem(atPath: delivery.file.path)[.size] as? Int ?? 0
        let digest = ContentDigest.field(for: try Data(contentsOf: delivery.file, options: .alwaysMapped))
        // The partner's upload stands for another machine: at the lowest priority it yields the
        // cores to the gateway (not SCHED_IDLE, which this process's cooperative pool — and with it
        // the load generator's bookkeeping — would inherit from the threads that resume it).
        let client = CurlClient(threadCount: 2, priority: .niceness(19))
        print(
            "  while \(delivery.description) is POSTed to the HTTPS inbox: single questions at a fixed \(Int(rate))/s over \(connections) "
                + "keep-alive connections (latency from when each was due; windows by when it was due)")
        _ = LoadGenerator.run(
            urls: [questions], headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, duration: .seconds(2),
            niceness: niceness)  // warm-up: connections, caches
        let stealAtStart = CPUSteal.now()
        let load = LoadGenerator.start(
            urls: [questions], headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, timeout: Self.questionTimeout,
            niceness: niceness)
        try? await Task.sleep(for: window)
        let posted = ContinuousClock.now, postedAt = Date(), stealAtPost = CPUSteal.now()
        let answer = await post(client: client, length: length, digest: digest)
        let answered = ContinuousClock.now
        let outbox = delivery.received == nil ? nil : await waitUntilOutboxIsEmpty(client: client)
        let settled = ContinuousClock.now, stealAtSettled = CPUSteal.now()
        let lifts = await counter("ketenpoort_batch_floor_lifts_total", client: client)
        try? await Task.sleep(for: window)
        let end = ContinuousClock.now, stealAtEnd = CPUSteal.now()
        load.stop()
        await load.finished()
        await client.shutdown()

        Self.report("before", load.result(dueFrom: load.start, to: posted))
        Self.report("during", load.result(dueFrom: posted, to: settled))
        SlowestSeconds.report(load.series(dueFrom: posted, to: settled, every: .seconds(1)), over: 10)
        Self.report("after", load.result(dueFrom: settled, to: end))
        print(
            "  the machine: CPU time the hypervisor took (steal) before \(CPUSteal.share(from: stealAtStart, to: stealAtPost)), "
                + "during \(CPUSteal.share(from: stealAtPost, to: stealAtSettled)), after \(CPUSteal.share(from: stealAtSettled, to: stealAtEnd))")
        print("  inbox: \(Self.describe(answer, after: answered - posted))")
        print("  \(Self.slowCommits(in: gatewayLog))")
        switch lifts {
        case .success(let lifts): print("  batch floor: \(lifts) lift(s) of a starved batch thread")
        case .failure(let unread): print("  batch floor: no figure (\(unread.reason))")
        }
        if let received = delivery.received, let outbox {
            let (receipts, last) = Self.receipts(in: received)
            let delivered = last.map { String(format: "%.2f", $0.timeIntervalSince(postedAt)) } ?? "-"
            print(
                "  outbox: \(outbox.isEmpty ? "every batch delivered" : "still \(outbox.pending) pending after the limit; last delivered") "
                    + "\(delivered) s after the POST began (\(receipts) batches received, \(outbox.deadLettered) dead-lettered)")
        }
    }

    /// How many processing-log commits took over 10 ms (every answer in one waited that long), and
    /// the slowest, as the gateway logged them (`slow processing-log commit … ms=N`).
    static func slowCommits(in log: URL) -> String {
        let lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").filter {
            $0.contains("slow processing-log commit")
        }
        let slowest = lines.compactMap { line in line.split(separator: " ").first { $0.hasPrefix("ms=") }.flatMap { Int($0.dropFirst(3)) } }.max()
        return "processing-log commits over 10 ms: \(lines.count)" + (slowest.map { ", the slowest \($0) ms (\(log.lastPathComponent))" } ?? "")
    }

    /// POSTs the file as its producer, streamed from disk, with the headers of formats.md §8.
    private func post(client: CurlClient, length: Int, digest: String) async -> Result<HTTPResponse, any Error> {
        let file = delivery.file
        let partSize = 1 << 20
        let body = StreamedBody(length: length) { index in
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(index * partSize))
            guard let part = try handle.read(upToCount: partSize), !part.isEmpty else { return nil }
            return part
        }
        let headers = [
            (name: "Content-Type", value: delivery.contentType), (name: "Idempotency-Key", value: "bench-api-\(delivery.contract)"),
            (name: "Content-Digest", value: digest), (name: "Content-Disposition", value: "attachment; filename=\"\(delivery.fileName)\""),
        ]
        let inbox = URL(string: "/api/inbox/v1/\(delivery.contract)", relativeTo: questions)!.absoluteURL
        do {
            return .success(try await client.post(url: inbox, headers: headers, body: body, tls: delivery.sender, timeout: Self.deliveryLimit))
        } catch {
            return .failure(error)
        }
    }

    /// The outbox as `/metrics` tells it (asked as the producer, a few times a second, a read of
    /// the store that waits for no writer), once no batch is pending or the limit has passed.
    private func waitUntilOutboxIsEmpty(client: CurlClient) async -> (isEmpty: Bool, pending: Int, deadLettered: Int) {
        let metrics = URL(string: "/metrics", relativeTo: questions)!.absoluteURL
        let deadline = ContinuousClock.now + Self.deliveryLimit
        var last = (pending: -1, deadLettered: 0)
        while ContinuousClock.now < deadline {
            if let response = try? await client.get(url: metrics, tls: delivery.sender, timeout: .seconds(60)), response.status == 200 {
                let text = String(decoding: response.body, as: UTF8.self)
                if let pending = Self.gauge("ketenpoort_outbox_pending", in: text) {
                    last = (pending, Self.gauge("ketenpoort_outbox_dead_lettered", in: text) ?? 0)
                    if pending == 0 { return (true, 0, last.deadLettered) }
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return (false, last.pending, last.deadLettered)
    }

    /// A counter (or gauge) of the gateway's `/metrics`, summed over its labels; nil when it has none.
    /// The counter's value, or why there is none.
    private func counter(_ name: String, client: CurlClient) async -> Result<Int, CounterUnread> {
        let metrics = URL(string: "/metrics", relativeTo: questions)!.absoluteURL
        let response: HTTPResponse
        do { response = try await client.get(url: metrics, tls: delivery.sender, timeout: .seconds(60)) } catch {
            return .failure(CounterUnread(reason: "/metrics not read: \(error)"))
        }
        guard response.status == 200 else { return .failure(CounterUnread(reason: "/metrics answered \(response.status)")) }
        guard let value = Self.gauge(name, in: String(decoding: response.body, as: UTF8.self)) else {
            return .failure(CounterUnread(reason: "not in /metrics: not under an idle batch policy"))
        }
        return .success(value)
    }

    struct CounterUnread: Error {
        let reason: String
    }

    /// The value of a gauge in Prometheus text, summed over its labels (`…{recipient="gm0363"} 2.0`);
    /// nil when the text has no sample of it.
    static func gauge(_ name: String, in text: String) -> Int? {
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            total = (total ?? 0) + value
        }
        return total.map { Int($0) }
    }

    /// How many batches the receiver stored (each has its `.receipt.json`, written last), and when the last one was.
    static func receipts(in folder: URL) -> (count: Int, last: Date?) {
        var count = 0
        var last: Date?
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey])
        while let file = files?.nextObject() as? URL {
            guard file.lastPathComponent.hasSuffix(".receipt.json") else { continue }
            count += 1
            if let modified = try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate {
                last = max(last ?? modified, modified)
            }
        }
        return (count, last)
    }

    /// The inbox's answer: its status and receipt counts, or why there was none.
    static func describe(_ answer: Result<HTTPResponse, any Error>, after elapsed: Duration) -> String {
        switch answer {
        case .success(let response):
            guard let receipt = try? JSONDecoder().decode(GatewayInboxReceipt.self, from: response.body) else {
                return "answered \(response.status) after \(seconds(elapsed)) s, without a receipt"
            }
            return "answered \(response.status) after \(seconds(elapsed)) s — \(receipt.outcome): \(receipt.items) items, "
                + "\(receipt.accepted) accepted, \(receipt.quarantined) quarantined, \(receipt.rejected) rejected"
        case .failure(let error):
            return "no answer after \(seconds(elapsed)) s (\((error as? KetenpoortError)?.code.rawValue ?? "\(type(of: error))"))"
        }
    }

    static func report(_ label: String, _ result: LoadGenerator.Result) {
        print(
            String(
                format: "  %@ (%.1f s): %.0f questions/s, p50 %@, p99 %@, max %@, %d refused of %d", label, result.seconds, result.rate,
                latency(result.latency(quantile: 0.5)), latency(result.latency(quantile: 0.99)), latency(result.latencies.last ?? 0),
                result.failures, result.requests))
    }

    /// Milliseconds, or seconds once they are a second or more.
    static func latency(_ milliseconds: Double) -> String {
        milliseconds < 1_000 ? String(format: "%.2f ms", milliseconds) : String(format: "%.1f s", milliseconds / 1_000)
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
