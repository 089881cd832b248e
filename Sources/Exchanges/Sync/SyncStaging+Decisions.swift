extension SyncStaging {
    /// The staged rows a merge decided to send, each as one number (its key, and whether it is a
    /// `wijziging` rather than a `nieuw`): 8 bytes a notification, read back in key order.
    struct Decisions {
        private var packed: [UInt64] = []

        var count: Int { packed.count }

        mutating func add(rowid: Int64, isChange: Bool) {
            packed.append(UInt64(rowid) << 1 | (isChange ? 1 : 0))
        }

        /// Orders the decisions by key (call before reading them).
        mutating func sort() { packed.sort() }

        subscript(index: Int) -> (rowid: Int64, isChange: Bool) {
            (Int64(packed[index] >> 1), packed[index] & 1 == 1)
        }
    }
}
