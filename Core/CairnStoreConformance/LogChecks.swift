import CairnCore
import Foundation

enum LogChecks {
    @Sendable static func createAndRead(_ fixture: StoreFixture) async throws {
        let check = "create and read"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        let read = try await store.sessionInfo(info.id)
        try Kit.require(read == info, check, "sessionInfo returned \(read), expected \(info)")
        let head = try await store.ownHead(info.id)
        try Kit.require(head.length == 1 && head.last?.event == .start && head.last?.seq == 0, check, "ownHead after create is \(head)")
        let entries = try await store.readOwn(info.id, from: 0, limit: nil)
        try Kit.require(entries.count == 1 && entries[0].seq == 0 && entries[0].event == .start, check, "readOwn after create returned \(entries)")
    }

    @Sendable static func duplicateCreate(_ fixture: StoreFixture) async throws {
        let check = "duplicate create"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        try await Kit.expectError(check, "creating an existing session", { ($0 as? CairnError) == .sessionExists(info.id) }) {
            _ = try await store.createSession(info, initial: [Kit.push("again")])
        }
        let length = try await store.ownHead(info.id).length
        try Kit.require(length == 1, check, "a refused create changed the log to \(length) entries")
    }

    @Sendable static func unknownSession(_ fixture: StoreFixture) async throws {
        let check = "unknown session"
        let store = try await fixture.make()
        let id = SessionID.generate(at: Kit.clock)
        let notFound: (any Error) -> Bool = { ($0 as? CairnError) == .sessionNotFound(id) }
        try await Kit.expectError(check, "sessionInfo", notFound) { _ = try await store.sessionInfo(id) }
        try await Kit.expectError(check, "ownHead", notFound) { _ = try await store.ownHead(id) }
        try await Kit.expectError(check, "readOwn", notFound) { _ = try await store.readOwn(id, from: 0, limit: nil) }
        try await Kit.expectError(check, "append", notFound) { _ = try await store.append([Kit.push("x")], to: id, expectedLength: 0) }
    }

    @Sendable static func compareAndSwap(_ fixture: StoreFixture) async throws {
        let check = "compare-and-swap append"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        for wrong in [0, 2, 7] {
            try await Kit.expectError(
                check, "append expecting length \(wrong) when it is 1",
                { ($0 as? CairnError) == .conflict(session: info.id, expected: wrong, actual: 1) }
            ) {
                _ = try await store.append([Kit.push("x")], to: info.id, expectedLength: wrong)
            }
        }
        let appended = try await store.append([Kit.push("a")], to: info.id, expectedLength: 1)
        try Kit.require(appended.map(\.seq) == [1], check, "append at length 1 assigned \(appended.map(\.seq))")
        let head = try await store.ownHead(info.id)
        try Kit.require(head.length == 2 && head.last?.header.name == "a", check, "ownHead after append is \(head)")
    }

    @Sendable static func batch(_ fixture: StoreFixture) async throws {
        let check = "batch append"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        let drafts = (0..<50).map { Kit.push("item-\($0)", at: Double($0)) }
        let appended = try await store.append(drafts, to: info.id, expectedLength: 1)
        try Kit.require(appended.map(\.seq) == Array(1...50), check, "a batch of 50 got sequence numbers \(appended.map(\.seq))")
        let all = try await store.readOwn(info.id, from: 0, limit: nil)
        try Kit.require(all.count == 51, check, "log has \(all.count) entries, expected 51")
        try Kit.require(all.dropFirst().map(\.header.name) == drafts.map(\.header.name), check, "batch order not preserved")
        let empty = try await store.append([], to: info.id, expectedLength: 51)
        try Kit.require(empty.isEmpty, check, "an empty batch returned entries")
    }

    @Sendable static func readRanges(_ fixture: StoreFixture) async throws {
        let check = "read ranges"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        _ = try await store.append((1...9).map { Kit.push("e\($0)") }, to: info.id, expectedLength: 1)
        let cases: [(Int, Int?, [Int])] = [
            (0, nil, Array(0...9)), (3, nil, Array(3...9)), (3, 4, [3, 4, 5, 6]), (8, 10, [8, 9]),
            (10, nil, []), (42, 3, []), (0, 0, []), (9, 1, [9]),
        ]
        for (from, limit, expected) in cases {
            let got = try await store.readOwn(info.id, from: from, limit: limit).map(\.seq)
            try Kit.require(got == expected, check, "readOwn(from: \(from), limit: \(String(describing: limit))) returned \(got), expected \(expected)")
        }
    }

    @Sendable static func entryFields(_ fixture: StoreFixture) async throws {
        let check = "entry fields round trip"
        let store = try await fixture.make()
        let info = SessionInfo(
            id: SessionID.generate(at: Kit.clock), agent: "agent ☃", metadata: ["unicode": "é ☃ 🧭", "empty": ""],
            created: Kit.clock.addingTimeInterval(0.123))
        _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: Kit.clock, source: "kit")])
        try Kit.require(try await store.sessionInfo(info.id) == info, check, "session info with unicode metadata did not round-trip")
        let body = Data("{\"a\":1}".utf8)
        let digest = try await store.put(body)
        let draft = EntryDraft(
            event: .other("step-result"),
            header: ObjectHeader(
                contentType: "application/json", contentEncoding: "", schemaURL: "https://example.com/s.json",
                name: "result/1", metadata: ["attempt": "2", "note": "line\nbreak \"quoted\""]),
            digest: digest, size: body.count, time: Kit.clock.addingTimeInterval(1.987), source: "handler")
        let appended = try await store.append([draft], to: info.id, expectedLength: 1)
        let read = try await store.readOwn(info.id, from: 1, limit: 1)
        try Kit.require(read == appended && read.first == draft.entry(seq: 1), check, "entry did not round-trip: wrote \(draft.entry(seq: 1)), read \(read)")
    }

    @Sendable static func forkNumbering(_ fixture: StoreFixture) async throws {
        let check = "fork numbering"
        let store = try await fixture.make()
        let parent = try await Kit.newSession(in: store)
        _ = try await store.append([Kit.push("p1"), Kit.push("p2"), Kit.push("p3")], to: parent.id, expectedLength: 1)
        let child = try await Kit.newSession(in: store, parent: parent.id, forkPoint: 3, event: .fork)
        let own = try await store.readOwn(child.id, from: 0, limit: nil)
        try Kit.require(own.map(\.seq) == [3] && own.first?.event == .fork, check, "a child forked at 3 has own entries \(own.map(\.seq)), expected [3]")
        try await Kit.expectError(
            check, "append to child at its own count instead of its logical length",
            { ($0 as? CairnError) == .conflict(session: child.id, expected: 1, actual: 4) }
        ) {
            _ = try await store.append([Kit.push("c")], to: child.id, expectedLength: 1)
        }
        _ = try await store.append([Kit.push("c1")], to: child.id, expectedLength: 4)
        let logical = try await SessionLog(store: store).entries(of: child.id)
        try Kit.require(logical.map(\.seq) == Array(0...4), check, "logical log of the child has \(logical.map(\.seq))")
        try Kit.require(logical.map(\.header.name) == ["", "p1", "p2", "", "c1"], check, "logical log joins the wrong entries: \(logical.map(\.header.name))")
        let parentHead = try await store.ownHead(parent.id)
        try Kit.require(parentHead.length == 4, check, "appending to the child changed the parent to \(parentHead.length) entries")
    }

    @Sendable static func listSessions(_ fixture: StoreFixture) async throws {
        let check = "list sessions"
        let store = try await fixture.make()
        var created: [SessionID] = []
        for i in 0..<5 {
            let info = SessionInfo(id: SessionID.generate(at: Kit.clock.addingTimeInterval(Double(i))), created: Kit.clock)
            _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: Kit.clock, source: "kit")])
            created.append(info.id)
        }
        let listed = try await store.listSessions().map(\.id)
        try Kit.require(listed == created.sorted(), check, "listSessions returned \(listed), expected \(created.sorted())")
    }

    @Sendable static func timers(_ fixture: StoreFixture) async throws {
        let check = "timers"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        let other = try await Kit.newSession(in: store)
        let due = Kit.clock.addingTimeInterval(60.123)
        let sleep = EntryDraft(event: .sleep, header: ObjectHeader(metadata: [MetadataKeys.until: Timestamps.format(due)]), time: Kit.clock, source: "kit")
        _ = try await store.append([Kit.push("x"), sleep], to: info.id, expectedLength: 1)
        try Kit.require(try await store.dueTimers(at: Kit.clock).isEmpty, check, "a timer due in 60 s is reported due now")
        let later = try await store.dueTimers(at: due)
        try Kit.require(
            later.map(\.session) == [info.id] && later.map({ Timestamps.milliseconds($0.due) }) == [Timestamps.milliseconds(due)],
            check, "at its due time dueTimers returned \(later)")
        try Kit.require(try await store.dueTimers(at: due).count == 1, check, "asking twice for due timers lost the timer")
        _ = try await store.append([EntryDraft(event: .wake, time: due, source: "kit")], to: info.id, expectedLength: 3)
        try Kit.require(try await store.dueTimers(at: due.addingTimeInterval(1)).isEmpty, check, "a woken session is still reported due")
        _ = try await store.append([sleep], to: other.id, expectedLength: 1)
        _ = try await store.append([Kit.push("interrupt")], to: other.id, expectedLength: 2)
        try Kit.require(try await store.dueTimers(at: due).isEmpty, check, "a session that got a push after its sleep is still reported due")
    }
}
