import CairnTriggers
import Foundation
import Testing

@testable import CairnCronTrigger

@Suite("Time zone names")
struct TimeZoneTests {
    @Test("IANA names are accepted", arguments: ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/UTC", "US/Eastern"])
    func accepted(name: String) throws {
        let timeZone = try cronTimeZone(name)
        #expect(timeZone == TimeZone(identifier: name))
    }

    @Test("UTC and GMT are accepted; surrounding whitespace is ignored")
    func utcAndWhitespace() throws {
        #expect(try cronTimeZone("UTC").secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0)
        #expect(try cronTimeZone("GMT").secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0)
        #expect(try cronTimeZone(" Europe/Berlin\n") == TimeZone(identifier: "Europe/Berlin"))
        // Etc/GMT-2 is UTC+2 (POSIX signs are inverted).
        #expect(try cronTimeZone("Etc/GMT-2").secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 7200)
    }

    /// (name, a phrase the message must contain)
    static let refusals: [(String, String)] = [
        ("CET", "is an abbreviation"),
        ("EST", "America/New_York"),
        ("PST", "is an abbreviation"),
        ("europe/berlin", "did you mean \"Europe/Berlin\""),
        ("utc", "did you mean \"UTC\""),
        ("GMT+2", "UTC offsets are not zone names"),
        ("UTC+01:00", "Etc/GMT-2"),
        ("Mars/Olympus_Mons", "use an IANA name such as \"Europe/Berlin\""),
        ("Berlin", "use an IANA name"),
        ("", "empty"),
        ("  ", "empty"),
    ]

    @Test("unknown names, abbreviations and offsets are refused with a suggestion", arguments: refusals)
    func refused(name: String, phrase: String) {
        do {
            let timeZone = try cronTimeZone(name)
            Issue.record("\(name) was accepted as \(timeZone.identifier)")
        } catch {
            #expect(error.field == "time zone")
            #expect(error.value == name)
            #expect(error.message.contains(phrase), "message for \(name): \(error.message)")
        }
    }
}
