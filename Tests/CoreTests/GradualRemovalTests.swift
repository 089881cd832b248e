import Foundation
import KetenpoortCore
import Testing

@Suite("Gradual removal of a large file")
struct GradualRemovalTests {
    @Test("the file is gone, whatever its size against the step; a missing file is no error")
    func removes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gradual-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, size) in [0, 1, 4_096, 10_000, 40_000].enumerated() {
            let file = directory.appendingPathComponent("f\(index)")
            try Data(repeating: 7, count: size).write(to: file)
            #expect(GradualRemoval.remove(file.path, step: 4_096))
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
        #expect(!GradualRemoval.remove(directory.appendingPathComponent("missing").path))
    }
}
