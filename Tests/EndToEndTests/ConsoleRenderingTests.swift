import Foundation
import KetenpoortTesting
import Testing

@testable import Console

/// The console's building blocks: HTML escaped by construction, forms decoded, proofs archived.
@Suite("Console: rendering, forms and archives")
struct ConsoleRenderingTests {
    @Test("interpolated text is escaped, an interpolated fragment is not")
    func escaping() {
        let name = #"<script>alert("x")</script> & 's-Gravenhage"#
        let cell: HTML = "<b>bold</b>"
        let page: HTML = "<td title=\"\(name)\">\(name)</td>\(cell)"
        #expect(
            page.text
                == "<td title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;s-Gravenhage\">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;s-Gravenhage</td><b>bold</b>"
        )
    }

    @Test("a form body decodes +, percent escapes and repeated fields")
    func formDecoding() {
        let form = ConsoleForm(encoded: "batch=a.1&batch=b%2F2&mode=on+now&empty=&bare")
        #expect(form.values("batch") == ["a.1", "b/2"])
        #expect(form.value("mode") == "on now")
        #expect(form.value("empty") == "")
        #expect(form.value("bare") == "")
        #expect(form.value("missing") == nil)
    }

    @Test("a directory archived is what tar unpacks, long names included")
    func tarRoundTrip() async throws {
        let folder = try TempDirectory()
        defer { folder.remove() }
        let source = folder.file("proof")
        let deep = source.appendingPathComponent("chain/" + String(repeating: "x", count: 90))
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try Data("{}\n".utf8).write(to: source.appendingPathComponent("proof.json"))
        let odd = Data((0..<1_500).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try odd.write(to: deep.appendingPathComponent("0000000001.json"))
        let archive = try TarArchive.of(directory: source, prefix: "proof-b-2026-11-22.gm0363.1")
        #expect(archive.count % 512 == 0)
        let file = folder.file("proof.tar")
        try archive.write(to: file)
        let out = folder.file("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let unpacked = try await PythonTool.run(URL(fileURLWithPath: "/usr/bin/tar"), ["-xf", file.path, "-C", out.path])
        #expect(unpacked.status == 0, "\(unpacked)")
        let root = out.appendingPathComponent("proof-b-2026-11-22.gm0363.1")
        #expect(try Data(contentsOf: root.appendingPathComponent("proof.json")) == Data("{}\n".utf8))
        #expect(
            try Data(contentsOf: root.appendingPathComponent("chain/" + String(repeating: "x", count: 90) + "/0000000001.json")) == odd)
    }
}
