import Foundation
import HTTPClient
import HTTPTypes
import Hummingbird
import KetenpoortCore

/// An inbox receipt as the partner gets it: the body bytes exactly as signed and stored, and the
/// gateway's detached JWS over them, sent as `Ketenpoort-Signature` (docs/sealed-batch.md §7).
public struct SignedInboxReceipt: Sendable {
    /// The receipt the body encodes.
    public let receipt: GatewayInboxReceipt
    /// The receipt's JSON, the signed payload.
    public let body: Data
    /// The compact detached JWS (`<header>..<signature>`).
    public let signature: String

    /// The answer: the body as JSON, the signature in its header field.
    func response(status: HTTPTypes.HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", Self.signatureField: signature],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static let signatureField = HTTPField.Name(DeliveryHeaders.Name.signature)!
}
