import CairnCore
import Foundation

enum BlobChecks {
    @Sendable static func roundTrip(_ fixture: StoreFixture) async throws {
        let check = "blob round trip"
        let store = try await fixture.make()
        var random = SystemRandomNumberGenerator()
        let samples: [Data] = [
            Data(),
            Data("hello".utf8),
            Data(repeating: 0x61, count: 1 << 20),
            Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }),
        ]
        for sample in samples {
            let digest = try await store.put(sample)
            try Kit.require(digest == Digest(of: sample), check, "put returned \(digest), expected the SHA-256 \(Digest(of: sample))")
            let again = try await store.put(sample)
            try Kit.require(again == digest, check, "a second put of the same bytes returned another digest")
            try Kit.require(try await store.contains(digest), check, "contains is false right after put")
            let read = try await store.get(digest)
            try Kit.require(read == sample, check, "get returned \(read.count) bytes that differ from the \(sample.count) put")
            let stored = try await store.getStored(digest)
            try Kit.require(["", "zstd"].contains(stored.encoding), check, "getStored reports unknown encoding '\(stored.encoding)'")
            if stored.encoding.isEmpty {
                try Kit.require(stored.bytes == sample, check, "getStored with no encoding returned other bytes")
            }
        }
    }

    @Sendable static func missing(_ fixture: StoreFixture) async throws {
        let check = "missing blob"
        let store = try await fixture.make()
        let digest = Digest(of: Data("never stored".utf8))
        try Kit.require(try await store.contains(digest) == false, check, "contains is true for a blob never stored")
        try await Kit.expectError(check, "get of a missing blob", { ($0 as? CairnError) == .blobNotFound(digest) }) {
            _ = try await store.get(digest)
        }
    }
}
