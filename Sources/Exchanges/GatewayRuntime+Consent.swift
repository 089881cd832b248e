import Foundation
import Gateway
import Sealing

extension GatewayRuntime {
    /// The medical advice flow Argonaut → DUO.
    public func adviceFlow() throws -> AdviceFlow {
        let identity = try signingIdentity()
        return try AdviceFlow(
            workspace: workspace, store: store, registry: configuration.registry, sealer: try BatchSealer(signer: identity),
            pseudonym: SubjectPseudonym(key: try pseudonymKey(identity)),
            audit: AuditChain(signer: identity, clock: clock, checkpointEvery: configuration.checkpointEvery), clock: clock)
    }

    /// The consent register feed; held advices are re-evaluated after each file.
    public func consentIngest() throws -> ConsentIngest {
        try ConsentIngest(workspace: workspace, store: store, advice: try adviceFlow(), clock: clock)
    }
}
