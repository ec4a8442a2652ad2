import Crypto
public import Foundation

/// The SHA-256 digest of an object's decoded body, as 64 lowercase hex characters.
///
/// Bodies are content-addressed: two objects with the same bytes share one blob.
public struct Digest: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The 64 lowercase hexadecimal characters of the digest.
    public let hex: String

    /// Wraps a hex string after checking that it is a well-formed SHA-256 digest.
    /// - Throws: `CairnError.invalidArgument` if `hex` is not 64 lowercase hex characters.
    public init(hex: String) throws {
        guard Digest.isWellFormed(hex) else {
            throw CairnError.invalidArgument("'\(hex.prefix(80))' is not a SHA-256 digest (64 lowercase hex characters)")
        }
        self.hex = hex
    }

    /// Computes the digest of `data`.
    public init(of data: some DataProtocol) {
        let hash = SHA256.hash(data: data)
        let digits = Array("0123456789abcdef".utf8)
        var characters = [UInt8]()
        characters.reserveCapacity(64)
        for byte in hash {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        self.hex = String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` is 64 lowercase hexadecimal characters.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public var description: String { hex }
    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(hex: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
