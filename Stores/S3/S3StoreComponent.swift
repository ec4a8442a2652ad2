import CairnCore
import Foundation

extension S3Store {
    /// Registers the `s3://` store scheme (`s3://bucket/prefix?endpoint=...`) in `components`.
    public static func register(in components: inout Components) {
        components.stores.register(scheme: "s3") { url, create in try S3Store(url: url, create: create) }
    }
}
