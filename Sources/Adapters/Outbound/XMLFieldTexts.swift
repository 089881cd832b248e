/// Field texts the XML encoder writes straight into a buffer sized beforehand: first the most
/// bytes each field can take, then the escaped bytes themselves.
protocol XMLFieldTexts: FieldTexts {
    /// At most how many bytes `writeXML` writes for `field`; nil when the field is absent.
    func xmlByteBound(_ field: Int) -> Int?
    /// Writes the field XML-escaped (as text, or as an attribute value; see `XMLEscaping`).
    func writeXML(_ field: Int, isAttribute: Bool, to cursor: inout ByteCursor)
}

extension XMLFieldTexts {
    func xmlByteBound(_ field: Int) -> Int? {
        guard isPresent(field) else { return nil }
        return (text(field)?.utf8.count ?? 0) * XMLEscaping.expansion
    }

    func writeXML(_ field: Int, isAttribute: Bool, to cursor: inout ByteCursor) {
        guard let text = text(field) else { return }
        if isAttribute { XMLEscaping.writeAttribute(text, to: &cursor) } else { XMLEscaping.writeText(text, to: &cursor) }
    }
}

extension StringTexts: XMLFieldTexts {}
