import KetenpoortCore
import Testing

@Suite("Freed memory handed back to the system")
struct FreedMemoryTests {
    @Test("glibc's malloc_trim is found, and calling it after freeing many small blocks is harmless")
    func trim() {
        #expect(FreedMemory.isAvailable)
        var blocks: [[UInt8]] = (0..<20_000).map { [UInt8](repeating: UInt8(truncatingIfNeeded: $0), count: 200) }
        #expect(blocks[19_999][0] == UInt8(truncatingIfNeeded: 19_999))
        blocks.removeAll()
        FreedMemory.returnToSystem()
        #expect(blocks.isEmpty)
    }
}
