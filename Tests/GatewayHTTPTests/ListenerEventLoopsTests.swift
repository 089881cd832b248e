import KetenpoortTesting
import Testing

@testable import GatewayHTTP

@Suite("Listener event loops: half the cores, at least one")
struct ListenerEventLoopsTests {
    @Test("one loop on one or two cores, half the cores beyond, and the group has that many")
    func sizedByCores() {
        #expect(ListenerEventLoops.count(cores: 1) == 1)
        #expect(ListenerEventLoops.count(cores: 2) == 1)
        #expect(ListenerEventLoops.count(cores: 3) == 1)
        #expect(ListenerEventLoops.count(cores: 8) == 4)
        #expect(Array(ListenerEventLoops.group.makeIterator()).count == ListenerEventLoops.loops)
    }

    @Test("the API listens on these loops, not on NIO's shared group")
    func gatewayServerListensOnThem() async throws {
        try await StatusAPIFixture.run { fixture in
            let loop = try #require(fixture.server.listenerEventLoop)
            #expect(ListenerEventLoops.group.makeIterator().contains { $0 === loop })
        }
    }
}
