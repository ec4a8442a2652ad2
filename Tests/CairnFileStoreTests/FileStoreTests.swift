import CairnCore
import CairnFileStore
import CairnTestSupport
import CairnZstd
import Foundation
import Testing

@Suite("File store")
struct FileStoreTests {
    let folder = TemporaryFolder()
    let clock = Date(timeIntervalSince1970: 1_800_000_000)

    func makeSession(_ store: FileStore, entries: Int) async throws -> SessionID {
        let info = SessionInfo(id: SessionID.generate(at: clock), created: clock)
        _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: clock, source: "test")])
        for i in 1...max(1, entries) where entries > 0 {
            _ = try await store.append(
                [EntryDraft(event: .push, header: ObjectHeader(name: "e\(i)"), time: clock, source: "test")], to: info.id, expectedLength: i)
        }
        return info.id
    }

    func logPath(_ store: FileStore, _ id: SessionID) -> String { store.root + "/sessions/\(id)/log" }

    func appendBytes(_ bytes: [UInt8], to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        try handle.close()
    }

    @Test func aTornTailIsNeverReadAndIsDiscardedByTheNextAppend() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let id = try await makeSession(store, entries: 3)
        let path = logPath(store, id)
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        // A writer died mid-record: a header that promises more payload than was written.
        try appendBytes(Array("CRN1".utf8) + [200, 0, 0, 0, 1, 2, 3, 4] + Array("[{\"s\":4,".utf8), to: path)
        let reopened = try FileStore(root: folder.path)
        #expect(try await reopened.readOwn(id, from: 0, limit: nil).map(\.seq) == [0, 1, 2, 3])
        #expect(try await reopened.ownHead(id).length == 4)
        _ = try await reopened.append([EntryDraft(event: .push, header: ObjectHeader(name: "after"), time: clock, source: "test")], to: id, expectedLength: 4)
        let again = try FileStore(root: folder.path)
        #expect(try await again.readOwn(id, from: 0, limit: nil).map(\.header.name) == ["", "e1", "e2", "e3", "after"])
        let sizeAfter = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(sizeAfter.map { $0 > (sizeBefore ?? 0) } == true)
    }

    @Test func randomGarbageAtTheTailIsATornTail() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let id = try await makeSession(store, entries: 2)
        try appendBytes((0..<37).map { _ in UInt8.random(in: 0...255) }, to: logPath(store, id))
        let reopened = try FileStore(root: folder.path)
        #expect(try await reopened.ownHead(id).length == 3)
        _ = try await reopened.append([EntryDraft(event: .push, time: clock, source: "test")], to: id, expectedLength: 3)
        #expect(try await FileStore(root: folder.path).readOwn(id, from: 0, limit: nil).count == 4)
    }

    @Test func corruptionInTheMiddleIsReportedNotHidden() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let id = try await makeSession(store, entries: 4)
        let path = logPath(store, id)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let reopened = try FileStore(root: folder.path)
        await #expect(throws: CairnError.self) { _ = try await reopened.readOwn(id, from: 0, limit: nil) }
        await #expect(throws: CairnError.self) {
            _ = try await reopened.append([EntryDraft(event: .push, time: clock, source: "test")], to: id, expectedLength: 5)
        }
        // Nothing was truncated: the damaged file is as it was.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func compressibleBlobsAreStoredWithZstdAndOthersRaw() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let text = Data(String(repeating: "cairn stones mark the trail. ", count: 40_000).utf8)
        let digest = try await store.put(text)
        let stored = try await store.getStored(digest)
        #expect(stored.encoding == "zstd")
        #expect(stored.bytes.count < text.count / 20)
        #expect(try Zstd.decompress(stored.bytes) == text)
        #expect(try await store.get(digest) == text)
        #expect(try await store.storedEncoding(of: digest) == "zstd")

        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let noiseDigest = try await store.put(noise)
        #expect(try await store.getStored(noiseDigest).encoding == "")
        #expect(FileManager.default.fileExists(atPath: store.root + "/blobs/\(noiseDigest.hex.prefix(2))/\(noiseDigest.hex)"))
    }

    @Test func aDamagedBlobFailsItsDigest() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        var generator = SystemRandomNumberGenerator()
        let body = Data((0..<40_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let digest = try await store.put(body)
        try Data(repeating: 7, count: body.count).write(to: URL(fileURLWithPath: store.root + "/blobs/\(digest.hex.prefix(2))/\(digest.hex)"))
        await #expect(throws: CairnError.self) { _ = try await store.get(digest) }
    }

    @Test func smallBodiesArePackedGroupCommittedAndSharedBetweenInstances() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let bodies = (0..<200).map { Data("small body \($0)".utf8) }
        let digests = try await withThrowingTaskGroup(of: Digest.self) { group in
            for body in bodies { group.addTask { try await store.put(body) } }
            return try await group.reduce(into: [Digest]()) { $0.append($1) }
        }
        #expect(Set(digests) == Set(bodies.map { Digest(of: $0) }))
        let packs = try FileManager.default.contentsOfDirectory(atPath: store.root + "/packs")
        #expect(packs == ["000000.pack"])
        #expect(!FileManager.default.fileExists(atPath: store.root + "/blobs/\(digests[0].hex.prefix(2))/\(digests[0].hex)"))
        let other = try FileStore(root: folder.path)
        for body in bodies { #expect(try await other.get(Digest(of: body)) == body) }
        // Putting again through another instance adds nothing.
        let size = try FileManager.default.attributesOfItem(atPath: store.root + "/packs/000000.pack")[.size] as? Int
        _ = try await other.put(bodies[0])
        #expect(try FileManager.default.attributesOfItem(atPath: store.root + "/packs/000000.pack")[.size] as? Int == size)
    }

    @Test func aTornPackTailIsNeverReadAndIsCutByTheNextWriter() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let kept = try await store.put(Data("acknowledged".utf8))
        try appendBytes(Array("CBP1".utf8) + [100, 0, 0, 0, 9, 9, 9, 9] + Array(repeating: 1, count: 20), to: store.root + "/packs/000000.pack")
        let reopened = try FileStore(root: folder.path)
        #expect(try await reopened.get(kept) == Data("acknowledged".utf8))
        let added = try await reopened.put(Data("after the tear".utf8))
        let again = try FileStore(root: folder.path)
        #expect(try await again.get(added) == Data("after the tear".utf8))
        #expect(try await again.get(kept) == Data("acknowledged".utf8))
    }

    @Test func aDamagedPackIsReportedKeptAsItIsAndWritesMoveToANewPack() async throws {
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path)
        let first = try await store.put(Data("first body".utf8))
        _ = try await store.put(Data("second body".utf8))
        let path = store.root + "/packs/000000.pack"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[50] ^= 0xFF  // inside the first record's body
        try bytes.write(to: URL(fileURLWithPath: path))
        let reopened = try FileStore(root: folder.path)
        await #expect(throws: CairnError.self) { _ = try await reopened.get(first) }
        let third = try await reopened.put(Data("third body".utf8))
        #expect(try await reopened.get(third) == Data("third body".utf8))
        #expect(FileManager.default.fileExists(atPath: store.root + "/packs/000001.pack"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "the damaged pack was changed")
    }

    @Test func aMissingStoreIsOnlyCreatedWhenAskedTo() throws {
        defer { folder.cleanup() }
        #expect(throws: CairnError.self) { try FileStore(root: folder.path + "/absent", create: false) }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/absent"))
        _ = try FileStore(root: folder.path + "/absent", create: true)
        _ = try FileStore(root: folder.path + "/absent", create: false)
    }

    @Test func fileURLsOpenTheStore() throws {
        defer { folder.cleanup() }
        let url = try #require(URL(string: "file://" + folder.path + "/nested"))
        let store = try FileStore(url: url)
        #expect(store.root == folder.path + "/nested")
        let s3 = try #require(URL(string: "s3://bucket/x"))
        #expect(throws: CairnError.self) { try FileStore(url: s3) }
    }
}
