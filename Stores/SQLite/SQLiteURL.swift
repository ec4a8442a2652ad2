import CairnCore
import Foundation

/// A parsed `sqlite://` URL: `sqlite:///abs/path.db?durability=full|normal&busy_timeout=MS&blobs=inline|external`.
/// `sqlite://rel/path.db` is relative to the working directory; `localhost` as host is ignored.
struct SQLiteURL {
    var path: String
    var durability = SQLiteStore.Durability.full
    var busyTimeout = 10_000
    var blobs = SQLiteStore.BlobPlacement.inline

    /// - Throws: `CairnError.unsupportedStore` naming the bad part.
    init(_ url: URL) throws {
        guard url.scheme?.lowercased() == "sqlite", !url.path.isEmpty else {
            throw CairnError.unsupportedStore("'\(url.absoluteString)' is not a sqlite:///path/to/file.db URL")
        }
        path = url.path
        if let host = url.host, !host.isEmpty, host != "localhost" { path = host + path }
        for item in URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
            switch item.name {
            case "durability", "synchronous":
                guard let value = item.value.flatMap({ SQLiteStore.Durability(rawValue: $0.lowercased()) }) else {
                    throw CairnError.unsupportedStore("durability must be full or normal, not '\(item.value ?? "")'")
                }
                durability = value
            case "busy_timeout":
                guard let value = item.value.flatMap(Int.init), value >= 0 else {
                    throw CairnError.unsupportedStore("busy_timeout must be milliseconds, not '\(item.value ?? "")'")
                }
                busyTimeout = value
            case "blobs":
                guard let value = item.value.flatMap({ SQLiteStore.BlobPlacement(rawValue: $0.lowercased()) }) else {
                    throw CairnError.unsupportedStore("blobs must be inline or external, not '\(item.value ?? "")'")
                }
                blobs = value
            default:
                throw CairnError.unsupportedStore("unknown sqlite store option '\(item.name)' (known: durability, busy_timeout, blobs)")
            }
        }
    }
}
