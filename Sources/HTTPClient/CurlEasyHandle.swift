import CCurl
import Foundation
import KetenpoortCore

/// One libcurl easy handle with its error buffer, owned by exactly one worker thread, for peers of
/// one expected OIN (see `PartyHandles`).
///
/// The handle is reused between transfers (`curl_easy_reset` keeps its connection and TLS session
/// cache), so consecutive deliveries to one recipient do not pay for a new handshake each time.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    /// Checked in every handshake of this handle's connections.
    private let peer: PeerExpectation
    /// libcurl writes into this buffer during `curl_easy_perform`: it must not move, hence heap memory of our own.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maximumResponseSize: Int

    init(maximumResponseSize: Int, expectedPeerOIN: OIN?) {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: libcurl is out of memory") }
        self.handle = handle
        self.peer = PeerExpectation(oin: expectedPeerOIN)
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.maximumResponseSize = maximumResponseSize
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Carries out one POST; blocks the calling thread until it is done.
    func perform(_ request: CurlRequest, control: TransferControl) -> Result<HTTPResponse, KetenpoortError> {
        precondition(request.tls.expectedPeerOIN == peer.oin, "a transfer on a handle verified for another party")
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let host = request.url.host ?? "?"
        let sink = ResponseSink(limit: maximumResponseSize, control: control, body: request.streamedBody.map(BodyReader.init))
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        // Runs before the list is freed: the idle handle then points at nothing of this transfer
        // (reset keeps the connection cache).
        defer { curl_easy_reset(handle) }
        // No `Expect: 100-continue` round trip before the body.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(headerList, line) else {
                return .failure(KetenpoortError(.transportFailed, "libcurl is out of memory"))
            }
            headerList = appended
        }
        return withExtendedLifetime(sink) {
            // An empty body still needs a non-NULL pointer, or libcurl would read the body from stdin.
            let bodyCount = request.body.count
            let bodyStorage = request.body.isEmpty ? Data([0]) : request.body
            // POSTFIELDS keeps a pointer, not a copy: the body must stay alive until perform returns.
            return bodyStorage.withUnsafeBytes { (body: UnsafeRawBufferPointer) -> Result<HTTPResponse, KetenpoortError> in
                let bodyPointer = body.baseAddress
                var setup = request.options.map { ($0.option, $0.apply(to: handle)) }
                setup += [
                    (CURLOPT_ERRORBUFFER, kp_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)),
                    (CURLOPT_HTTPHEADER, kp_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)),
                    (CURLOPT_WRITEFUNCTION, kp_curl_easy_setopt_callback(handle, CURLOPT_WRITEFUNCTION, writeBody)),
                    (CURLOPT_WRITEDATA, kp_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)),
                    (CURLOPT_HEADERFUNCTION, kp_curl_easy_setopt_callback(handle, CURLOPT_HEADERFUNCTION, collectHeader)),
                    (CURLOPT_HEADERDATA, kp_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)),
                    (CURLOPT_XFERINFOFUNCTION, kp_curl_easy_setopt_xferinfo(handle, checkCancellation)),
                    (CURLOPT_XFERINFODATA, kp_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)),
                    (CURLOPT_NOPROGRESS, kp_curl_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0)),
                ]
                if request.isGet {
                    setup.append((CURLOPT_HTTPGET, kp_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)))
                } else if let streamed = request.streamedBody {
                    setup += [
                        (CURLOPT_POSTFIELDSIZE_LARGE, kp_curl_easy_setopt_int64(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(streamed.length))),
                        (CURLOPT_READFUNCTION, kp_curl_easy_setopt_callback(handle, CURLOPT_READFUNCTION, readBody)),
                        (CURLOPT_READDATA, kp_curl_easy_setopt_pointer(handle, CURLOPT_READDATA, context)),
                        (CURLOPT_SEEKFUNCTION, kp_curl_easy_setopt_seek(handle, rewindBody)),
                        (CURLOPT_SEEKDATA, kp_curl_easy_setopt_pointer(handle, CURLOPT_SEEKDATA, context)),
                    ]
                } else {
                    setup += [
                        (CURLOPT_POSTFIELDSIZE_LARGE, kp_curl_easy_setopt_int64(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyCount))),
                        (CURLOPT_POSTFIELDS, kp_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bodyPointer)),
                    ]
                }
                if let rejected = setup.first(where: { $0.1 != CURLE_OK }) {
                    return .failure(CurlFailure.optionRejected(rejected.0, rejected.1))
                }
                let identity: ClientTLSIdentity
                do {
                    identity = try ClientTLSIdentity.of(request.tls, withoutCertificate: request.omitsClientCertificate)
                } catch {
                    return .failure(error as? KetenpoortError ?? KetenpoortError(.transportConfiguration, "the TLS material cannot be read"))
                }
                if let refused = peer.install(on: handle, host: host, identity: identity) { return .failure(refused) }
                guard !control.isCancelled else {
                    return .failure(KetenpoortError(.transportCancelled, "the transfer was cancelled before it started"))
                }
                let code = withExtendedLifetime(identity) { curl_easy_perform(handle) }
                if let failure = sink.body?.failure {
                    return .failure(KetenpoortError(.transportBodyUnreadable, "the body could not be read while sending: \(failure.code.rawValue)"))
                }
                guard code == CURLE_OK else {
                    if let refused = peer.refusal(host: host) { return .failure(refused) }
                    let message = String(cString: errorBuffer)
                    return .failure(CurlFailure.error(for: code, message: message, host: host, method: request.isGet ? "GET" : "POST"))
                }
                var status = 0
                _ = kp_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                var response = HTTPResponse(status: status, headers: sink.headers, body: sink.response)
                response.peerCertificateNotAfter = peer.certificateNotAfter
                return .success(response)
            }
        }
    }
}

/// What the callbacks of one transfer collect; touched only by the worker thread that runs it.
private final class ResponseSink {
    let limit: Int
    let control: TransferControl
    /// Where a streamed request body comes from.
    let body: BodyReader?
    var response = Data()
    var headers: [(name: String, value: String)] = []

    init(limit: Int, control: TransferControl, body: BodyReader?) {
        self.limit = limit
        self.control = control
        self.body = body
    }
}

/// Hands libcurl a `StreamedBody` a part at a time; touched only by the worker thread.
private final class BodyReader {
    let body: StreamedBody
    /// The current part, its memory reused for the next (`StreamedBody`).
    private var buffer: [UInt8] = []
    private var next = 0
    /// How many bytes of the current part were handed over.
    private var offset = 0
    /// Why a part could not be read (the transfer was aborted).
    private(set) var failure: KetenpoortError?

    init(_ body: StreamedBody) { self.body = body }

    /// Copies up to `capacity` bytes into `destination`: 0 at the end, `CURL_READFUNC_ABORT` on failure.
    func read(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        while offset == buffer.count {
            do {
                guard try body.fill(next, &buffer) else { return 0 }
                offset = 0
                next += 1
            } catch {
                failure = error as? KetenpoortError ?? KetenpoortError(.transportBodyUnreadable, "a part of the body could not be read")
                return Int(CURL_READFUNC_ABORT)
            }
        }
        let copied = min(capacity, buffer.count - offset)
        buffer.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: copied) }
        offset += copied
        return copied
    }

    /// Back to the first byte, for a resend.
    func rewind() {
        next = 0
        buffer.removeAll(keepingCapacity: true)
        offset = 0
    }
}

/// CURLOPT_READFUNCTION: the next bytes of a streamed body.
private func readBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context, let data, let reader = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().body else {
        return Int(CURL_READFUNC_ABORT)
    }
    return reader.read(into: UnsafeMutableRawPointer(data), capacity: size * count)
}

/// CURLOPT_SEEKFUNCTION: libcurl rewinds the body to resend it (only ever to the start).
private func rewindBody(_ context: UnsafeMutableRawPointer?, _ offset: curl_off_t, _ origin: Int32) -> Int32 {
    guard let context, offset == 0, origin == SEEK_SET, let reader = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().body else {
        return Int32(CURL_SEEKFUNC_CANTSEEK)
    }
    reader.rewind()
    return Int32(CURL_SEEKFUNC_OK)
}

/// CURLOPT_WRITEFUNCTION: appends to the body; returning less than given aborts (CURLE_WRITE_ERROR).
private func writeBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard sink.response.count + length <= sink.limit else { return 0 }
    if let data, length > 0 { sink.response.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length) }
    return length
}

/// CURLOPT_HEADERFUNCTION: one header line per call; a status line starts a new response (1xx, redirects).
private func collectHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard let data, length > 0 else { return length }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        sink.headers.removeAll()
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if !name.isEmpty { sink.headers.append((name, value)) }
    }
    return length
}

/// CURLOPT_XFERINFOFUNCTION: a non-zero answer aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
private func checkCancellation(_ context: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _: curl_off_t, _: curl_off_t) -> Int32 {
    guard let context else { return 0 }
    return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().control.isCancelled ? 1 : 0
}
