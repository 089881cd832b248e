import Contracts

/// The values written for a record's fields, read through pointers (see
/// `RecordTexts.withWrittenValues`).
struct WrittenValues: XMLFieldTexts {
    let pointers: UnsafeBufferPointer<UnsafePointer<FieldValue>?>
    let layouts: [DateLayout]

    var count: Int { pointers.count }

    func isPresent(_ field: Int) -> Bool { pointers[field] != nil }

    func text(_ field: Int) -> String? { pointers[field]?.pointee.writtenText(layout: layouts[field]) }

    func xmlByteBound(_ field: Int) -> Int? {
        guard let value = pointers[field] else { return nil }
        switch value.pointee {
        case .text(let text): return text.utf8.count * XMLEscaping.expansion
        case .date, .incompleteDate: return ByteCursor.dateByteBound
        case .integer: return 20
        default: return (text(field)?.utf8.count ?? 0) * XMLEscaping.expansion
        }
    }

    func writeXML(_ field: Int, isAttribute: Bool, to cursor: inout ByteCursor) {
        guard let value = pointers[field] else { return }
        switch value.pointee {
        case .date(let date): cursor.putDate(date, layout: layouts[field])
        case .incompleteDate(let date): cursor.putDate(date, layout: layouts[field])
        case .text(let text):
            if isAttribute { XMLEscaping.writeAttribute(text, to: &cursor) } else { XMLEscaping.writeText(text, to: &cursor) }
        case .integer(let number): cursor.putDecimal(number)
        default:
            guard let text = text(field) else { return }
            if isAttribute { XMLEscaping.writeAttribute(text, to: &cursor) } else { XMLEscaping.writeText(text, to: &cursor) }
        }
    }
}
