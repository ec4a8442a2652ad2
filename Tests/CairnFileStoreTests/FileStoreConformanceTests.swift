import CairnCore
import CairnFileStore
import CairnStoreConformance
import CairnTestSupport
import Testing

@Suite("File store conformance")
struct FileStoreConformanceTests {
    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let fixture = StoreFixture(
            make: { try FileStore(root: folder.path + "/\(UInt64.random(in: 0...UInt64.max))") },
            reopen: { store in
                guard let file = store as? FileStore else { throw CairnError.invalidArgument("not a file store") }
                return try FileStore(root: file.root)
            })
        try await StoreConformance.run(check, on: fixture)
    }
}
