public import CairnCore
import Foundation

extension FileStore {
    /// Registers the `file://` store scheme (`file:///var/cairn`) in `components`.
    public static func register(in components: inout Components) {
        components.stores.register(scheme: "file", summary: "a folder: checksummed records, fsync, zstd blobs") { url, create in
            try FileStore(url: url, create: create)
        }
    }
}
