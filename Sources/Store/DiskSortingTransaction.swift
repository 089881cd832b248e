import Foundation
import KetenpoortCore

/// An engine capability: sorting more byte strings than fit in memory, in the transaction's
/// temporary storage. A flow checks for it (`tx as? any DiskSortingTransaction`) and sorts in memory
/// on an engine without it.
public protocol DiskSortingTransaction {
    /// Sorts byte strings that need not fit in memory: `fill` adds them, then `sorted` gets them
    /// back in byte order (shorter first when one is a prefix of the other). They are kept in this
    /// transaction's temporary storage, which spills to disk, and are gone when it returns. The
    /// `Data` given to `sorted` is valid only during that call.
    func sortOnDisk(_ fill: (_ add: (Data) throws -> Void) throws -> Void, sorted: (Data) throws -> Void) throws
}

extension StoreTransaction {
    /// Sorts as `DiskSortingTransaction.sortOnDisk` does: on disk when the engine can, in memory
    /// (`sortInMemory`) otherwise.
    public func sortBytes(_ fill: (_ add: (Data) throws -> Void) throws -> Void, sorted: (Data) throws -> Void) throws {
        if let disk = self as? any DiskSortingTransaction { return try disk.sortOnDisk(fill, sorted: sorted) }
        try sortInMemory(fill, sorted: sorted)
    }
}

/// The same order as `DiskSortingTransaction.sortOnDisk` (bytes compared in turn, a prefix first),
/// held in memory: for engines without the capability.
public func sortInMemory(_ fill: (_ add: (Data) throws -> Void) throws -> Void, sorted: (Data) throws -> Void) throws {
    var all: [Data] = []
    try fill { all.append($0) }
    all.sort { $0.lexicographicallyPrecedes($1) }
    for bytes in all { try sorted(bytes) }
}
