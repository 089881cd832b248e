import Foundation
import KetenpoortCore

/// Who took an operator's action, as the audit chain records it: the console's caller by the OIN
/// and registry name its certificate names, or the local user who ran a command on the host.
public struct OperatorIdentity: Sendable, Equatable {
    /// The registry name (console) or the user name (command line): an organisation's role, not a person's data.
    public let name: String
    /// The OIN of the operator's certificate; nil for a command run on the host.
    public let oin: OIN?

    public init(name: String, oin: OIN? = nil) {
        self.name = name
        self.oin = oin
    }

    /// The user running this command on the host.
    public static var localUser: Self { Self(name: NSUserName()) }

    /// The fields an audit entry of an operator's action carries.
    var auditFields: [String: AuditPayload.Value] {
        var fields: [String: AuditPayload.Value] = ["operator": .text(name)]
        if let oin { fields["operatorOIN"] = .text(oin.value) }
        return fields
    }
}
