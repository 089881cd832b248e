import Contracts
import Foundation
import KetenpoortCore

/// The `cbs:` section of `ketenpoort.yaml`: where the CBS delivery key is kept and where the
/// delivered pairs of files are written.
///
/// ```yaml
/// cbs:
///   deliveryKeyFile: var/secrets/cbs-delivery-key   # the key CBS provides; mode 0600, never logged
///   outputDirectory: var/cbs                       # cbs-wi-<source>-<period>.csv + .manifest.json
/// ```
public struct CbsSettings: Sendable {
    public let deliveryKeyFile: URL
    public let outputDirectory: URL?

    public init(deliveryKeyFile: URL, outputDirectory: URL?) {
        self.deliveryKeyFile = deliveryKeyFile
        self.outputDirectory = outputDirectory
    }

    init(node: YAMLNode, path: (YAMLNode) throws -> URL) throws {
        deliveryKeyFile = try path(try node.required("deliveryKeyFile"))
        outputDirectory = try node["outputDirectory"].map(path)
    }

    /// The delivery key: the file's bytes (one trailing line break dropped). The file must be
    /// readable by its owner only and hold at least 16 bytes; errors name the file, never the key.
    public func deliveryKey() throws -> Data {
        try SecretFile.read(deliveryKeyFile, key: "cbs.deliveryKeyFile")
    }
}
