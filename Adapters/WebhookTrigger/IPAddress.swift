/// An IPv4 or IPv6 address as a number, parsed from its textual form.
enum IPAddress: Hashable, Sendable {
    /// An IPv4 address.
    case v4(UInt32)
    /// An IPv6 address.
    case v6(UInt128)

    /// Parses a dotted-quad IPv4 address (four decimal parts 0-255, no leading zeros, which some
    /// parsers read as octal) or an IPv6 address in RFC 4291 text form, `::` and a trailing dotted
    /// quad included. Nothing else: no brackets, zone or port.
    init?(_ text: Substring) {
        if let value = Self.parseV4(text) {
            self = .v4(value)
        } else if let value = Self.parseV6(text) {
            self = .v6(value)
        } else {
            return nil
        }
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it stands for; any other
    /// address unchanged.
    var unmapped: IPAddress {
        if case .v6(let value) = self, value >> 32 == 0xFFFF { return .v4(UInt32(truncatingIfNeeded: value)) }
        return self
    }

    /// The number of bits: 32 or 128.
    var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            let digits = part.utf8
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            guard digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
            guard let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseV6(_ text: Substring) -> UInt128? {
        guard text.utf8.count <= 45, text.contains(":") else { return nil }
        let head: [UInt16]
        let tail: [UInt16]
        if let gap = text.firstRange(of: "::") {
            guard let before = groups(text[..<gap.lowerBound], allowsDottedQuad: false),
                let after = groups(text[gap.upperBound...], allowsDottedQuad: true),
                before.count + after.count <= 7
            else { return nil }
            head = before
            tail = after
        } else {
            guard let all = groups(text, allowsDottedQuad: true), all.count == 8 else { return nil }
            head = all
            tail = []
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// The 16-bit groups of a colon-separated run (empty for an empty run); the last may be a
    /// dotted quad, counting as two groups.
    private static func groups(_ text: Substring, allowsDottedQuad: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let items = text.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (index, item) in items.enumerated() {
            if allowsDottedQuad, index == items.count - 1, item.contains(".") {
                guard let quad = parseV4(item) else { return nil }
                result.append(UInt16(truncatingIfNeeded: quad >> 16))
                result.append(UInt16(truncatingIfNeeded: quad))
            } else {
                guard (1...4).contains(item.utf8.count), item.utf8.allSatisfy(isHexDigit), let group = UInt16(item, radix: 16) else { return nil }
                result.append(group)
            }
        }
        return result
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}

/// A CIDR range: an address with its low bits zero, and how many high bits a member shares with it.
struct IPRange: Hashable, Sendable {
    /// The first address of the range.
    var network: IPAddress
    /// The prefix length, 0 through the address's bit width.
    var prefixLength: Int

    /// Whether `address` is in the range; an address of the other family never is.
    func contains(_ address: IPAddress) -> Bool {
        switch (network, address) {
        case (.v4(let base), .v4(let value)): return value & Self.mask32(prefixLength) == base
        case (.v6(let base), .v6(let value)): return value & Self.mask128(prefixLength) == base
        default: return false
        }
    }

    /// The range of the same addresses with IPv4-mapped IPv6 ranges (inside `::ffff:0:0/96`) written as IPv4.
    var unmapped: IPRange {
        if case .v6 = network, prefixLength >= 96, case .v4(let base) = network.unmapped {
            return IPRange(network: .v4(base), prefixLength: prefixLength - 96)
        }
        return self
    }

    static func mask32(_ length: Int) -> UInt32 { length <= 0 ? 0 : UInt32.max << UInt32(32 - min(length, 32)) }
    static func mask128(_ length: Int) -> UInt128 { length <= 0 ? 0 : UInt128.max << UInt128(128 - min(length, 128)) }
}
