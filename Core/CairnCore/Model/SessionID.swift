public import Foundation

/// A session identifier: 26 characters of Crockford base32 encoding a 48-bit millisecond
/// timestamp followed by 80 random bits (the ULID layout), so ids sort by creation time.
public struct SessionID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The textual id.
    public let rawValue: String

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Validates and wraps an id.
    /// - Throws: `CairnError.invalidArgument` if the text is not 26 Crockford base32 characters.
    ///   This check also guarantees an id is safe to use as a file name.
    public init(_ text: String) throws {
        let upper = text.uppercased()
        guard upper.utf8.count == 26, upper.utf8.allSatisfy({ SessionID.alphabet.contains($0) }) else {
            throw CairnError.invalidArgument("'\(text.prefix(80))' is not a session id (26 characters of Crockford base32, e.g. 01JD3Q8Z6N4W5X7Y8Z9A0B1C2D)")
        }
        rawValue = upper
    }

    /// A new id for a session created at `time`.
    public static func generate(at time: Date = Date()) -> SessionID {
        var generator = SystemRandomNumberGenerator()
        return generate(at: time, using: &generator)
    }

    /// A new id for a session created at `time`, with randomness from `generator`.
    public static func generate(at time: Date, using generator: inout some RandomNumberGenerator) -> SessionID {
        let millis = UInt64(max(0, Timestamps.milliseconds(time))) & 0xFFFF_FFFF_FFFF
        var chars = [UInt8](repeating: 0, count: 26)
        var t = millis
        for i in stride(from: 9, through: 0, by: -1) {
            chars[i] = alphabet[Int(t & 31)]
            t >>= 5
        }
        for i in 10..<26 {
            chars[i] = alphabet[Int(generator.next() & 31)]
        }
        return SessionID(unchecked: String(decoding: chars, as: UTF8.self))
    }

    private init(unchecked: String) { rawValue = unchecked }

    public var description: String { rawValue }
    public static func < (lhs: SessionID, rhs: SessionID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
