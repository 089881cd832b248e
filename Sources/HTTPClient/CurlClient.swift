import CCurl
import Foundation
import KetenpoortCore
import Logging
import ServiceLifecycle

/// Outbound HTTPS over the system libcurl with mutual TLS and optional public-key pinning.
///
/// Each transfer runs on one of a fixed set of worker threads (see `CurlWorkerPool`), never on the
/// Swift cooperative pool; `post` suspends until its transfer is done. Run the client as a `Service`
/// so a graceful shutdown stops its threads, or call `shutdown()`.
///
/// ```swift
/// let client = CurlClient()
/// let response = try await client.post(url: endpoint, headers: fields, body: batch, tls: settings, timeout: .seconds(30))
/// ```
public final class CurlClient: Service, Sendable {
    /// `curl_global_init` is not thread-safe: a `static let` initialiser runs exactly once, and every
    /// client touches it before it starts a thread.
    private static let globalInit: CURLcode = kp_curl_global_init_default()

    private let pool: CurlWorkerPool
    private let connectTimeout: Duration
    private let logger: Logger

    /// Starts `threadCount` worker threads (at most that many transfers at once).
    ///
    /// - Parameters:
    ///   - threadCount: concurrent transfers; they mostly wait on the network, so more than the core count is fine.
    ///   - connectTimeout: the limit for TCP + TLS set-up (never more than a request's own timeout).
    ///   - maximumResponseSize: a longer answer is cut off and fails the transfer.
    ///   - priority: the worker threads' priority, e.g. `.batch` for deliveries, so their handshakes
    ///     never delay a real-time answer; nil keeps the caller's.
    public init(
        threadCount: Int = 8, connectTimeout: Duration = .seconds(10), maximumResponseSize: Int = 4 << 20, priority: ThreadPriority? = nil,
        logger: Logger = Logger(label: "ketenpoort.transport.curl")
    ) {
        precondition(Self.globalInit == CURLE_OK, "curl_global_init failed")
        precondition(threadCount > 0, "a CurlClient needs at least one thread")
        self.pool = CurlWorkerPool(threadCount: threadCount, maximumResponseSize: maximumResponseSize, priority: priority)
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    deinit { pool.stop() }

    /// POSTs `body` to `url` over mutual TLS and returns the final response, whatever its status.
    ///
    /// Throws a `KetenpoortError` with a `transport.*` code when no HTTP answer came
    /// (`transport.tls`, `transport.pin-mismatch`, `transport.connect`, `transport.timeout`, `transport.broken`…).
    /// Cancelling the task aborts the transfer. Neither errors nor logs ever contain body bytes.
    public func post(
        url: URL, headers: [(name: String, value: String)], body: Data, tls: TLSClientSettings, timeout: Duration
    ) async throws -> HTTPResponse {
        try await perform(CurlRequest(url: url, headers: headers, body: body, tls: tls, timeout: timeout, connectTimeout: connectTimeout))
    }

    /// POSTs a body read part by part as it is sent (see `StreamedBody`); otherwise as
    /// `post(url:headers:body:tls:timeout:)`. A part that cannot be read fails the transfer with
    /// `transport.body-unreadable`.
    public func post(
        url: URL, headers: [(name: String, value: String)], body: StreamedBody, tls: TLSClientSettings, timeout: Duration
    ) async throws -> HTTPResponse {
        var request = CurlRequest(url: url, headers: headers, body: Data(), tls: tls, timeout: timeout, connectTimeout: connectTimeout)
        request.streamedBody = body
        return try await perform(request)
    }

    /// GETs `url` over mutual TLS and returns the response, whatever its status.
    public func get(url: URL, headers: [(name: String, value: String)] = [], tls: TLSClientSettings, timeout: Duration) async throws -> HTTPResponse {
        var request = CurlRequest(url: url, headers: headers, body: Data(), tls: tls, timeout: timeout, connectTimeout: connectTimeout)
        request.isGet = true
        return try await perform(request)
    }

    /// Runs one request on a worker thread.
    package func perform(_ request: CurlRequest) async throws -> HTTPResponse {
        try request.validate()
        let control = TransferControl()
        let started = ContinuousClock.now
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, KetenpoortError>, Never>) in
                pool.submit(CurlWorkerPool.Job(request: request, control: control) { continuation.resume(returning: $0) })
            }
        } onCancel: {
            control.cancel()
        }
        let metadata: Logger.Metadata = [
            "transport.host": "\(request.url.host ?? "?")", "transport.bytes": "\(request.bodyLength)",
            "transport.ms": "\(CurlRequest.milliseconds(ContinuousClock.now - started))",
        ]
        switch result {
        case .success(let response):
            logger.debug("request answered", metadata: metadata.merging(["transport.status": "\(response.status)"]) { $1 })
            return response
        case .failure(let error):
            logger.debug("request failed", metadata: metadata.merging(["transport.error": "\(error.code.rawValue)"]) { $1 })
            throw error
        }
    }

    /// Waits for a graceful shutdown, then stops the worker threads.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Fails queued transfers, aborts running ones and ends the worker threads.
    public func shutdown() async {
        await pool.stopAndWait()
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension CurlClient: CustomStringConvertible {
    public var description: String { "CurlClient" }
}
