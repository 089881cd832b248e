import Foundation
import Testing

@testable import KetenpoortCore

@Suite("Bytes lent as Data")
struct BorrowedDataTests {
    @Test("an array is lent in place, not copied; its bytes are those seen")
    func arrayInPlace() {
        let bytes: [UInt8] = Array(0..<200).map { UInt8($0) }
        let (seen, address) = bytes.withBorrowedData { data in
            (Array(data), data.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) })
        }
        #expect(seen == bytes)
        #expect(address == bytes.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }, "the array's own storage")
    }

    @Test("a slice of an array, a Data and its slice, and nothing at all")
    func otherShapes() {
        let bytes: [UInt8] = Array(0..<100).map { UInt8($0) }
        #expect(bytes[10..<20].withBorrowedData { Array($0) } == Array(bytes[10..<20]))
        let data = Data(bytes)
        #expect(data.withBorrowedData { $0 } == data)
        #expect(data[30..<40].withBorrowedData { Array($0) } == Array(bytes[30..<40]))
        #expect([UInt8]().withBorrowedData { $0.isEmpty })
    }

    @Test("bytes in several pieces are copied into one")
    func pieces() {
        let first = Data([1, 2, 3])
        let second = Data([4, 5])
        let pieces = first.withUnsafeBytes { a in
            second.withUnsafeBytes { b in
                var dispatch = DispatchData(bytes: a)
                dispatch.append(DispatchData(bytes: b))
                return dispatch
            }
        }
        #expect(pieces.withBorrowedData { Array($0) } == [1, 2, 3, 4, 5])
    }
}
