import CairnCore
import Foundation
import Testing

@Suite("Session history fixtures")
struct SessionHistoryTests {
    let store = MemoryStore()
    let clock = ManualWallClock()
    var sessions: Sessions { Sessions(store: store, clock: clock) }

    /// A session with a JSON, a text and a binary push, a named header with every field, a pause.
    func makeSession() async throws -> SessionID {
        let info = try await sessions.create(agent: "demo", metadata: ["team": "ops"], source: "test")
        try await sessions.push(
            Data(#"{"b":1,"a":[true,null,"x"]}"#.utf8), header: ObjectHeader(contentType: ContentTypes.json, name: "input"),
            to: info.id, source: "cli")
        clock.advance(by: 0.123)
        try await sessions.push(
            Data("hello\n".utf8),
            header: ObjectHeader(
                contentType: ContentTypes.text, contentEncoding: "", schemaURL: "https://example.com/s",
                name: "note", metadata: ["k": "v"]), to: info.id, source: "api")
        try await sessions.push(
            Data([0, 1, 2, 255]), header: ObjectHeader(contentType: ContentTypes.bytes, contentEncoding: "zstd"), to: info.id, source: "cli")
        _ = try await store.append([EntryDraft(event: .pause, time: clock.now(), source: "runtime")], to: info.id, expectedLength: 4)
        return info.id
    }

    func json(_ history: SessionHistory) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try history.jsonData()) as? [String: Any])
    }

    @Test func anExportedHistoryLoadsIntoAnotherStoreWithTheSameLog() async throws {
        let id = try await makeSession()
        let history = try await SessionHistory.export(id, from: store)
        let decoded = try SessionHistory(json: try history.jsonData())
        #expect(decoded == history)
        let other = MemoryStore()
        let loaded = try await decoded.load(into: other)
        #expect(loaded.id == id && loaded.agent == "demo" && loaded.metadata == ["team": "ops"])
        let original = try await SessionLog(store: store).entries(of: id)
        let copy = try await SessionLog(store: other).entries(of: id)
        #expect(copy == original)
        for (a, b) in zip(original, copy) {
            #expect(try await store.body(of: a) == (try await other.body(of: b)))
        }
        // Loading again needs another id.
        await #expect(throws: CairnError.sessionExists(id)) { try await decoded.load(into: other) }
        let second = try await decoded.load(into: other, as: SessionID.generate())
        #expect(try await SessionLog(store: other).entries(of: second.id) == original)
    }

    @Test func theJSONKeepsBodiesExactAndJSONBodiesReadable() async throws {
        let history = try await SessionHistory.export(try await makeSession(), from: store)
        let object = try json(history)
        #expect(object["format"] as? String == "cairn.session-history/1")
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.map { $0["event"] as? String } == ["start", "push", "push", "push", "pause"])
        #expect(entries.map { $0["seq"] as? Int } == [0, 1, 2, 3, 4])
        let input = entries[1]
        #expect(input["body-base64"] as? String == Data(#"{"b":1,"a":[true,null,"x"]}"#.utf8).base64EncodedString())
        #expect((input["body-json"] as? [String: Any])?["b"] as? Int == 1)
        #expect((input["header"] as? [String: Any])?["name"] as? String == "input")
        let note = try #require(entries[2]["header"] as? [String: Any])
        #expect(note["schema-url"] as? String == "https://example.com/s" && (note["metadata"] as? [String: String]) == ["k": "v"])
        #expect(entries[2]["body-json"] == nil)
        #expect(entries[3]["body-base64"] as? String == "AAEC/w==" && entries[3]["body-json"] == nil)
        #expect((entries[0]["body-json"] as? [String: String]) == ["event": "start"], "control entries carry a JSON body describing themselves")
        #expect(entries[2]["time"] as? String == Timestamps.format(clock.now()))
    }

    @Test func aForkedSessionExportsItsInheritedEntriesAndItsParent() async throws {
        let parent = try await makeSession()
        let child = try await sessions.fork(parent, at: 2, source: "test")
        try await sessions.push(Data("1".utf8), header: ObjectHeader(contentType: ContentTypes.json), to: child.id, source: "cli")
        let history = try await SessionHistory.export(child.id, from: store)
        #expect(history.session.parent == parent && history.session.forkPoint == 2)
        #expect(history.entries.map(\.entry.seq) == [0, 1, 2, 3])
        #expect(history.entries.map(\.entry.event) == [.start, .push, .fork, .push])
        let object = try json(history)
        let session = try #require(object["session"] as? [String: Any])
        #expect(session["parent"] as? String == parent.rawValue && session["fork-point"] as? Int == 2)
        // Loaded as a root session holding the whole log.
        let other = MemoryStore()
        let loaded = try await SessionHistory(json: try history.jsonData()).load(into: other)
        #expect(loaded.parent == nil)
        #expect(try await SessionLog(store: other).entries(of: child.id) == (try await SessionLog(store: store).entries(of: child.id)))
    }

    /// The fixture of `makeSession` with `edit` applied to its JSON object.
    func fixture(_ edit: (inout [String: Any]) throws -> Void) async throws -> Data {
        var object = try json(try await SessionHistory.export(try await makeSession(), from: store))
        try edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    func editEntry(_ index: Int, _ object: inout [String: Any], _ edit: (inout [String: Any]) -> Void) throws {
        var entries = try #require(object["entries"] as? [[String: Any]])
        edit(&entries[index])
        object["entries"] = entries
    }

    func expectInvalid(_ data: Data, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: CairnError.invalidArgument("session history: " + message), sourceLocation: sourceLocation) { try SessionHistory(json: data) }
    }

    @Test func badFixturesAreRefusedWithMessagesNamingTheProblem() async throws {
        expectInvalid(
            try await fixture { $0["format"] = "cairn.session-history/2" },
            "unknown format 'cairn.session-history/2': this build of Cairn reads cairn.session-history/1")
        expectInvalid(
            try await fixture { $0["format"] = nil },
            "no \"format\" field: this is not a session history written by `cairn export` (format cairn.session-history/1)")
        expectInvalid(try await fixture { try editEntry(1, &$0) { $0["body-base64"] = "not base64!" } }, "entry #1: body-base64 is not valid base64")
        let digestChanged = try await fixture {
            try editEntry(1, &$0) {
                $0["body-base64"] = Data(#"{"b":2}"#.utf8).base64EncodedString(); $0["body-json"] = nil
            }
        }
        #expect(throws: CairnError.self) { try SessionHistory(json: digestChanged) }
        do {
            _ = try SessionHistory(json: digestChanged)
        } catch {
            #expect("\(error)".hasPrefix("session history: entry #1: its body's SHA-256 is "))
            #expect("\(error)".hasSuffix("the body or the digest was changed"))
        }
        expectInvalid(
            try await fixture { try editEntry(2, &$0) { $0["seq"] = 5 } },
            "the entry at index 2 has seq 5, but seqs must be dense: 0, 1, 2, … in order (expected 2)")
        expectInvalid(try await fixture { try editEntry(2, &$0) { $0["size"] = 99 } }, "entry #2: its body has 6 bytes but the entry records size 99")
        expectInvalid(
            try await fixture { try editEntry(1, &$0) { $0["body-json"] = ["b": 2] } },
            "entry #1: body-json does not match body-base64 (body-base64 is what is loaded: change both, or remove body-json)")
        expectInvalid(try await fixture { try editEntry(1, &$0) { $0["body-base64"] = nil } }, "entry #1 has a digest but no body-base64")
        expectInvalid(try await fixture { try editEntry(0, &$0) { $0["digest"] = nil } }, "entry #0 has a body but no digest")
        expectInvalid(try await fixture { try editEntry(3, &$0) { $0["time"] = "yesterday" } }, "entry #3: time 'yesterday' is not an RFC 3339 time")
        expectInvalid(try await fixture { try editEntry(3, &$0) { $0["seq"] = nil } }, "entries[3].seq is missing")
        expectInvalid(
            try await fixture { try editEntry(3, &$0) { $0["digest"] = "abc" } },
            "entry #3: digest 'abc' is not a SHA-256 digest (64 lowercase hex characters)")
        expectInvalid(
            try await fixture { $0["session"] = ["id": "nope", "created": "2027-01-15T08:00:00.000Z"] },
            "session: 'nope' is not a session id (26 characters of Crockford base32, e.g. 01JD3Q8Z6N4W5X7Y8Z9A0B1C2D)")
        #expect(throws: CairnError.self) { try SessionHistory(json: Data("{not json".utf8)) }
        #expect(throws: CairnError.self) { try SessionHistory(json: Data("[]".utf8)) }
    }

    @Test func loadRefusesAHistoryBuiltInCodeThatDoesNotHold() async throws {
        var history = try await SessionHistory.export(try await makeSession(), from: store)
        history.entries[1].body = Data("{}".utf8)
        await #expect(throws: CairnError.self) { try await history.load(into: MemoryStore()) }
        history.entries.remove(at: 1)
        await #expect(
            throws: CairnError.invalidArgument(
                "session history: the entry at index 1 has seq 2, but seqs must be dense: 0, 1, 2, … in order (expected 1)")
        ) {
            try await history.load(into: MemoryStore())
        }
    }
}
