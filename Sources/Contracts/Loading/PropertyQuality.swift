/// The quality rules of one contract property, in the ODCS v3.1.0 form the engine enforces.
///
/// The engine enforces one property-level rule, the enumeration:
///
/// ```yaml
/// quality:
///   - metric: invalidValues
///     arguments:
///       validValues: ["J", "N"]
///     mustBe: 0
/// ```
///
/// `type: text` rules are documentation and pass through. Anything else the engine would not
/// enforce (another metric, another threshold, the ODCS v3.0 form `rule: validValues`) is refused,
/// so a contract never promises a check that does not run.
enum PropertyQuality {
    /// The allowed values of the property, or nil when it has no enumeration.
    static func validValues(of property: YAMLNode) throws -> [String]? {
        var validValues: [String]?
        for rule in try property["quality"]?.items() ?? [] {
            if try rule["type"]?.string() == "text" { continue }
            if rule["rule"] != nil {
                throw rule.error("'rule' is the ODCS v3.0 form; write metric: invalidValues with arguments.validValues and mustBe: 0 (ODCS v3.1.0)")
            }
            let metric = try rule.required("metric")
            guard try metric.string() == "invalidValues" else {
                throw metric.error(
                    "metric '\(try metric.string())' is not enforced by the engine; property quality supports metric: invalidValues (with type: text for documentation)"
                )
            }
            let arguments = try rule.required("arguments")
            let valuesNode = try arguments.required("validValues")
            let values = try valuesNode.items().map { try $0.string() }
            guard !values.isEmpty else { throw valuesNode.error("validValues must list at least one value") }
            guard try rule["mustBe"]?.string() == "0" else {
                throw rule.error("invalidValues is enforced per item: the rule needs mustBe: 0 (no other threshold)")
            }
            guard validValues == nil else { throw rule.error("the property has a second invalidValues rule; list all values in one") }
            validValues = values
        }
        return validValues
    }
}
