/// One of the six time fields a cron expression can constrain.
enum CronField: Sendable, Hashable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name as it appears in `CronError.field`.
    var name: String {
        switch self {
        case .second: return "second"
        case .minute: return "minute"
        case .hour: return "hour"
        case .dayOfMonth: return "day of month"
        case .month: return "month"
        case .dayOfWeek: return "day of week"
        }
    }

    /// The smallest and largest number a user may write (day of week accepts 7 as a second Sunday).
    var bounds: ClosedRange<Int> {
        switch self {
        case .second, .minute: return 0...59
        case .hour: return 0...23
        case .dayOfMonth: return 1...31
        case .month: return 1...12
        case .dayOfWeek: return 0...7
        }
    }

    /// The values `*` stands for and the upper end of `a/n` (day of week stops at 6 so Sunday is not doubled).
    var fullRange: ClosedRange<Int> {
        self == .dayOfWeek ? 0...6 : bounds
    }

    /// Three-letter names accepted in place of numbers, upper-cased, with their values.
    var names: [String: Int] {
        switch self {
        case .month:
            let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            return Dictionary(uniqueKeysWithValues: months.enumerated().map { ($0.element, $0.offset + 1) })
        case .dayOfWeek:
            let days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            return Dictionary(uniqueKeysWithValues: days.enumerated().map { ($0.element, $0.offset) })
        default:
            return [:]
        }
    }

    /// What may be written in this field, for error messages.
    var allowed: String {
        switch self {
        case .second, .minute, .hour:
            return "\(name) allows \(bounds.lowerBound)-\(bounds.upperBound), *, ranges a-b, steps */n, a-b/n, a/n and lists"
        case .dayOfMonth:
            return "day of month allows 1-31, L (last day), *, ?, ranges a-b, a-L, steps */n, a-b/n, a/n and lists"
        case .month:
            return "month allows 1-12 or JAN-DEC, *, ranges a-b, steps */n, a-b/n, a/n and lists"
        case .dayOfWeek:
            return "day of week allows 0-7 (0 and 7 are Sunday) or SUN-SAT, *, ?, ranges a-b, steps */n, a-b/n, a/n and lists"
        }
    }
}

/// A set of small non-negative integers (0...63) stored as a bit mask.
struct CronValueSet: Sendable, Hashable {
    var bits: UInt64 = 0

    mutating func insert(_ value: Int) {
        bits |= 1 << UInt64(value)
    }

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    /// The smallest member that is `>= value`, or nil.
    func first(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = value <= 0 ? bits : bits & (UInt64.max << UInt64(value))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// Whether every value of `range` is a member.
    func containsAll(_ range: ClosedRange<Int>) -> Bool {
        range.allSatisfy(contains)
    }
}
