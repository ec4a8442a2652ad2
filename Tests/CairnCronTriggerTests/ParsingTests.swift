import Foundation
import Testing

@testable import CairnCronTrigger

@Suite("Parsing valid expressions")
struct ParsingTests {
    @Test("*, numbers, ranges, steps and lists in the minute field")
    func minuteSyntax() throws {
        let cases: [(String, [Int])] = [
            ("*", Array(0...59)),
            ("7", [7]),
            ("05", [5]),
            ("10-13", [10, 11, 12, 13]),
            ("5-5", [5]),  // croniter reads an equal range as the whole field; here it is the single value
            ("*/15", [0, 15, 30, 45]),
            ("10-30/10", [10, 20, 30]),
            ("5/20", [5, 25, 45]),
            ("59/15", [59]),
            ("*/100", [0]),
            ("1,5-7,*/20", [0, 1, 5, 6, 7, 20, 40]),
            ("3,3,1-3", [1, 2, 3]),
        ]
        for (field, expected) in cases {
            let cron = try CronExpression("\(field) * * * *")
            #expect(members(cron.minutes, 0...63) == expected, "minute field \(field)")
        }
    }

    @Test("hour, day of month and seconds bounds")
    func otherNumericFields() throws {
        let cron = try CronExpression("0 */6 1-3,31 * * */20")
        #expect(members(cron.hours, 0...63) == [0, 6, 12, 18])
        #expect(members(cron.daysOfMonth, 0...63) == [1, 2, 3, 31])
        #expect(members(cron.seconds, 0...63) == [0, 20, 40])
        let dayStep = try CronExpression("0 0 10/5 * *")
        #expect(members(dayStep.daysOfMonth, 0...63) == [10, 15, 20, 25, 30])
    }

    @Test("month names, case-insensitive, in ranges, lists and steps")
    func monthNames() throws {
        let cases: [(String, [Int])] = [
            ("JAN", [1]), ("dec", [12]), ("Feb-apr", [2, 3, 4]), ("jan,JUL,Dec", [1, 7, 12]),
            ("*/3", [1, 4, 7, 10]), ("MAR/4", [3, 7, 11]), ("JAN-JUN/2", [1, 3, 5]), ("1-2,NOV", [1, 2, 11]),
        ]
        for (field, expected) in cases {
            let cron = try CronExpression("0 0 1 \(field) *")
            #expect(members(cron.months, 0...63) == expected, "month field \(field)")
        }
    }

    @Test("day-of-week numbers 0-7 (0 and 7 are Sunday) and names")
    func dayOfWeek() throws {
        let cases: [(String, [Int])] = [
            ("0", [0]), ("7", [0]), ("MON-FRI", [1, 2, 3, 4, 5]), ("sun,Sat", [0, 6]), ("5-7", [0, 5, 6]),
            ("FRI-SUN", [0, 5, 6]), ("*/2", [0, 2, 4, 6]), ("1/2", [1, 3, 5]), ("1-7/2", [0, 1, 3, 5]), ("0-7", Array(0...6)),
            ("SUN-SAT", Array(0...6)), ("tue", [2]),
        ]
        for (field, expected) in cases {
            let cron = try CronExpression("0 0 * * \(field)")
            #expect(members(cron.daysOfWeek, 0...63) == expected, "day-of-week field \(field)")
        }
    }

    @Test("? means * in both day fields")
    func questionMark() throws {
        let cron = try CronExpression("0 0 ? * ?")
        #expect(members(cron.daysOfMonth, 0...63) == Array(1...31))
        #expect(members(cron.daysOfWeek, 0...63) == Array(0...6))
        #expect(!cron.dayOfMonthRestricted && !cron.dayOfWeekRestricted)
    }

    @Test("L is the last day of the month, alone, in lists and as a range end")
    func lastDay() throws {
        let alone = try CronExpression("0 0 L * *")
        #expect(alone.lastDayOfMonth && members(alone.daysOfMonth, 0...63).isEmpty)
        let list = try CronExpression("0 0 1,l * *")
        #expect(list.lastDayOfMonth && members(list.daysOfMonth, 0...63) == [1])
        let range = try CronExpression("0 0 28-L * *")
        #expect(!range.lastDayOfMonth && members(range.daysOfMonth, 0...63) == [28, 29, 30, 31])
    }

    @Test("aliases expand to their five-field forms, case-insensitively")
    func aliases() throws {
        let expansions = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *", "@DAILY": "0 0 * * *", " @Hourly ": "0 * * * *",
        ]
        for (alias, expansion) in expansions {
            let aliased = try CronExpression(alias)
            let plain = try CronExpression(expansion)
            #expect(aliased.text == alias)
            #expect(aliased.minutes == plain.minutes && aliased.hours == plain.hours, "\(alias)")
            #expect(aliased.daysOfMonth == plain.daysOfMonth && aliased.months == plain.months, "\(alias)")
            #expect(aliased.daysOfWeek == plain.daysOfWeek && aliased.seconds == plain.seconds, "\(alias)")
            #expect(aliased.hourIsWildcard == plain.hourIsWildcard, "\(alias)")
        }
    }

    @Test("six fields put seconds last; five fields fire at second 0")
    func secondsField() throws {
        let six = try CronExpression("30 9 * * MON-FRI 15")
        #expect(members(six.minutes, 0...63) == [30])
        #expect(members(six.hours, 0...63) == [9])
        #expect(members(six.seconds, 0...63) == [15])
        let five = try CronExpression("30 9 * * MON-FRI")
        #expect(members(five.seconds, 0...63) == [0])
    }

    @Test("fields may be separated by runs of spaces and tabs; text is kept as given")
    func whitespace() throws {
        let text = "  */5\t 1  * *\t* "
        let cron = try CronExpression(text)
        #expect(cron.text == text && cron.description == text)
        #expect(members(cron.hours, 0...63) == [1])
        #expect(members(cron.minutes, 0...63) == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
    }

    @Test("equality and hashing follow the text")
    func hashable() throws {
        let first = try CronExpression("0 0 * * *")
        #expect(first == (try CronExpression("0 0 * * *")))
        #expect(first != (try CronExpression("@daily")))
        #expect(Set([first, try CronExpression("0 0 * * *")]).count == 1)
    }

    @Test(
        "which day fields count as restricted (the either-or rule applies only when both are)",
        arguments: [
            ("* *", false, false), ("13 *", true, false), ("* FRI", false, true), ("13 FRI", true, true),
            ("*/2 1", true, true), ("? 1", false, true), ("L 5", true, true), ("1-31 1", true, true),
            ("1-31 */2", false, true), ("*/2 */1", true, false), ("*/2 0-7", true, false), ("1-31 0-6", true, true),
        ])
    func dayRestriction(days: String, dayOfMonth: Bool, dayOfWeek: Bool) throws {
        let parts = days.split(separator: " ")
        let cron = try CronExpression("0 0 \(parts[0]) * \(parts[1])")
        #expect(cron.dayOfMonthRestricted == dayOfMonth, "day of month in \(days)")
        #expect(cron.dayOfWeekRestricted == dayOfWeek, "day of week in \(days)")
    }

    @Test("the hour field counts as a wildcard for fall-back when written with *")
    func hourWildcard() throws {
        for (hour, wildcard) in [("*", true), ("*/2", true), ("*/1", true), ("0-23", false), ("2", false), ("1,2", false)] {
            #expect(try CronExpression("0 \(hour) * * *").hourIsWildcard == wildcard, "hour field \(hour)")
        }
    }
}
