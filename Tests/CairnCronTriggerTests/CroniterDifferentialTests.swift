import Foundation
import Testing

@testable import CairnCronTrigger

/// Compares the next 20 UTC fires with Python's croniter for listed and generated expressions.
///
/// The generator stays inside the syntax both accept with the same meaning. Deliberate differences are left out and
/// pinned by unit tests instead: croniter reads an equal range such as `5-5` as the whole field, and wraps reversed
/// ranges (`DEC-JAN`), which this package refuses. DST is compared only in UTC, where croniter's and this package's
/// rules cannot differ.
@Suite("Differential test against Python croniter")
struct CroniterDifferentialTests {
    static let listed = [
        "* * * * *", "*/15 * * * *", "0 * * * *", "30 2 * * *", "0 9 * * MON-FRI", "0 0 13 * FRI", "0 0 L * *", "0 0 L * 1",
        "0 0 1,L * *", "0 12 15-L * *", "0 0 29 2 *", "0 0 31 * *", "0 0 30 2 *", "0 0 31 4,6,9,11 *", "5/20 */6 * * *",
        "0 0 */2 * */1", "0 0 1-31 * */2", "0 0 1-31 * 1", "0 0 */2 * 1", "0 0 ? * 7", "0 0 * * 5-7", "0 0 * * FRI-SUN",
        "0 0 * * 1-7/2", "0 0 * * 0-7/2", "0 0 10/5 * *", "59/15 * * * *", "0 0 * JAN-MAR/2 *", "15 14 1 * *",
        "0 22 * * 1-5", "23 0-20/2 * * *", "5 4 * * sun", "0 0,12 1 */2 *", "0 4 8-14 * *", "0 0 1 1 *",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
        "* * * * * *", "*/20 * * * * */15", "30 9 * * MON-FRI 15", "0 0 L 2 * 59", "1-10/3 * * * * 5/10", "0 0 29 2 * 30",
    ]

    static let starts: [Int64] = [
        1_767_225_600,  // 2026-01-01T00:00:00Z, a Thursday and the first instant of a year
        1_709_164_799,  // 2024-02-28T23:59:59Z, the eve of a leap day
        1_750_000_000,  // 2025-06-15T15:06:40Z
        1_830_297_570,  // 2027-12-31T23:59:30Z
        4_000_000_000,  // 2096-10-02T07:06:40Z, before the skipped leap day of 2100
    ]

    @Test(
        "next 20 fires agree with croniter for about 200 expressions and 5 starts",
        .enabled(if: CroniterPeer.isAvailable, "python3 with croniter is missing: pip install croniter"))
    func agreesWithCroniter() throws {
        var generator = SplitMix64(seed: 0x00C0_FFEE)
        let generated = (0..<160).map { _ in ExpressionGenerator.expression(using: &generator) }
        let expressions = Self.listed + generated
        let requests = expressions.flatMap { expression in Self.starts.map { CroniterPeer.Request(expr: expression, start: $0, count: 20) } }
        let answers = try CroniterPeer.answers(requests)
        try #require(answers.count == requests.count)
        var compared = 0
        for (request, answer) in zip(requests, answers) {
            let cron = try CronExpression(request.expr)
            var ours: [Int64] = []
            var cursor = Date(timeIntervalSince1970: TimeInterval(request.start))
            while ours.count < request.count, let fire = cron.next(after: cursor, in: utc) {
                ours.append(Int64(fire.timeIntervalSince1970))
                cursor = fire
            }
            if let error = answer.error {
                // croniter gives up only when no date exists; then neither do we.
                let bothFindNone = error.hasPrefix("CroniterBadDateError") && ours.isEmpty
                #expect(bothFindNone, "\(request.expr) from \(request.start): croniter \(error)")
            } else {
                let agrees = ours == answer.fires
                #expect(agrees, "\(request.expr) from \(request.start): first difference \(Self.firstDifference(ours, answer.fires))")
            }
            compared += 1
        }
        #expect(compared == expressions.count * Self.starts.count)
        #expect(expressions.count >= 200)
    }

    static func firstDifference(_ ours: [Int64], _ theirs: [Int64]) -> String {
        let format = { (value: Int64?) in value.map { Date(timeIntervalSince1970: TimeInterval($0)).formatted(.iso8601) } ?? "none" }
        for index in 0..<max(ours.count, theirs.count) {
            let mine = index < ours.count ? ours[index] : nil
            let peer = index < theirs.count ? theirs[index] : nil
            if mine != peer { return "#\(index): ours \(format(mine)), croniter \(format(peer))" }
        }
        return "none"
    }
}

/// A small deterministic pseudo-random generator, so the generated expressions are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random expressions in the syntax croniter and this package share with the same meaning.
enum ExpressionGenerator {
    static func expression(using generator: inout SplitMix64) -> String {
        let minute = field(0...59, using: &generator)
        let hour = field(0...23, using: &generator)
        let dayOfMonth = dayOfMonthField(using: &generator)
        let month = field(1...12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], using: &generator)
        let dayOfWeek = dayOfWeekField(using: &generator)
        var fields = [minute, hour, dayOfMonth, month, dayOfWeek]
        if Bool.random(using: &generator) {
            fields.append(field(0...59, using: &generator))
        }
        return fields.joined(separator: " ")
    }

    static func dayOfMonthField(using generator: inout SplitMix64) -> String {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: return "?"
        case 1: return "L"
        case 2: return "\(Int.random(in: 1...28, using: &generator)),L"
        default: return field(1...31, using: &generator)
        }
    }

    static func dayOfWeekField(using generator: inout SplitMix64) -> String {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: return "?"
        case 1: return "7"
        default: return field(0...6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], using: &generator)
        }
    }

    /// `*` half the time (so day fields often leave the other in charge), otherwise a list of 1-3 elements.
    static func field(_ range: ClosedRange<Int>, names: [String] = [], using generator: inout SplitMix64) -> String {
        if Int.random(in: 0..<2, using: &generator) == 0 { return "*" }
        let count = Int.random(in: 1...3, using: &generator)
        return (0..<count).map { _ in element(range, names: names, using: &generator) }.joined(separator: ",")
    }

    static func element(_ range: ClosedRange<Int>, names: [String], using generator: inout SplitMix64) -> String {
        let useNames = !names.isEmpty && Bool.random(using: &generator)
        let spelled = { (value: Int) -> String in useNames ? names[value - range.lowerBound] : "\(value)" }
        let step = Int.random(in: 1...max(2, range.count / 3), using: &generator)
        // Ranges always have low < high: croniter reads an equal range as the whole field.
        let low = Int.random(in: range.lowerBound..<range.upperBound, using: &generator)
        let high = Int.random(in: (low + 1)...range.upperBound, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: return spelled(Int.random(in: range, using: &generator))
        case 1: return "\(spelled(low))-\(spelled(high))"
        case 2: return "*/\(step)"
        case 3: return "\(spelled(low))-\(spelled(high))/\(step)"
        default: return "\(low)/\(step)"
        }
    }
}
