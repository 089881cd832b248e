import Contracts

/// How the fields of an outbound mapping are found in the records of one input object.
struct RenderPlan: Sendable {
    /// The input object.
    let object: SchemaObject
    /// Per field: the slot of the input object that feeds it (nil: the context does).
    let slots: [Int?]
    /// Per field, without consents: the record slot it shows (≥ 0), the entry of the rendered
    /// values (`-2 - entry`), or nothing (-1: the policy keeps it out, or it needs a consent).
    let origins: [Int]
    /// Per field that needs a consent: its origin once the consent is given.
    let consentedOrigins: [Int]
    let hasConsentFields: Bool
    /// The fields rendered per record (from the context, or through transforms), in entry order.
    let rendered: [Int]

    init(object: SchemaObject, renderer: FieldRenderer) {
        self.object = object
        slots = renderer.fields.map { object.slot(of: $0.from) }
        var origins: [Int] = []
        var consentedOrigins: [Int] = []
        var rendered: [Int] = []
        for index in renderer.fields.indices {
            let origin: Int
            if !renderer.mayReach[index] {
                origin = -1
            } else if slots[index] == nil || renderer.hasTransforms[index] || renderer.writesYear[index] {
                origin = -2 - rendered.count
                rendered.append(index)
            } else {
                origin = slots[index]!
            }
            consentedOrigins.append(origin)
            origins.append(renderer.needsConsent[index] ? -1 : origin)
        }
        self.origins = origins
        self.consentedOrigins = consentedOrigins
        self.hasConsentFields = renderer.needsConsent.contains(true)
        self.rendered = rendered
    }
}
