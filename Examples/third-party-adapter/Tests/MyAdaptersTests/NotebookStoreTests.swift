import CairnCore
import CairnStoreConformance
import Foundation
import MyAdapters
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("notebook:// store")
struct NotebookStoreTests {
    /// A fresh notebook per check; `reopen` opens a second instance over the same file.
    static let fixture = StoreFixture(
        make: { try NotebookStore(path: try temporaryFolder() + "/notes.json") },
        reopen: { store in
            guard let notebook = store as? NotebookStore else { throw CairnError.invalidArgument("not a notebook store: \(store)") }
            return try NotebookStore(path: notebook.path)
        })

    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        try await StoreConformance.run(check, on: Self.fixture)
    }

    @Test func everyAcknowledgedWriteIsInTheFile() async throws {
        let path = try temporaryFolder() + "/notes.json"
        let store = try NotebookStore(path: path)
        let sessions = Sessions(store: store)
        let info = try await sessions.create(agent: "writer", source: "test")
        try await sessions.push(Data("hello".utf8), header: ObjectHeader(contentType: "text/plain", name: "greeting"), to: info.id, source: "test")

        // Read the file as any JSON reader would: the session, its two entries, the blob.
        struct File: Decodable {
            struct Session: Decodable {
                struct Entry: Decodable { var seq: Int; var event: String; var digest: String? }
                var id: String
                var agent: String
                var entries: [Entry]
            }
            var format: String
            var version: Int
            var sessions: [Session]
            var blobs: [String: Data]
        }
        let file = try JSONDecoder().decode(File.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.format == "cairn-notebook" && file.version == 1)
        #expect(file.sessions.map(\.id) == [info.id.rawValue] && file.sessions.first?.agent == "writer")
        #expect(file.sessions.first?.entries.map(\.seq) == [0, 1])
        #expect(file.sessions.first?.entries.map(\.event) == ["start", "push"])
        let digest = try #require(file.sessions.first?.entries.last?.digest)
        #expect(file.blobs[digest] == Data("hello".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"), "the temporary file is renamed away after each write")
    }

    @Test func anotherOpenerOfTheFileIsLockedOut() async throws {
        let path = try temporaryFolder() + "/notes.json"
        _ = try NotebookStore(path: path)
        // A second open file description stands for another process: its lock must fail.
        let descriptor = open(path + ".lock", O_RDWR)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK)
    }

    @Test func urlsAndMissingFilesGetClearErrors() async throws {
        var components = Components()
        NotebookStore.register(in: &components)
        let folder = try temporaryFolder()

        let store = try components.stores.open("notebook://\(folder)/new.json", create: true)
        #expect(store is NotebookStore && FileManager.default.fileExists(atPath: folder + "/new.json"))

        #expect(
            throws: CairnError.invalidArgument(
                "no notebook at \(folder)/absent.json; create one with 'start -b notebook://\(folder)/absent.json' (or any command that creates its store, such as 'agent run')"
            )
        ) {
            _ = try components.stores.open("notebook://\(folder)/absent.json", create: false)
        }
        #expect(
            throws: CairnError.unsupportedStore(
                "'notebook://notes.json' names a host ('notes.json'); a notebook URL has three slashes and an absolute path: notebook:///abs/path/notes.json")
        ) {
            _ = try components.stores.open("notebook://notes.json")
        }
        #expect(throws: CairnError.invalidArgument("notebook path 'notes.json' is relative; give an absolute path, e.g. notebook:///tmp/notes.json")) {
            _ = try NotebookStore(path: "notes.json")
        }
    }

    @Test func aDamagedFileIsReportedNotGuessedAt() async throws {
        let folder = try temporaryFolder()
        try Data("{\"format\": \"something-else\", \"version\": 1, \"sessions\": [], \"blobs\": {}}".utf8).write(
            to: URL(fileURLWithPath: folder + "/other.json"))
        #expect(throws: CairnError.corrupt("\(folder)/other.json is a 'something-else' document of version 1; this build reads cairn-notebook version 1")) {
            _ = try NotebookStore(path: folder + "/other.json")
        }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: folder + "/garbage.json"))
        do {
            _ = try NotebookStore(path: folder + "/garbage.json")
            Issue.record("a file that is not JSON was opened")
        } catch let error as CairnError {
            guard case .corrupt(let message) = error else { throw error }
            #expect(message.contains("is not a Cairn notebook"))
        }
    }
}
