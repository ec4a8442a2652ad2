import CairnCore
import CairnS3Store
import CairnStoreConformance
import Testing

@Suite("S3 store conformance (moto on loopback)")
struct S3StoreConformanceTests {
    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        let fixture = StoreFixture(
            make: { try await S3Fixture.store() },
            reopen: { store in
                guard let s3 = store as? S3Store else { throw CairnError.invalidArgument("not an S3 store") }
                return try await S3Fixture.reopen(s3)
            })
        try await StoreConformance.run(check, on: fixture)
    }
}
