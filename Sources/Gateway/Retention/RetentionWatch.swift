import Foundation
import KetenpoortCore
import Logging
import ServiceLifecycle

/// Part of `ketenpoort run`: applies the contracts' retention periods every `interval` (and once
/// at start and at shutdown), so no personal data outlives its contract by much more than that.
public struct RetentionWatch: Service {
    let retention: DataRetention
    let interval: Duration
    let logger = Logger(label: "ketenpoort.retention")

    public init(retention: DataRetention, interval: Duration = .seconds(3600)) {
        self.retention = retention
        self.interval = interval
    }

    public func run() async throws {
        await repeatEvery(interval) {
            do {
                // Batch work: the first application may delete a great deal.
                _ = try await BatchWork.run { [retention] in try retention.apply() }
            } catch {
                logger.error("retention not applied", metadata: ["error": "\((error as? KetenpoortError)?.code.rawValue ?? "store")"])
            }
        }
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension RetentionWatch: CustomStringConvertible {
    public var description: String { "RetentionWatch" }
}
