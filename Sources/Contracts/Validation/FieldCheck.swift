/// What the validator checks of one field, read from its spec once as plain values, so checking a
/// value touches no reference counts (the allowed values and the pattern, which hold references,
/// are kept beside it).
struct FieldCheck: Sendable {
    let type: LogicalType
    let isRequired: Bool
    let format: SemanticFormat?
    let layout: DateLayout
    let isNotInFuture: Bool
    let minLength: Int?
    let maxLength: Int?
    let minimum: Int?
    let maximum: Int?
    let hasValidValues: Bool
    let hasPattern: Bool

    init(_ field: FieldSpec, layout: DateLayout) {
        type = field.logicalType
        isRequired = field.isRequired
        format = field.format
        self.layout = layout
        isNotInFuture = field.isNotInFuture
        minLength = field.minLength
        maxLength = field.maxLength
        minimum = field.minimum
        maximum = field.maximum
        hasValidValues = field.validValues != nil
        hasPattern = field.pattern != nil
    }
}
