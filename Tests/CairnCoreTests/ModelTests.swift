import CairnCore
import Foundation
import Testing

@Suite("Model")
struct ModelTests {
    @Test func sessionIDsSortByCreationTime() throws {
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0..<50).map { SessionID.generate(at: base.addingTimeInterval(Double($0) * 0.001)) }
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { $0.rawValue.count == 26 })
        #expect(Set(ids).count == 50)
        #expect(try SessionID(ids[0].rawValue.lowercased()) == ids[0])
    }

    @Test(arguments: ["", "short", "../../etc/passwd0000000000", "01M7ZTGBQXSN4B4ZVK9FJS3VKU", "01M7ZTGBQXSN4B4ZVK9FJS3VK/"])
    func malformedSessionIDsAreRejected(_ text: String) {
        #expect(throws: CairnError.self) { try SessionID(text) }
    }

    @Test func digestIsSHA256() throws {
        #expect(Digest(of: Data("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(throws: CairnError.self) { try Digest(hex: "BA7816BF") }
    }

    @Test(arguments: [("60.00s", 60.0), ("1m30s", 90.0), ("250ms", 0.25), ("1h2m3.5s", 3723.5), ("0", 0.0), ("1.5h", 5400.0), ("2us", 0.000002)])
    func goDurationsParse(_ text: String, _ seconds: Double) throws {
        #expect(abs(try GoDuration.parse(text) - seconds) < 1e-9)
    }

    @Test(arguments: ["", "10", "-5s", "5 parsecs", "1x", "s"])
    func malformedDurationsAreRejected(_ text: String) {
        #expect(throws: CairnError.self) { try GoDuration.parse(text) }
    }

    @Test func statusIsDerivedFromTheLastEntry() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func entry(_ event: EventKind, metadata: [String: String] = [:]) -> Entry {
            EntryDraft(event: event, header: ObjectHeader(metadata: metadata), time: now, source: "t").entry(seq: 0)
        }
        #expect(SessionStatus.derive(last: nil) == .pending)
        #expect(SessionStatus.derive(last: entry(.push)) == .pending)
        #expect(SessionStatus.derive(last: entry(.wake)) == .pending)
        #expect(SessionStatus.derive(last: entry(.pause), body: Data("why".utf8)) == .paused(reason: "why"))
        let until = now.addingTimeInterval(30)
        #expect(SessionStatus.derive(last: entry(.sleep, metadata: [MetadataKeys.until: Timestamps.format(until)])) == .sleeping(until: until))
        #expect(SessionStatus.derive(last: entry(.finish)) == .finished)
        let report = ErrorReport(message: "boom", kind: "exit", exitStatus: 2)
        #expect(SessionStatus.derive(last: entry(.error), body: report.encoded()) == .failed(message: "boom"))
    }

    @Test func timestampsRoundTripWithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123)
        let text = Timestamps.format(date)
        #expect(text == "2027-01-15T08:00:00.123Z")
        let parsed = try #require(Timestamps.parse(text))
        #expect(Timestamps.milliseconds(parsed) == Timestamps.milliseconds(date))
        #expect(Timestamps.format(Date(timeIntervalSince1970: 1_800_000_000.0005)) == "2027-01-15T08:00:00.001Z")
        #expect(Timestamps.format(Date(timeIntervalSince1970: 1_800_000_000.9996)) == "2027-01-15T08:00:01.000Z")
    }

    @Test func contentTypes() {
        #expect(ContentTypes.isJSON("application/json; charset=utf-8"))
        #expect(ContentTypes.isJSON("application/vnd.cairn.error+json"))
        #expect(!ContentTypes.isJSON("text/plain"))
        #expect(ContentTypes.isText("text/markdown"))
        #expect(ContentTypes.isText(ContentTypes.pause))
    }

    @Test func storeRegistryNamesUnknownSchemes() throws {
        let registry = StoreRegistry()
        #expect(try registry.open("memory://") is MemoryStore)
        #expect(throws: CairnError.unsupportedStore("no store for scheme 'ftp' in 'ftp://x'; known: memory")) {
            try registry.open("ftp://x")
        }
    }
}
