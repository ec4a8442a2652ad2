public import CairnCore
import Foundation

extension SQLiteStore {
    /// Registers the `sqlite://` store scheme and its work pools (`sqlite:///var/cairn/cairn.db`)
    /// in `components`.
    public static func register(in components: inout Components) {
        components.stores.register(scheme: "sqlite", summary: "one SQLite file (WAL, group commit), with work pools") { url, create in
            try SQLiteStore(url: url, create: create)
        }
        components.stores.registerPools(scheme: "sqlite") { url in try SQLiteWorkPool(url: url) }
    }
}
