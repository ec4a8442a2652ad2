import CairnCore
import CairnFileStore
import CairnS3Store
import CairnSQLiteStore
import CairnTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills real writer processes with SIGKILL and checks what survived, for every durable store.
@Suite("Stores under SIGKILL and several processes", .serialized)
struct CrashTests {
    /// A store of `kind` in `folder`: its URL, and a fresh instance (as after a restart).
    func store(_ kind: String, in folder: TemporaryFolder) async throws -> (url: String, open: () throws -> any Store) {
        switch kind {
        case "sqlite":
            let path = folder.path + "/cairn.db"
            return ("sqlite://" + path, { try SQLiteStore(path: path) })
        case "s3":
            // A bucket of its own on the shared moto server; credentials travel in the environment.
            let server = try MotoServer.shared()
            let bucket = MotoServer.uniqueBucket("crash")
            let client = S3Client(
                configuration: S3ClientConfiguration(
                    bucket: bucket, region: "us-east-1", endpoint: URL(string: server.url),
                    credentials: S3Credentials(accessKeyID: "test", secretAccessKey: "test")))
            try await client.createBucket()
            let url = "s3://\(bucket)/crash?endpoint=\(server.url)&region=us-east-1"
            guard let parsed = URL(string: url) else { throw CairnError.invalidArgument("bad test URL \(url)") }
            return (url, { try S3Store(url: parsed, environment: MotoServer.environment) })
        default:
            return ("file://" + folder.path, { try FileStore(root: folder.path) })
        }
    }

    /// Rounds of the SIGKILL test and the longest a writer runs before it is killed: an S3 writer
    /// needs a few round trips to moto (about 10 ms each) before its first acknowledgement.
    func crashSchedule(_ kind: String) -> (rounds: Int, maxDelayMicroseconds: UInt32) {
        kind == "s3" ? (25, 300_000) : (40, 20_000)
    }

    let clock = Date(timeIntervalSince1970: 1_800_000_000)

    /// The body the crash writer stores for item `index` (mirrors Tests/CrashWriter/main.swift).
    func body(for index: Int) -> Data {
        let unit = Data("item \(index);".utf8)
        var data = Data()
        for _ in 0..<(1 + (index * 7919) % 300) { data.append(unit) }
        return data
    }

    func launch(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("cairn-crash-writer"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(MotoServer.environment) { _, moto in moto }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        return (process, pipe)
    }

    @Test(arguments: ["file", "sqlite", "s3"])
    func everyAcknowledgedAppendSurvivesSIGKILLAndNothingElseIsRead(_ kind: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let (url, open) = try await store(kind, in: folder)
        let store = try open()
        let info = SessionInfo(id: SessionID.generate(at: clock), created: clock)
        _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: clock, source: "test")])
        var acknowledged = 1  // the start entry
        var verifiedBodies = 1  // entries whose bodies were checked in an earlier round
        let (rounds, maxDelay) = crashSchedule(kind)
        for round in 0..<rounds {
            let (process, pipe) = try launch(["crash", url, info.id.rawValue])
            // Once it is writing (its first acknowledgement, so slow machines still make progress),
            // let it run a random while more (up to 20 ms, 300 ms for S3), then kill it wherever it is.
            var output = ""
            while !output.contains("\n") {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                output += String(decoding: chunk, as: UTF8.self)
            }
            usleep(UInt32.random(in: 0...maxDelay))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the writer ended on its own (status \(process.terminationStatus))")
            output += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 3, parts[0] == "ack", let first = Int(parts[1]), let count = Int(parts[2]) {
                    acknowledged = max(acknowledged, first + count)
                }
            }
            // A fresh instance, as after a restart, must read every acknowledged entry intact.
            let reader = try open()
            let entries = try await reader.readOwn(info.id, from: 0, limit: nil)
            #expect(entries.count >= acknowledged, "round \(round): \(acknowledged) entries were acknowledged but only \(entries.count) read back")
            #expect(entries.map(\.seq) == Array(0..<entries.count), "round \(round): sequence numbers are not dense")
            for entry in entries.dropFirst() {
                let index = entry.seq
                #expect(entry.header.name == "item-\(index)", "round \(round): entry \(index) is \(entry.header.name)")
                // Bodies are immutable once written: check each new one here, and all of them at the end.
                guard index >= verifiedBodies else { continue }
                let digest = try #require(entry.digest)
                #expect(try await reader.get(digest) == body(for: index), "round \(round): body of entry \(index) differs")
            }
            verifiedBodies = max(verifiedBodies, entries.count)
            // Batches are all-or-nothing: every batch marker's entries are all present.
            for entry in entries.dropFirst() {
                let parts = entry.header.metadata["batch"]?.split(separator: "/").compactMap { Int($0) } ?? []
                #expect(parts.count == 2 && parts[0] + parts[1] <= entries.count, "round \(round): batch \(parts) of entry \(entry.seq) is incomplete")
            }
        }
        let final = try open()
        for entry in try await final.readOwn(info.id, from: 1, limit: nil) {
            let digest = try #require(entry.digest)
            #expect(try await final.get(digest) == body(for: entry.seq), "after all rounds: body of entry \(entry.seq) differs")
        }
        #expect(acknowledged > rounds, "the writer acknowledged only \(acknowledged) entries in \(rounds) rounds; the test did not exercise much")
    }

    @Test(arguments: ["file", "sqlite", "s3"])
    func processesRacingOnOneLogNeverDoubleAppend(_ kind: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let (url, open) = try await store(kind, in: folder)
        let store = try open()
        let info = SessionInfo(id: SessionID.generate(at: clock), created: clock)
        _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: clock, source: "test")])
        let writers = 4, perWriter = 60
        let processes = try (0..<writers).map { try launch(["race", url, info.id.rawValue, "w\($0)", "\(perWriter)"]) }
        for (process, _) in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let entries = try await open().readOwn(info.id, from: 0, limit: nil)
        #expect(entries.count == 1 + writers * perWriter)
        #expect(entries.map(\.seq) == Array(0..<entries.count))
        let names = entries.dropFirst().map(\.header.name)
        #expect(Set(names).count == writers * perWriter, "duplicated or lost appends")
        for writer in 0..<writers {
            let own = names.filter { $0.hasPrefix("w\(writer)-") }
            #expect(own == (0..<perWriter).map { "w\(writer)-\($0)" }, "writer \(writer)'s appends are out of order")
        }
    }
}
