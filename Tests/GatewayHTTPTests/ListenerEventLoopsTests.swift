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
}
