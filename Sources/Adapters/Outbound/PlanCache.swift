import Contracts
import Foundation

/// The render plan of each input object, computed once per object.
final class PlanCache: @unchecked Sendable {
    // @unchecked: every access to `plans` holds `lock`.
    private let lock = NSLock()
    private var plans: [(object: ObjectIdentifier, plan: RenderPlan)] = []

    func plan(for object: SchemaObject, renderer: FieldRenderer) -> RenderPlan {
        let key = ObjectIdentifier(object)
        lock.lock()
        defer { lock.unlock() }
        // A renderer meets one or two objects: a list is quicker than hashing.
        if let entry = plans.first(where: { $0.object == key }) { return entry.plan }
        let plan = RenderPlan(object: object, renderer: renderer)
        plans.append((key, plan))
        return plan
    }
}
