import CairnCore
import CairnFileStore
import CairnSQLiteStore
import Foundation

/// Appends and replay for one kind of store.
struct StoreBench {
    let name: String
    let open: (String) throws -> any Store
    let sizes: BenchSizes

    static let now = Date()

    static func draft(_ i: Int) -> EntryDraft {
        EntryDraft(
            event: .push, header: ObjectHeader(contentType: "application/json", name: "n\(i % 10)", metadata: ["i": "\(i)"]),
            digest: Digest(of: Data("\(i)".utf8)), size: 8, time: now, source: "bench")
    }

    func run() async throws -> Double {
        // Durable single appends: one entry per compare-and-swap append, durable before it returns.
        let single = try open("single")
        let id = try await Sessions(store: single).create(source: "bench").id
        let singleTime = try await seconds {
            for i in 0..<sizes.singles { _ = try await single.append([Self.draft(i)], to: id, expectedLength: i + 1) }
        }
        report(name, "durable single appends/s (one writer)", Double(sizes.singles) / singleTime, "appends/s")

        // Concurrent single appends from 32 tasks to 32 sessions: group commit where the store has it.
        let concurrent = try open("concurrent")
        let ids = try await (0..<32).asyncMap { _ in try await Sessions(store: concurrent).create(source: "bench").id }
        let perTask = max(1, sizes.singles / 32)
        let concurrentTime = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ids {
                    group.addTask {
                        for i in 0..<perTask { _ = try await concurrent.append([Self.draft(i)], to: id, expectedLength: i + 1) }
                    }
                }
                try await group.waitForAll()
            }
        }
        report(name, "durable single appends/s (32 concurrent writers)", Double(perTask * 32) / concurrentTime, "appends/s")

        // Batched appends: 1000 entries per append.
        let batched = try open("batched")
        let batchID = try await Sessions(store: batched).create(source: "bench").id
        let batchTime = try await seconds {
            for b in 0..<sizes.batches {
                _ = try await batched.append((0..<1000).map { Self.draft(b * 1000 + $0) }, to: batchID, expectedLength: 1 + b * 1000)
            }
        }
        report(name, "batched appends/s (1000 per append)", Double(sizes.batches * 1000) / batchTime, "entries/s")

        // Cold replay: a fresh store instance reads a long session from the start.
        let long = try open("replay")
        let longID = try await Sessions(store: long).create(source: "bench").id
        for b in 0..<(sizes.replay / 1000) {
            _ = try await long.append((0..<1000).map { Self.draft(b * 1000 + $0) }, to: longID, expectedLength: 1 + b * 1000)
        }
        let cold = name == "memory" ? long : try open("replay")
        var count = 0
        let replayTime = try await seconds { count = try await SessionLog(store: cold).entries(of: longID).count }
        report(name, "cold replay of a \(sizes.replay / 1000)k-entry session", Double(count) / replayTime, "entries/s")
        return Double(sizes.singles) / singleTime
    }
}

struct BenchSizes {
    var singles: Int
    var batches: Int
    var replay: Int
    var invocations: Int
    var claimItems: Int
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
