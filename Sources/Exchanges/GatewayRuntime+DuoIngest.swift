import Foundation
import Sealing

extension GatewayRuntime {
    /// The DUO ingest into the status store, recording in the audit chain.
    public func duoIngest() throws -> DuoIngest {
        try DuoIngest(workspace: workspace, store: store, clock: clock, audit: auditChain())
    }
}
