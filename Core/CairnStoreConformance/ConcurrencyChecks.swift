import CairnCore
import Foundation

enum ConcurrencyChecks {
    @Sendable static func racingAppends(_ fixture: StoreFixture) async throws {
        let check = "racing appends"
        let store = try await fixture.make()
        let info = try await Kit.newSession(in: store)
        // Many writers race for the same position: exactly one wins.
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    do {
                        _ = try await store.append([Kit.push("racer-\(i)")], to: info.id, expectedLength: 1)
                        return true
                    } catch CairnError.conflict {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try Kit.require(winners == 1, check, "\(winners) of 16 appends racing for position 1 succeeded; exactly one must")
        // Writers that retry on conflict all land, each exactly once, densely numbered.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for item in 0..<10 {
                        var length = try await store.ownHead(info.id).length
                        while true {
                            do {
                                _ = try await store.append([Kit.push("w\(writer)-\(item)")], to: info.id, expectedLength: length)
                                break
                            } catch CairnError.conflict(_, _, let actual) {
                                length = actual
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = try await store.readOwn(info.id, from: 0, limit: nil)
        try Kit.require(entries.map(\.seq) == Array(0..<82), check, "after 80 retried appends the log is numbered \(entries.map(\.seq).prefix(90))")
        let names = entries.dropFirst(2).map(\.header.name)
        try Kit.require(Set(names).count == 80, check, "\(80 - Set(names).count) appends were duplicated or lost")
    }

    @Sendable static func sharedInstances(_ fixture: StoreFixture) async throws {
        let check = "shared between instances"
        let first = try await fixture.make()
        guard let reopen = fixture.reopen else { return }
        let second = try await reopen(first)
        let info = try await Kit.newSession(in: first)
        let digest = try await first.put(Data("shared".utf8))
        try Kit.require(try await second.sessionInfo(info.id) == info, check, "a second instance does not see a session created by the first")
        try Kit.require(try await second.get(digest) == Data("shared".utf8), check, "a second instance does not see a blob put by the first")
        _ = try await first.append([Kit.push("one")], to: info.id, expectedLength: 1)
        try await Kit.expectError(
            check, "a stale append through the second instance",
            { ($0 as? CairnError) == .conflict(session: info.id, expected: 1, actual: 2) }
        ) {
            _ = try await second.append([Kit.push("two")], to: info.id, expectedLength: 1)
        }
        _ = try await second.append([Kit.push("two")], to: info.id, expectedLength: 2)
        let seen = try await first.readOwn(info.id, from: 0, limit: nil).map(\.header.name)
        try Kit.require(seen == ["", "one", "two"], check, "the first instance reads \(seen) after the second appended")
        let head = try await first.ownHead(info.id)
        try Kit.require(head.length == 3 && head.last?.header.name == "two", check, "ownHead through the first instance is stale: \(head)")
    }
}
