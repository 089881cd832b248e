import Foundation
import KetenpoortCore
import Logging
import ServiceLifecycle
import Store

/// Part of `ketenpoort run`: looks at the incident register every `interval` and logs, as
/// warnings, each incident unassessed for 48 hours (the AP notification is due at 72), so an alert
/// does not wait for an operator to run `incidents list`. The same counts are on `/metrics`.
public struct IncidentWatch: Service {
    let store: any Store
    let register: IncidentRegister
    let interval: Duration
    let logger = Logger(label: "ketenpoort.incidents")

    public init(store: any Store, register: IncidentRegister, interval: Duration = .seconds(300)) {
        self.store = store
        self.register = register
        self.interval = interval
    }

    public func run() async throws {
        await repeatEvery(interval) {
            do {
                _ = try await store.read { [register] in try register.alerts(in: $0) }
            } catch is CancellationError {
                return  // the gateway is stopping
            } catch {
                logger.error("the incident register cannot be read", metadata: ["error": "\((error as? KetenpoortError)?.code.rawValue ?? "store")"])
            }
        }
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension IncidentWatch: CustomStringConvertible {
    public var description: String { "IncidentWatch" }
}
