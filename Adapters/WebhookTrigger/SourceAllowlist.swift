public import CairnTriggers

/// The network addresses a webhook trigger accepts requests from (the `allowed_sources` option).
///
/// Entries are single addresses (`192.168.1.5`, `::1`) or CIDR ranges (`10.0.0.0/8`, `fd00::/8`,
/// `2001:db8::/32`). An IPv4 client matches IPv4 entries whether its address is written plainly or
/// IPv4-mapped (`::ffff:10.1.2.3`), and entries inside `::ffff:0:0/96` count as IPv4 entries; other
/// IPv6 entries, `::/0` included, match only IPv6 clients. An empty allowlist allows every address.
public struct SourceAllowlist: Sendable, Hashable {
    private let ranges: [IPRange]

    /// An allowlist allowing every address.
    public static let allowAll = SourceAllowlist(ranges: [])

    private init(ranges: [IPRange]) {
        self.ranges = ranges
    }

    /// Parses the entries; surrounding whitespace is ignored.
    ///
    /// - Parameters:
    ///   - entries: the option's values.
    ///   - field: the option's name, used in errors as `field[index]`.
    /// - Throws: ``WebhookConfigError`` naming the first entry that is not an address or a CIDR range,
    ///   that has a zone (`%eth0`), a prefix longer than its address, or bits set past its prefix (the
    ///   message gives the range that was probably meant).
    public init(_ entries: [String], field: String = "allowed_sources") throws(WebhookConfigError) {
        var ranges: [IPRange] = []
        for (index, entry) in entries.enumerated() {
            switch Self.parse(entry.trimmingASCIIWhitespace()) {
            case .success(let range):
                ranges.append(range.unmapped)
            case .failure(let problem):
                throw WebhookConfigError(
                    field: "\(field)[\(index)]", value: entry,
                    message: "\(problem.text); use an IPv4 or IPv6 address (192.168.1.5, ::1) or a CIDR range (10.0.0.0/8, fd00::/8)")
            }
        }
        self.ranges = ranges
    }

    /// Whether there are no entries, so that every address is allowed.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether a request from the peer `address` is allowed.
    ///
    /// `address` is the peer's IP as text: `10.1.2.3`, `2001:db8::1`, `::ffff:10.1.2.3`, with an
    /// optional zone (`fe80::1%eth0`, dropped) and port (`10.1.2.3:443`, `[2001:db8::1]:443`, dropped).
    /// Text that is not an address is refused, unless the allowlist is empty.
    public func allows(_ address: String) -> Bool {
        guard !ranges.isEmpty else { return true }
        guard let peer = Self.peerAddress(Substring(address).trimmingASCIIWhitespace())?.unmapped else { return false }
        return ranges.contains { $0.contains(peer) }
    }

    private struct Problem: Error {
        var text: String
    }

    private static func parse(_ entry: String) -> Result<IPRange, Problem> {
        guard !entry.isEmpty else { return .failure(Problem(text: "the entry is empty")) }
        guard !entry.contains("%") else { return .failure(Problem(text: "an entry cannot have a zone (%eth0)")) }
        let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return .failure(Problem(text: "'\(parts[0])' is not an IPv4 or IPv6 address")) }
        guard parts.count == 2 else { return .success(IPRange(network: address, prefixLength: address.bitWidth)) }
        let prefix = parts[1]
        guard (1...3).contains(prefix.utf8.count), prefix.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let length = Int(prefix), length <= address.bitWidth
        else {
            return .failure(Problem(text: "the prefix length must be a number from 0 to \(address.bitWidth)"))
        }
        let network: IPAddress
        switch address {
        case .v4(let value): network = .v4(value & IPRange.mask32(length))
        case .v6(let value): network = .v6(value & IPRange.mask128(length))
        }
        guard network == address else {
            return .failure(Problem(text: "bits are set past the /\(length) prefix; did you mean \(format(network))/\(length)?"))
        }
        return .success(IPRange(network: network, prefixLength: length))
    }

    /// The address in peer text: brackets, a port and a zone removed.
    private static func peerAddress(_ text: Substring) -> IPAddress? {
        var host = text
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || isPort(rest) else { return nil }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.firstIndex(of: ":"), host.contains("."), host.lastIndex(of: ":") == colon {
            guard isPort(host[colon...]) else { return nil }
            host = host[..<colon]
        }
        if let percent = host.firstIndex(of: "%") {
            guard host.index(after: percent) < host.endIndex, host[..<percent].contains(":") else { return nil }
            host = host[..<percent]
        }
        return IPAddress(host)
    }

    /// Whether `text` is `:` followed by a port number, 0 to 65535 in 1 to 5 digits.
    private static func isPort(_ text: Substring) -> Bool {
        let digits = text.dropFirst()
        guard text.first == ":", (1...5).contains(digits.utf8.count),
            digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return false }
        return (Int(digits) ?? .max) <= 65_535
    }

    /// An address in text, for error messages: dotted quad, or RFC 5952 IPv6 (the longest run of
    /// two or more zero groups written as `::`).
    private static func format(_ address: IPAddress) -> String {
        switch address {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let value):
            let groups = stride(from: 112, through: 0, by: -16).map { UInt16(truncatingIfNeeded: value >> UInt128($0)) }
            var best = (start: 0, count: 0)
            var run = (start: 0, count: 0)
            for (index, group) in groups.enumerated() {
                run = group == 0 ? (run.count == 0 ? (index, 1) : (run.start, run.count + 1)) : (index + 1, 0)
                if run.count > best.count { best = run }
            }
            let text = { (slice: ArraySlice<UInt16>) in slice.map { String($0, radix: 16) }.joined(separator: ":") }
            guard best.count >= 2 else { return text(groups[...]) }
            return text(groups[..<best.start]) + "::" + text(groups[(best.start + best.count)...])
        }
    }
}
