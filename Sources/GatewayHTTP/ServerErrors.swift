import KetenpoortCore

extension KetenpoortError.Code {
    /// The inbound server could not start (certificate, key, CA, port).
    public static let transportServerUnavailable: Self = "transport.server-unavailable"
}
