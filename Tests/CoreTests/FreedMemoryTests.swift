import KetenpoortCore
import Testing

@Suite("Freed memory handed back to the system")
struct FreedMemoryTests {
    @Test("glibc's malloc_trim is found (without it the night's committer would hand nothing back), and calling it is harmless")
    func trim() {
        #expect(FreedMemory.isAvailable)
        FreedMemory.returnToSystem()
    }
}
