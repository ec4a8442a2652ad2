public import CairnCore
import Foundation

extension S3Store {
    /// Registers the `s3://` store scheme (`s3://bucket/prefix?endpoint=...`) in `components`.
    public static func register(in components: inout Components) {
        components.stores.register(scheme: "s3", summary: "an S3 bucket (conditional PUTs, segments)") { url, create in try S3Store(url: url, create: create) }
    }
}
