import KetenpoortCore

/// The value formats of the `kp-` header parameters, as a seal or receipt header decodes them.
extension KeyedDecodingContainer {
    /// An OIN: twenty ASCII digits.
    func decodeOIN(forKey key: Key) throws -> OIN {
        guard let value = OIN(try decode(String.self, forKey: key)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an OIN")
        }
        return value
    }

    /// A SHA-256 as 64 lower-case hex digits.
    func decodeSHA256Hex(forKey key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        guard value.utf8.count == 64, Hex.decode(value) != nil, value == value.lowercased() else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a lower-case hex SHA-256")
        }
        return value
    }
}
