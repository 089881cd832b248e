import Contracts

/// Writes the records of one input object in an outbound adapter's format, for one run of many
/// records: where each field comes from, and the values the context supplies, are worked out once,
/// and an XML item's layout for each set of fields is kept here — no lookup by name and no lock
/// per record. Use it from one thread at a time.
public struct RecordWriter {
    let adapter: OutboundAdapter
    let plan: RenderPlan
    /// Per field of the mapping that the record's object lacks: the context's value.
    let contextValues: [FieldValue?]
    let xmlItem: XMLItemShape?
    private var programs = XMLItemPrograms()
    /// The values rendered for the record at hand (storage kept from record to record).
    private var rendered: [FieldValue] = []

    init(adapter: OutboundAdapter, object: SchemaObject, context: [String: FieldValue]) {
        self.adapter = adapter
        let renderer = adapter.renderer
        let plan = renderer.plans.plan(for: object, renderer: renderer)
        self.plan = plan
        contextValues = renderer.fields.indices.map { plan.slots[$0] == nil ? context[renderer.fields[$0].from] : nil }
        xmlItem = (adapter.encoder as? XMLEncoder)?.item
    }

    /// Appends `record` (of the writer's object) as `OutboundAdapter.encode(_:context:consented:into:)`
    /// does, without consents.
    public mutating func encode(_ record: Record, into output: OutputBuffer) throws {
        precondition(record.object === plan.object, "a record writer writes records of one object")
        let contextValues = self.contextValues
        let texts = try adapter.renderer.texts(record, plan: plan, consented: [], rendered: &rendered) { contextValues[$0] }
        guard let xmlItem else { return adapter.encoder.encode(record: texts, into: output) }
        texts.withWrittenValues { pointers in
            xmlItem.write(WrittenValues(pointers: pointers, layouts: texts.layouts), kept: &programs) { bound, write in
                var cursor = ByteCursor(output.reserve(bound))
                write(&cursor)
                output.commit(cursor.written.count)
            }
        }
    }
}
