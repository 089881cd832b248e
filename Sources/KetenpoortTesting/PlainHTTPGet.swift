import Foundation
import HTTPClient
import KetenpoortCore

/// A plain-HTTP GET on loopback, as a load balancer's probe asks (the gateway's own client speaks
/// HTTPS only). Blocking: call it from a thread of its own (`get(port:path:)` does).
public enum PlainHTTPGet {
    /// The answer to `GET <path>` on 127.0.0.1:`port`; nil when nothing answers.
    public static func get(port: Int, path: String) async -> HTTPResponse? {
        await withCheckedContinuation { done in Thread { done.resume(returning: blocking(port: port, path: path)) }.start() }
    }

    static func blocking(port: Int, path: String) -> HTTPResponse? {
        guard let socket = LoopbackPort.connect(to: port) else { return nil }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard send(socket, request, request.count, 0) == request.count else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return parse(bytes)
    }

    /// A whole HTTP/1.1 answer (the body as sent: the probes answer with a length, not in chunks).
    static func parse(_ bytes: [UInt8]) -> HTTPResponse? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return HTTPResponse(status: status, headers: headers, body: Data(text[end.upperBound...].utf8))
    }
}
