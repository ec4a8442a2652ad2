public import Foundation

/// Parses and formats durations in Go's `time.Duration` text form, as the pugmark wire protocol
/// uses them: `60.00s`, `1m30s`, `1h2m3.5s`, `250ms`, `1.5h`.
public enum GoDuration {
    private static let units: [(String, Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    /// The duration in seconds.
    /// - Throws: `CairnError.invalidArgument` naming the text if it is not a valid, non-negative duration.
    public static func parse(_ text: String) throws -> TimeInterval {
        let invalid = CairnError.invalidArgument("'\(text.prefix(60))' is not a duration (examples: 60.00s, 1m30s, 250ms, 2h)")
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        if rest == "0" { return 0 }
        guard !rest.isEmpty, !rest.hasPrefix("-") else { throw invalid }
        var total: TimeInterval = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw invalid }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
            guard let unit = units.first(where: { $0.0 == unitText }) else { throw invalid }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.1
        }
        guard total.isFinite else { throw invalid }
        return total
    }

    /// Formats seconds the way the pugmark SDK writes them: `60.00s`.
    public static func format(seconds: TimeInterval) -> String {
        String(format: "%.2fs", seconds)
    }
}
