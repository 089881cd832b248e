/// Where the walk over an item's elements puts the item.
protocol XMLItemSink {
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func put(_ byte: UInt8)
    /// The value of `field` goes here, as element text or as an attribute value.
    mutating func putValue(_ field: Int, isAttribute: Bool)
}

/// Writes an item's bytes and values through a cursor, as the walk goes.
struct XMLValueWriter<Values: XMLFieldTexts>: XMLItemSink {
    let values: Values
    var cursor: ByteCursor

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) { cursor.put(bytes) }
    mutating func put(_ byte: UInt8) { cursor.put(byte) }
    mutating func putValue(_ field: Int, isAttribute: Bool) { values.writeXML(field, isAttribute: isAttribute, to: &cursor) }
}
