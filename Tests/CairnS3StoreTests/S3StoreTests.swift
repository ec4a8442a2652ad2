import CairnCore
import CairnS3Store
import CairnTestSupport
import Foundation
import NIOCore
import Testing

@Suite("S3 store (moto on loopback)")
struct S3StoreTests {
    @Test func twoStoresRacingForOnePositionHaveExactlyOneWinner() async throws {
        let first = try await S3Fixture.store(compactEvery: nil)
        let second = try await S3Fixture.reopen(first, compactEvery: nil)
        let id = try await S3Fixture.newSession(in: first)
        #expect(try await second.ownHead(id).length == 1)
        let rounds = 12
        for round in 0..<rounds {
            let length = 1 + round
            async let a = Self.attempt(first, id, "a\(round)", at: length)
            async let b = Self.attempt(second, id, "b\(round)", at: length)
            let outcomes = try await [a, b]
            let winners = outcomes.filter { $0 == nil }.count
            #expect(winners == 1, "round \(round): \(winners) of 2 appends at \(length) succeeded")
            for case let actual? in outcomes {
                #expect(actual == length + 1, "round \(round): the loser saw length \(actual)")
            }
        }
        let entries = try await S3Fixture.reopen(first).readOwn(id, from: 0, limit: nil)
        #expect(entries.map(\.seq) == Array(0...rounds))
        for (round, entry) in entries.dropFirst().enumerated() {
            #expect(["a\(round)", "b\(round)"].contains(entry.header.name))
        }
        // Both instances made real conditional writes: the losers' PUTs were refused by the server.
        #expect(first.client.requestCounters["PUT"] + second.client.requestCounters["PUT"] >= 2 * rounds)
    }

    /// nil if the append won, else the actual length the conflict reported.
    static func attempt(_ store: S3Store, _ id: SessionID, _ name: String, at length: Int) async throws -> Int? {
        do {
            _ = try await store.append([S3Fixture.push(name)], to: id, expectedLength: length)
            return nil
        } catch CairnError.conflict(_, let expected, let actual) {
            #expect(expected == length)
            return actual
        }
    }

    @Test func compactionMergesBatchesIntoASegmentThatReadsUse() async throws {
        let store = try await S3Fixture.store(compactEvery: nil)
        let id = try await S3Fixture.newSession(in: store)
        for i in 1...200 {
            _ = try await store.append([S3Fixture.push("e\(i)")], to: id, expectedLength: i)
        }
        let coldBefore = try await S3Fixture.reopen(store, compactEvery: nil)
        let before = try await coldBefore.readOwn(id, from: 0, limit: nil)
        #expect(before.count == 201)
        #expect(
            coldBefore.client.requestCounters["GET"] >= 200,
            "a cold read of 200 batches without a segment made \(coldBefore.client.requestCounters["GET"]) GETs")

        let compaction = try #require(try await store.compact(session: id))
        #expect(compaction == S3Store.Compaction(first: 0, end: 201, batches: 201))
        #expect(try await store.compact(session: id) == nil, "a second compaction found something to merge")

        let coldAfter = try await S3Fixture.reopen(store, compactEvery: nil)
        let after = try await coldAfter.readOwn(id, from: 0, limit: nil)
        #expect(after == before)
        // info.json, manifest.json, the segment, and the last merged batch for the head.
        let gets = coldAfter.client.requestCounters["GET"]
        #expect(gets <= 4, "a cold read after compaction made \(gets) GETs; it should read the one segment")
        #expect(try await coldAfter.readOwn(id, from: 150, limit: 3).map(\.header.name) == ["e150", "e151", "e152"])
        #expect(try await coldAfter.ownHead(id).last?.header.name == "e200")

        // Batch objects are never deleted: they fence stale writers.
        let prefix = store.options.prefix + "/sessions/\(id)/"
        let batches = try await store.client.listObjects(prefix: prefix + "log/")
        #expect(batches.objects.count == 201)
        await #expect(throws: CairnError.conflict(session: id, expected: 7, actual: 201)) {
            _ = try await coldAfter.append([S3Fixture.push("stale")], to: id, expectedLength: 7)
        }

        // An instance that saw length 201 and then paused: its cached witness is still true, but
        // the position is taken by the time it writes, and the batch key that fences it survives compaction.
        let stale = try await S3Fixture.reopen(store, compactEvery: nil)
        #expect(try await stale.ownHead(id).length == 201)

        // New appends land in the tail after the manifest; reads join segment and tail.
        for i in 201..<211 {
            _ = try await coldAfter.append([S3Fixture.push("e\(i)")], to: id, expectedLength: i)
        }
        let joined = try await S3Fixture.reopen(store, compactEvery: nil).readOwn(id, from: 195, limit: nil)
        #expect(joined.map(\.header.name) == (195..<211).map { "e\($0)" })
        #expect(try await store.compact(session: id) == S3Store.Compaction(first: 201, end: 211, batches: 10))
        let all = try await S3Fixture.reopen(store, compactEvery: nil).readOwn(id, from: 0, limit: nil)
        #expect(all.map(\.seq) == Array(0..<211))
        await #expect(throws: CairnError.conflict(session: id, expected: 201, actual: 211)) {
            _ = try await stale.append([S3Fixture.push("stale")], to: id, expectedLength: 201)
        }
    }

    @Test func racingCompactionsAgreeOnOneManifest() async throws {
        let store = try await S3Fixture.store(compactEvery: nil)
        let id = try await S3Fixture.newSession(in: store)
        for i in 1...30 {
            _ = try await store.append([S3Fixture.push("e\(i)")], to: id, expectedLength: i)
        }
        let others = [store, try await S3Fixture.reopen(store, compactEvery: nil), try await S3Fixture.reopen(store, compactEvery: nil)]
        let results = try await withThrowingTaskGroup(of: S3Store.Compaction?.self) { group in
            for other in others { group.addTask { try await other.compact(session: id) } }
            return try await group.reduce(into: [S3Store.Compaction?]()) { $0.append($1) }
        }
        #expect(results.compactMap { $0 } == [S3Store.Compaction(first: 0, end: 31, batches: 31)], "\(results)")
        let reader = try await S3Fixture.reopen(store, compactEvery: nil)
        #expect(try await reader.readOwn(id, from: 0, limit: nil).map(\.header.name).dropFirst() == ArraySlice((1...30).map { "e\($0)" }))
        #expect(reader.client.requestCounters["GET"] <= 4)
    }

    @Test func compactionRunsInTheBackgroundAfterEnoughAppends() async throws {
        let store = try await S3Fixture.store(compactEvery: 8)
        let id = try await S3Fixture.newSession(in: store)
        for i in 1...20 {
            _ = try await store.append([S3Fixture.push("e\(i)")], to: id, expectedLength: i)
        }
        let manifest = store.options.prefix + "/sessions/\(id)/manifest.json"
        let deadline = ContinuousClock.now + .seconds(10)
        while try await store.client.headObject(manifest) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await store.client.headObject(manifest) != nil, "no manifest 10 s after 20 appends with compactEvery 8")
        let entries = try await S3Fixture.reopen(store).readOwn(id, from: 0, limit: nil)
        #expect(entries.map(\.header.name).dropFirst() == ArraySlice((1...20).map { "e\($0)" }))
    }

    @Test func aDamagedBatchIsReportedAsCorruptNeverRead() async throws {
        let store = try await S3Fixture.store(compactEvery: nil)
        let id = try await S3Fixture.newSession(in: store)
        _ = try await store.append([S3Fixture.push("good")], to: id, expectedLength: 1)
        let key = store.options.prefix + "/sessions/\(id)/log/" + String(repeating: "0", count: 19) + "1"
        guard case .object(let object) = try await store.client.getObject(key) else {
            Issue.record("batch object \(key) not found")
            return
        }
        var damaged = object.body
        damaged[damaged.count - 2] ^= 0xFF
        _ = try await store.client.putObject(key, body: damaged, contentType: "application/octet-stream", metadata: object.info.metadata)
        let reader = try await S3Fixture.reopen(store)
        await #expect(throws: CairnError.self) { _ = try await reader.readOwn(id, from: 0, limit: nil) }
        do {
            _ = try await reader.readOwn(id, from: 0, limit: nil)
        } catch CairnError.corrupt(let message) {
            #expect(message.contains(key) && message.contains("SHA-256"))
        }
    }

    @Test func largeBlobsRoundTripAndStream() async throws {
        let store = try await S3Fixture.store()
        var generator = SystemRandomNumberGenerator()
        let random = Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let compressible = Data(repeating: 0x41, count: 12 << 20)
        for data in [random, compressible] {
            let digest = try await store.put(data)
            #expect(try await store.get(digest) == data)
            let encoding = try await store.storedEncoding(of: digest)
            #expect(encoding == (data == compressible ? "zstd" : ""))
            var streamed = 0
            let info = try await store.client.streamObject(store.options.prefix + "/blobs/" + digest.hex) { streamed += $0.readableBytes }
            #expect(info != nil && Int64(streamed) == info?.size)
        }
        // A second put of a large body finds it with HEAD and uploads nothing.
        let other = try await S3Fixture.reopen(store)
        let puts = other.client.requestCounters["PUT"]
        _ = try await other.put(random)
        #expect(other.client.requestCounters["PUT"] == puts)
    }

    @Test func staleTimersAreDeletedAndLiveOnesKept() async throws {
        let client = try await S3Fixture.client()
        let store = S3Store(client: client, options: .init(prefix: "t", staleTimerGrace: .zero))
        let id = try await S3Fixture.newSession(in: store)
        let due = S3Fixture.clock.addingTimeInterval(5)
        let sleep = EntryDraft(
            event: .sleep, header: ObjectHeader(metadata: [MetadataKeys.until: Timestamps.format(due)]), time: S3Fixture.clock, source: "test")
        let sleeper = try await S3Fixture.newSession(in: store)
        _ = try await store.append([sleep], to: sleeper, expectedLength: 1)
        // A timer left by a writer that crashed before its append: the session does not sleep.
        _ = try await client.putObject("t/timers/\(id)", body: Data(String(Timestamps.milliseconds(due)).utf8), contentType: "text/plain")
        try await Task.sleep(for: .milliseconds(1100))  // moto's Last-Modified has whole seconds
        #expect(try await store.dueTimers(at: due).map(\.session) == [sleeper])
        #expect(try await client.headObject("t/timers/\(id)") == nil, "the stale timer was kept")
        #expect(try await client.headObject("t/timers/\(sleeper)") != nil, "the live timer was deleted")
    }

    @Test func urlsAndOptionsAreParsedAndBadOnesNamed() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_REGION": "eu-west-3"]
        let store = try S3Store(url: #require(URL(string: "s3://bucket/some/prefix?endpoint=http://127.0.0.1:9000&compact_every=0")), environment: environment)
        #expect(store.client.configuration.bucket == "bucket")
        #expect(store.client.configuration.region == "eu-west-3")
        #expect(store.client.configuration.pathStyle)
        #expect(store.options.prefix == "/some/prefix")
        #expect(store.options.compactEvery == nil)
        let aws = try S3Store(url: #require(URL(string: "s3://bucket?region=us-west-2&max_attempts=2&timeout=1.5")), environment: environment)
        #expect(aws.client.configuration.region == "us-west-2" && !aws.client.configuration.pathStyle && aws.client.configuration.maxAttempts == 2)
        #expect(aws.client.configuration.endpoint == nil)
        for bad in ["s3://bucket?colour=red", "s3://bucket?path_style=maybe", "s3://bucket?endpoint=ftp://x", "s3:///prefix", "s3://b?max_attempts=0"] {
            #expect(throws: CairnError.self, "\(bad)") { try S3Store(url: #require(URL(string: bad)), environment: environment) }
        }
        #expect(throws: CairnError.self) { try S3Store(url: #require(URL(string: "s3://bucket")), environment: ["HOME": "/nonexistent"]) }
    }

    @Test func credentialsComeFromTheEnvironmentOrTheSharedFile() throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let file = folder.path + "/credentials"
        try Data(
            """
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = defaultsecret

            [work]
            aws_access_key_id=WORKKEY
            aws_secret_access_key=worksecret
            aws_session_token=worktoken
            """.utf8
        ).write(to: URL(fileURLWithPath: file))
        let fromFile = try S3Credentials.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": file])
        #expect(fromFile == S3Credentials(accessKeyID: "DEFAULTKEY", secretAccessKey: "defaultsecret"))
        let profile = try S3Credentials.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "work"])
        #expect(profile == S3Credentials(accessKeyID: "WORKKEY", secretAccessKey: "worksecret", sessionToken: "worktoken"))
        let environment = try S3Credentials.resolve(environment: ["AWS_ACCESS_KEY_ID": "E", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SHARED_CREDENTIALS_FILE": file])
        #expect(environment == S3Credentials(accessKeyID: "E", secretAccessKey: "S"))
        #expect(throws: CairnError.self) { try S3Credentials.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "none"]) }
        #expect(throws: CairnError.self) { try S3Credentials.resolve(environment: ["AWS_ACCESS_KEY_ID": "E"]) }
    }
}
