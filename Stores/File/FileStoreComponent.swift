import CairnCore
import Foundation

extension FileStore {
    /// Registers the `file://` store scheme (`file:///var/cairn`) in `components`.
    public static func register(in components: inout Components) {
        components.stores.register(scheme: "file") { url, create in try FileStore(url: url, create: create) }
    }
}
