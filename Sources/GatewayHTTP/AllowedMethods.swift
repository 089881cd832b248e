import HTTPTypes

/// The methods each path of the gateway's API takes, made from the same list the routes are
/// registered from: a known path asked with another method answers 405 with `Allow` (RFC 9110
/// §15.5.6), an unknown path 404. A `:name` segment matches any one segment.
struct AllowedMethods: Sendable {
    private let endpoints: [(segments: [String], methods: [HTTPRequest.Method])]

    init(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var endpoints: [(segments: [String], methods: [HTTPRequest.Method])] = []
        for route in routes {
            let segments = Self.segments(route.path)
            if let index = endpoints.firstIndex(where: { $0.segments == segments }) {
                endpoints[index].methods.append(route.method)
            } else {
                endpoints.append((segments, [route.method]))
            }
        }
        self.endpoints = endpoints
    }

    /// The methods `path` takes, or nil when the API has no such path.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        let asked = Self.segments(path)
        return endpoints.first { endpoint in
            endpoint.segments.count == asked.count && zip(endpoint.segments, asked).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }?.methods
    }

    /// The value of `Allow` for `methods`.
    static func allow(_ methods: [HTTPRequest.Method]) -> String { methods.map(\.rawValue).joined(separator: ", ") }

    private static func segments(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }
}
