/// The name this target's tests give a thread before they lower it. A new thread inherits its
/// creator's name, and one started from a cooperative-pool worker would be named like one
/// (`…root.default-qos`): the checks that no pool worker runs idle-class (`poolStaysNormal` here,
/// `BatchPolicyTests` end to end) must not take a test's own lowered thread for a pool worker.
let testThreadName = "kp-test-lowered"
