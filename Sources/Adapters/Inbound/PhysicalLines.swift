import Foundation

/// The lines of a text file as a person counts them, whatever its line ends (LF, CRLF or CR): for
/// counting what a file holds where its syntax no longer says (after an unterminated quote).
enum PhysicalLines {
    /// Calls `body` with the 1-based number of every line that holds at least one byte.
    static func forEachNonEmptyLine(of url: URL, _ body: (Int) throws -> Void) throws {
        var number = 1
        var lineHasBytes = false
        var lastWasCR = false
        try FileBlockReader().forEachBlock(of: url) { block in
            for byte in block {
                switch byte {
                case 10 where lastWasCR:
                    lastWasCR = false  // the LF of a CRLF: the line ended at the CR
                case 10, 13:
                    if lineHasBytes { try body(number) }
                    number += 1
                    lineHasBytes = false
                    lastWasCR = byte == 13
                default:
                    lineHasBytes = true
                    lastWasCR = false
                }
            }
        }
        if lineHasBytes { try body(number) }
    }
}
