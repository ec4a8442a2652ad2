import CairnCore
import CairnStoreConformance
import Testing

@Suite("Memory work pool conformance")
struct MemoryWorkPoolTests {
    @Test(arguments: WorkPoolConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        try await WorkPoolConformance.run(check) { MemoryWorkPool() }
    }
}
