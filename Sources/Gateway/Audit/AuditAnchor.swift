import Foundation
import KetenpoortCore
import Logging
import ServiceLifecycle
import Store

/// Part of `ketenpoort run`: every `interval`, and once more at shutdown, signs a checkpoint over
/// the chain's newest entry when entries came since the last checkpoint. Entries after the last
/// checkpoint are the ones that could be cut off unseen; this keeps that tail to at most
/// `interval` of activity instead of up to `checkpointEvery` entries. Each checkpoint's seq and
/// hash go to the operational log, which lives outside the store file: there they anchor the
/// chain against someone who rewrites the file, checkpoints and all.
public struct AuditAnchor: Service {
    let store: any Store
    let chain: AuditChain
    let interval: Duration
    let logger = Logger(label: "ketenpoort.audit")

    public init(store: any Store, chain: AuditChain, interval: Duration = .seconds(60)) {
        self.store = store
        self.chain = chain
        self.interval = interval
    }

    public func run() async throws {
        await repeatEvery(interval, anchor)
    }

    /// Signs a checkpoint if the chain grew since the last one; failures are logged, not thrown
    /// (the next round tries again).
    func anchor() async {
        do {
            _ = try await store.write { [chain] in try chain.checkpoint(in: $0) }
        } catch is CancellationError {
            return  // the gateway is stopping
        } catch {
            logger.error("audit checkpoint not signed", metadata: ["error": "\((error as? KetenpoortError)?.code.rawValue ?? "store")"])
        }
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension AuditAnchor: CustomStringConvertible {
    public var description: String { "AuditAnchor" }
}
