import Foundation
import GatewayHTTP
import HTTPClient
import HTTPTypes
import Hummingbird
import KetenpoortCore
import Logging
import Sealing

/// `POST /inbox/:party` of a `ReceiveServer`.
struct InboxHandler: Sendable {
    let configuration: ReceiveServer.Configuration
    let logger: Logger
    private let store: InboxStore
    private let requestCount = LockedValue(0)

    init(configuration: ReceiveServer.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.store = InboxStore(directory: configuration.directory, storesByParty: configuration.storesByParty)
    }

    func handle(_ request: Request, context: MutualTLSRequestContext) async -> Response {
        let index = requestCount.withLock { count in
            defer { count += 1 }
            return count
        }
        let fault: FaultPlan.Fault?
        if let hook = configuration.faultHook {
            let party = context.parameters.get("party") ?? ""
            fault = await hook.decide(.init(party: party, idempotencyKey: request.headers[Self.idempotencyKey], index: index))
        } else {
            fault = configuration.faultPlan?.fault(forRequest: index)
        }
        switch fault {
        case .respond(let status, let retryAfter)?:
            let extra: HTTPFields = retryAfter.map { [.retryAfter: $0] } ?? [:]
            return Problem(status: .init(code: status), code: "receive.fault", detail: "scripted fault for request \(index + 1)")
                .response(headers: extra)
        case .stall(let duration)?:
            try? await Task.sleep(for: duration)
        case nil:
            break
        }
        do {
            return try await accept(request, context: context)
        } catch let problem as InboxProblem {
            logger.notice("delivery refused", metadata: ["receive.code": "\(problem.problem.code)"])
            return problem.problem.response()
        } catch {
            logger.error("delivery not stored", metadata: ["receive.error": "\(error)"])
            return Problem(status: .internalServerError, code: "receive.store-failed", detail: "the batch could not be stored").response()
        }
    }

    private func accept(_ request: Request, context: MutualTLSRequestContext) async throws -> Response {
        let party = context.parameters.get("party") ?? ""
        guard DeliveryHeaders.isIdempotencyKey(party) else {
            throw InboxProblem(.badRequest, "receive.party-invalid", "the party in the path is not a plain identifier")
        }
        guard let key = request.headers[Self.idempotencyKey] else {
            throw InboxProblem(.badRequest, "receive.idempotency-key-missing", "Idempotency-Key is required")
        }
        guard DeliveryHeaders.isIdempotencyKey(key) else {
            throw InboxProblem(.badRequest, "receive.idempotency-key-invalid", "Idempotency-Key must be 1–128 of A-Z a-z 0-9 . _ -")
        }
        guard let digest = request.headers[Self.contentDigest] else {
            throw InboxProblem(.badRequest, "receive.digest-missing", "Content-Digest is required")
        }
        let body: HashedPayload
        do {
            body = HashedPayload(Data(buffer: try await request.body.collect(upTo: configuration.maximumBodySize)))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw InboxProblem(.contentTooLarge, "receive.too-large", "the body exceeds \(configuration.maximumBodySize) bytes")
        }
        do {
            try ContentDigest.verify(digest, body: body.bytes, sha256: body.sha256)
        } catch let error as KetenpoortError {
            throw InboxProblem(.badRequest, error.code.rawValue, error.reason)
        }
        if let verifier = configuration.verifier {
            guard let signature = request.headers[Self.signature] else {
                throw InboxProblem(.badRequest, "receive.signature-missing", "Ketenpoort-Signature is required")
            }
            do {
                try await verifier(body, signature)
            } catch let error as KetenpoortError {
                throw InboxProblem(.badRequest, error.code.rawValue, error.reason)
            } catch {
                throw InboxProblem(.badRequest, "receive.signature-invalid", "the signature does not verify")
            }
        }
        let sender = await context.peerOIN()
        let metadata: Logger.Metadata = [
            "receive.party": "\(party)", "receive.batch": "\(key)", "receive.bytes": "\(body.bytes.count)",
            "receive.sender": "\(sender?.description ?? "?")",
        ]
        let headers = Self.storedHeaders.compactMap { name in request.headers[name].map { (name: name.rawName, value: $0) } }
        switch try await store.store(party: party, key: key, contentType: request.headers[.contentType], headers: headers, body: body, now: Date()) {
        case .created(let receipt):
            logger.info("batch stored", metadata: metadata)
            return Self.receiptResponse(.created, receipt)
        case .duplicate(let receipt):
            logger.info("batch already stored", metadata: metadata)
            return Self.receiptResponse(.conflict, receipt)
        case .conflict:
            throw InboxProblem(.unprocessableContent, "receive.idempotency-key-reused", "Idempotency-Key \(key) was used before for other content")
        }
    }

    private static func receiptResponse(_ status: HTTPTypes.HTTPResponse.Status, _ receipt: Data) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: receipt)))
    }

    /// The delivery's header fields kept beside its body (formats.md §8), in this order.
    private static let storedHeaders = [
        DeliveryHeaders.Name.contentType, DeliveryHeaders.Name.idempotencyKey, DeliveryHeaders.Name.contentDigest, DeliveryHeaders.Name.signature,
        DeliveryHeaders.Name.traceParent,
    ].map { HTTPField.Name($0)! }
    private static let idempotencyKey = HTTPField.Name(DeliveryHeaders.Name.idempotencyKey)!
    private static let contentDigest = HTTPField.Name(DeliveryHeaders.Name.contentDigest)!
    private static let signature = HTTPField.Name(DeliveryHeaders.Name.signature)!
}

/// A refusal on its way to becoming a problem+json answer.
private struct InboxProblem: Error {
    let problem: Problem

    init(_ status: HTTPTypes.HTTPResponse.Status, _ code: String, _ detail: String) {
        problem = Problem(status: status, code: code, detail: detail)
    }
}
