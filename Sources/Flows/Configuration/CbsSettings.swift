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
        let path = deliveryKeyFile.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), var data = FileManager.default.contents(atPath: path) else {
            throw KetenpoortError(.configurationInvalid, "cbs.deliveryKeyFile \(path) cannot be read")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw KetenpoortError(.configurationInvalid, "cbs.deliveryKeyFile \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        if data.last == 10 { data.removeLast() }
        if data.last == 13 { data.removeLast() }
        guard data.count >= 16 else { throw KetenpoortError(.configurationInvalid, "cbs.deliveryKeyFile \(path) holds fewer than 16 bytes") }
        return data
    }
}
