/// Scripted misbehaviour of a `ReceiveServer`, so tests and demos can exercise retries and dead letters.
///
/// ```swift
/// .unavailable(first: 2)     // 503 + Retry-After: 1 for the first two requests, then normal service
/// .refuse(status: 400)       // every request answers 400: the batch is dead-lettered
/// ```
public struct FaultPlan: Sendable, Hashable {
    /// What a faulty answer does.
    public enum Fault: Sendable, Hashable {
        /// Answer `status` (problem+json) without looking at the request, with `Retry-After` when given.
        case respond(status: Int, retryAfter: String?)
        /// Wait before handling the request normally (the client may time out while the batch is stored).
        case stall(Duration)
    }

    /// The fault.
    public var fault: Fault
    /// How many requests, counted from the first, get the fault; nil for every request.
    public var count: Int?

    /// A plan.
    public init(fault: Fault, count: Int?) {
        self.fault = fault
        self.count = count
    }

    /// `503 Service Unavailable` with `Retry-After` for the first `count` requests.
    public static func unavailable(first count: Int, retryAfter: String? = "1") -> FaultPlan {
        FaultPlan(fault: .respond(status: 503, retryAfter: retryAfter), count: count)
    }

    /// `status` (a permanent refusal by default) for every request.
    public static func refuse(status: Int = 400) -> FaultPlan {
        FaultPlan(fault: .respond(status: status, retryAfter: nil), count: nil)
    }

    /// A delay of `duration` before each of the first `count` requests is handled.
    public static func stall(first count: Int, for duration: Duration) -> FaultPlan {
        FaultPlan(fault: .stall(duration), count: count)
    }

    /// The fault for request number `index` (0 for the first), if any.
    public func fault(forRequest index: Int) -> Fault? {
        guard let count else { return fault }
        return index < count ? fault : nil
    }
}
