import CairnTriggers
import Testing

@testable import CairnCronTrigger

@Suite("Refusing invalid expressions")
struct ParsingErrorTests {
    /// (expression, field, offending value, a phrase the message must contain)
    static let cases: [(String, String, String, String)] = [
        ("60 * * * *", "minute", "60", "out of range; minute allows 0-59"),
        ("0,60 * * * *", "minute", "60", "out of range"),
        ("* 24 * * *", "hour", "24", "hour allows 0-23"),
        ("* * 0 * *", "day of month", "0", "day of month allows 1-31"),
        ("* * 32 * *", "day of month", "32", "out of range"),
        ("* * * 0 *", "month", "0", "month allows 1-12"),
        ("* * * 13 *", "month", "13", "out of range"),
        ("* * * * 8", "day of week", "8", "day of week allows 0-7"),
        ("* * * * * 60", "second", "60", "second allows 0-59"),
        ("* * * * * 99999999999999999999", "second", "99999999999999999999", "out of range"),
        ("0-60 * * * *", "minute", "0-60", "60 is out of range"),
        ("30-10 * * * *", "minute", "30-10", "reversed"),
        ("* 20-4 * * *", "hour", "20-4", "20-23,0-4"),
        ("* * * DEC-JAN *", "month", "DEC-JAN", "reversed"),
        ("* * * * FRI-MON", "day of week", "FRI-MON", "reversed"),
        ("* * * * 5-0", "day of week", "5-0", "5-7 (7 is Sunday)"),
        ("*/0 * * * *", "minute", "*/0", "step must be 1 or more"),
        ("* * * * * 1-5/0", "second", "1-5/0", "step must be 1 or more"),
        ("*/x * * * *", "minute", "*/x", "not a whole number"),
        ("*/ * * * *", "minute", "*/", "not a whole number"),
        ("*/5/2 * * * *", "minute", "*/5/2", "a step is written once"),
        ("1,,2 * * * *", "minute", "1,,2", "empty element"),
        ("1, * * * *", "minute", "1,", "empty element"),
        (",1 * * * *", "minute", ",1", "empty element"),
        ("-5 * * * *", "minute", "-5", "negative numbers are not allowed"),
        ("1-2-3 * * * *", "minute", "1-2-3", "two values joined by one -"),
        ("5- * * * *", "minute", "5-", "two values joined by one -"),
        ("1.5 * * * *", "minute", "1.5", "not a number"),
        ("L * * * *", "minute", "L", "not a number"),
        ("? * * * *", "minute", "?", "only allowed in day of month and day of week"),
        ("* * * ? *", "month", "?", "only allowed in day of month and day of week"),
        ("* * ?,1 * *", "day of month", "?", "must stand alone"),
        ("* * L/2 * *", "day of month", "L/2", "cannot take a step"),
        ("* * 5L * *", "day of month", "5L", "not a number"),
        ("* * LW * *", "day of month", "LW", "not a number"),
        ("* * * FOO *", "month", "FOO", "not a number or a name"),
        ("* * * JANUARY *", "month", "JANUARY", "JAN-DEC"),
        ("* * * * MONDAY", "day of week", "MONDAY", "SUN-SAT"),
        ("* * * * 5#2", "day of week", "5#2", "not a number"),
        ("* * * * 5L", "day of week", "5L", "not a number"),
        ("* * * * MON-L", "day of week", "MON-L", "not a number"),
        ("", "expression", "", "found no fields"),
        ("   ", "expression", "   ", "found no fields"),
        ("* * * *", "expression", "* * * *", "found 4 fields"),
        ("*", "expression", "*", "found 1 field;"),
        ("* * * * * * *", "expression", "* * * * * * *", "found 7 fields"),
        ("0 0 1 1 * 2026 0", "expression", "0 0 1 1 * 2026 0", "6 with seconds last"),
        ("@reboot", "expression", "@reboot", "@reboot runs at startup"),
        ("@REBOOT", "expression", "@REBOOT", "not a schedule"),
        ("@weekdays", "expression", "@weekdays", "unknown alias; use @yearly"),
        ("@every 5m", "expression", "@every 5m", "found 2 fields"),
    ]

    @Test("each bad input names its field and offending value", arguments: cases)
    func refused(expression: String, field: String, value: String, phrase: String) {
        do {
            let parsed = try CronExpression(expression)
            Issue.record("\(expression) was accepted as \(parsed)")
        } catch {
            #expect(error.field == field, "field for \(expression): \(error)")
            #expect(error.value == value, "value for \(expression): \(error)")
            #expect(error.message.contains(phrase), "message for \(expression): \(error)")
        }
    }

    @Test("the description quotes field and value")
    func description() {
        do {
            _ = try CronExpression("0 25 * * *")
            Issue.record("hour 25 was accepted")
        } catch {
            #expect(error.description == "hour \"25\": 25 is out of range; hour allows 0-23")
        }
    }

    @Test("out-of-range messages say what is allowed")
    func allowedInMessage() {
        do {
            _ = try CronExpression("* * * * * 1-2/x")
            Issue.record("a non-numeric step was accepted")
        } catch {
            #expect(error.field == "second" && error.message.contains("*/5"))
        }
    }
}
