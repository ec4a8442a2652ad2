/// Byte-level helpers for signature checks: hexadecimal decoding, constant-time comparison and
/// timestamp parsing.
enum SignatureBytes {
    /// The length of an HMAC-SHA256 signature in bytes.
    static let sha256Length = 32

    /// Decodes `text` as exactly `byteCount` bytes written as hexadecimal digits of either case;
    /// nil when it is anything else.
    static func hex(_ text: Substring, byteCount: Int = sha256Length) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Whether `lhs` and `rhs` hold the same bytes, taking the same time wherever they differ.
    ///
    /// Only the lengths, which are public (a digest's size), can end the comparison early.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Parses a Unix time in whole seconds: 1 to 15 ASCII digits. Nil for anything else (a sign,
    /// a fraction, spaces, a value past the year 30000).
    static func unixSeconds(_ text: Substring) -> Int64? {
        guard (1...15).contains(text.utf8.count) else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
