import Foundation
import Gateway
import KetenpoortCore
import Sealing

extension GatewayRuntime {
    /// The CBS statistics delivery, with the delivery key from `cbs.deliveryKeyFile`.
    public func cbsLevering() throws -> CbsLevering {
        guard let settings = configuration.cbs else {
            throw KetenpoortError(.configurationInvalid, "\(configuration.source.path): no cbs section (cbs.deliveryKeyFile) is configured")
        }
        let key = try settings.deliveryKey()
        let identity = try signingIdentity()
        return try CbsLevering(
            workspace: workspace, store: store, registry: configuration.registry, sealer: try BatchSealer(signer: identity),
            deliveryKey: key, clock: clock, outputDirectory: settings.outputDirectory,
            audit: AuditChain(signer: identity, clock: clock, checkpointEvery: configuration.checkpointEvery))
    }
}
