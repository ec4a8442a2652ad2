import CairnCore
import CairnS3Store
import CairnTestSupport
import Foundation

/// S3 stores on the shared moto server, each in a bucket of its own.
enum S3Fixture {
    static let credentials = S3Credentials(accessKeyID: "test", secretAccessKey: "test")

    /// A client for a new bucket (created) on moto.
    static func client(bucket: String? = nil, create: Bool = true) async throws -> S3Client {
        let server = try MotoServer.shared()
        let configuration = S3ClientConfiguration(
            bucket: bucket ?? MotoServer.uniqueBucket(), region: "us-east-1", endpoint: URL(string: server.url), credentials: credentials,
            maxAttempts: 3, requestTimeout: .seconds(20))
        let client = S3Client(configuration: configuration)
        if create { try await client.createBucket() }
        return client
    }

    /// A store in a new bucket.
    static func store(prefix: String = "cairn", compactEvery: Int? = 64) async throws -> S3Store {
        S3Store(client: try await client(), options: .init(prefix: prefix, compactEvery: compactEvery))
    }

    /// Another instance over the same bucket and prefix, with its own client and caches.
    static func reopen(_ store: S3Store, compactEvery: Int? = 64) async throws -> S3Store {
        let client = try await client(bucket: store.client.configuration.bucket, create: false)
        return S3Store(client: client, options: .init(prefix: store.options.prefix, compactEvery: compactEvery))
    }

    static let clock = Date(timeIntervalSince1970: 1_800_000_000)

    static func push(_ name: String) -> EntryDraft {
        EntryDraft(event: .push, header: ObjectHeader(contentType: "text/plain", name: name), time: clock, source: "test")
    }

    static func newSession(in store: any Store) async throws -> SessionID {
        let info = SessionInfo(id: SessionID.generate(at: clock), created: clock)
        _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: clock, source: "test")])
        return info.id
    }
}
