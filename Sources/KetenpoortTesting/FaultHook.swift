/// A test's say over each request a `ReceiveServer` gets, for faults ordered by events rather than
/// by request counts: hold a request until the test releases it, answer each party its own way,
/// note when an answer goes out. When set, it decides instead of the `FaultPlan`.
///
/// ```swift
/// FaultHook { request in
///     if request.party == "gm0363" { await released.wait() }   // held until the test lets it go
///     return request.index == 0 ? .respond(status: 503, retryAfter: "1") : nil
/// }
/// ```
public struct FaultHook: Sendable {
    /// What the hook learns of a request before its body is read.
    public struct Request: Sendable {
        /// The party of the path (`/inbox/<party>`).
        public let party: String
        /// The `Idempotency-Key` (the batch id), when sent.
        public let idempotencyKey: String?
        /// 0 for the first request the server got, for whichever party, 1 for the next…
        public let index: Int
    }

    /// The fault for a request (it may wait first), or nil to handle it normally.
    public let decide: @Sendable (Request) async -> FaultPlan.Fault?

    /// A hook that calls `decide` for every request.
    public init(_ decide: @escaping @Sendable (Request) async -> FaultPlan.Fault?) {
        self.decide = decide
    }
}
