import CairnCore
import CairnStoreConformance
import Testing

@Suite("Memory store conformance")
struct MemoryStoreConformanceTests {
    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        try await StoreConformance.run(check, on: StoreFixture(make: { MemoryStore() }, reopen: { $0 }))
    }
}
