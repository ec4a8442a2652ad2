import CairnCore
import CairnS3Store
import CairnTestSupport
import Foundation

/// The S3 store against moto (a Python S3 server) on loopback: these figures measure moto's
/// request rate more than Cairn's, and say little about AWS S3 latencies.
struct S3Bench {
    let quick: Bool

    func run() async {
        do {
            let moto = try MotoServer.shared()
            defer { moto.stop() }
            let bucket = MotoServer.uniqueBucket("bench")
            guard let endpoint = URL(string: moto.url) else { return }
            let client = S3Client(
                configuration: S3ClientConfiguration(
                    bucket: bucket, region: "us-east-1", endpoint: endpoint,
                    credentials: S3Credentials(accessKeyID: "bench", secretAccessKey: "bench")))
            try await client.createBucket()
            func openS3() -> S3Store { S3Store(client: client, options: .init(prefix: "bench", compactEvery: nil)) }
            let label = "s3/moto"
            print("\(label): the S3 store against moto_server on 127.0.0.1 (not AWS)")
            let store = openS3()
            let singles = quick ? 50 : 300
            let id = try await Sessions(store: store).create(source: "bench").id
            let singleTime = try await seconds {
                for i in 0..<singles { _ = try await store.append([StoreBench.draft(i)], to: id, expectedLength: i + 1) }
            }
            report(label, "durable single appends/s (one writer)", Double(singles) / singleTime, "appends/s")

            let ids = try await (0..<16).asyncMap { _ in try await Sessions(store: store).create(source: "bench").id }
            let perTask = quick ? 5 : 20
            let concurrentTime = try await seconds {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for id in ids {
                        group.addTask {
                            for i in 0..<perTask { _ = try await store.append([StoreBench.draft(i)], to: id, expectedLength: i + 1) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            report(label, "durable single appends/s (16 concurrent writers)", Double(perTask * 16) / concurrentTime, "appends/s")

            let batches = quick ? 3 : 10
            let batchID = try await Sessions(store: store).create(source: "bench").id
            let batchTime = try await seconds {
                for b in 0..<batches {
                    _ = try await store.append((0..<1000).map { StoreBench.draft(b * 1000 + $0) }, to: batchID, expectedLength: 1 + b * 1000)
                }
            }
            report(label, "batched appends/s (1000 per append)", Double(batches * 1000) / batchTime, "entries/s")

            let replay = quick ? 10_000 : 50_000
            let longID = try await Sessions(store: store).create(source: "bench").id
            for b in 0..<(replay / 1000) {
                _ = try await store.append((0..<1000).map { StoreBench.draft(b * 1000 + $0) }, to: longID, expectedLength: 1 + b * 1000)
            }
            var count = 0
            let batchesTime = try await seconds { count = try await SessionLog(store: openS3()).entries(of: longID).count }
            report(label, "cold replay, \(replay / 1000)k entries in \(replay / 1000) objects", Double(count) / batchesTime, "entries/s")
            _ = try await store.compact(session: longID)
            let segmentTime = try await seconds { count = try await SessionLog(store: openS3()).entries(of: longID).count }
            report(label, "cold replay, \(replay / 1000)k entries in 1 segment", Double(count) / segmentTime, "entries/s")
        } catch {
            print("s3/moto   skipped: could not run against moto_server on 127.0.0.1 (\(error)); 'make python-deps' installs it")
        }
    }
}
