import Foundation
import HTTPClient
import HummingbirdCore
import KetenpoortTesting
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import GatewayHTTP

/// A connection the gateway accepts reads its socket once per turn of its event loop, so an upload
/// cannot hold the loop (and the IND's questions on it) for several reads' worth of decryption.
@Suite("Listener connections: one socket read per turn of the event loop")
struct ReadBoundedChannelTests {
    /// A child channel that reports the read limit its channel has once set up.
    private struct Probe: ServerChildChannel {
        struct Value: ServerChildChannelValue {
            let channel: any Channel
        }

        let seen: EventLoopPromise<UInt>

        func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
            channel.eventLoop.makeCompletedFuture {
                seen.succeed(try channel.syncOptions!.getOption(ChannelOptions.maxMessagesPerRead))
                return Value(channel: channel)
            }
        }

        func handle(value: Value, logger: Logger) async {}
    }

    @Test("an accepted TCP connection is set up with the listener's limit, before the channel it wraps")
    func acceptedConnectionReadsOncePerTurn() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let seen = group.next().makePromise(of: UInt.self)
        let setup = ReadBoundedChannel(base: Probe(seen: seen), maxMessagesPerRead: MutualTLSListener.readsPerTurn)
        let logger = Logger(label: "test")
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in setup.setup(channel: channel, logger: logger).map { _ in } }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
        let reads = try await seen.futureResult.get()
        try await client.close()
        try await server.close()
        try await group.shutdownGracefully()
        #expect(MutualTLSListener.readsPerTurn == 1)
        #expect(reads == 1)
    }

    @Test("the gateway's mutual-TLS listeners are built with it: a caller's connection has the limit")
    func listenerConnectionsReadOncePerTurn() async throws {
        try await StatusAPIFixture.run { fixture in
            let listener = fixture.runtime.mutualTLSListener(host: "127.0.0.1", port: 0)
            let readiness = ServerReadiness()
            // Answers every request with its connection's read limit.
            let server = try listener.serverBuilder(logger: Logger(label: "test")).buildServer(
                configuration: .init(address: .hostname("127.0.0.1", port: 0)), eventLoopGroup: ListenerEventLoops.group,
                logger: Logger(label: "test"),
                responder: { _, writer, channel in
                    let reads = try await channel.getOption(ChannelOptions.maxMessagesPerRead).get()
                    try await writer.write(response: .init(status: .ok), body: .init(byteBuffer: ByteBuffer(string: "\(reads)")))
                },
                onServerRunning: { channel in readiness.resolve(port: channel.localAddress?.port ?? 0) })
            let task = Task { try await server.run() }
            defer { task.cancel() }
            let port = try await readiness.port()
            let answered = try await fixture.client.perform(
                CurlRequest(
                    url: URL(string: "https://127.0.0.1:\(port)/")!, headers: [], body: Data("{}".utf8), tls: fixture.tls(as: "ind"),
                    timeout: TestTimeout.answer, connectTimeout: TestTimeout.answer))
            #expect(answered.status == 200)
            #expect(String(decoding: answered.body, as: UTF8.self) == "1")
            task.cancel()
            _ = try? await task.value
        }
    }
}
