import Sealing

extension GatewayConfiguration {
    /// The identities a dev PKI issues for this configuration: the gateway (as `gateway`, its OIN
    /// and name) and every party of the registry.
    public func devIdentities() throws -> [DevPKI.Identity] {
        [try DevPKI.Identity(id: "gateway", oin: identity.oin, organisation: identity.name)]
            + (try registry.parties.map { try DevPKI.Identity($0.party) })
    }
}
