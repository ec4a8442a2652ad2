import CairnCore
import Foundation

/// The object keys of an S3 store under its prefix (see Docs/s3-store.md):
///
///     blobs/<digest>                                  a body, raw or zstd (metadata cairn-encoding)
///     sessions/<id>/info.json                         the session, created with If-None-Match: *
///     sessions/<id>/log/<first seq, 20 digits>        one append batch, created with If-None-Match: *
///     sessions/<id>/segments/<first>-<end>            merged batches [first, end), written by compaction
///     sessions/<id>/manifest.json                     the segments, replaced by compare-and-swap on its ETag
///     timers/<id>                                     when a sleeping session is due (an index; the log is the truth)
struct S3Layout: Sendable {
    /// `""` or a prefix ending in `/`.
    let prefix: String

    /// Normalizes `prefix`: no leading slash, one trailing slash unless empty.
    init(prefix: String) {
        let trimmed = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.prefix = trimmed.isEmpty ? "" : trimmed + "/"
    }

    func blob(_ digest: Digest) -> String { prefix + "blobs/" + digest.hex }

    var sessions: String { prefix + "sessions/" }
    func session(_ id: SessionID) -> String { sessions + id.rawValue + "/" }
    func info(_ id: SessionID) -> String { session(id) + "info.json" }
    func manifest(_ id: SessionID) -> String { session(id) + "manifest.json" }
    func log(_ id: SessionID) -> String { session(id) + "log/" }
    func batch(_ id: SessionID, first: Int) -> String { log(id) + Self.pad(first) }
    func segment(_ id: SessionID, first: Int, end: Int) -> String { session(id) + "segments/" + Self.pad(first) + "-" + Self.pad(end) }

    var timers: String { prefix + "timers/" }
    func timer(_ id: SessionID) -> String { timers + id.rawValue }

    /// The key to list after so that a listing of `log/` starts at the batch beginning at `seq`.
    func listStart(_ id: SessionID, atOrAfter seq: Int) -> String? {
        seq > 0 ? batch(id, first: seq - 1) : nil
    }

    /// The first sequence number of a batch key under `log(id)`, or nil if the key is not one.
    func batchFirst(_ key: String, of id: SessionID) -> Int? {
        let logPrefix = log(id)
        guard key.hasPrefix(logPrefix) else { return nil }
        let digits = key.dropFirst(logPrefix.count)
        guard digits.count == 20, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
        return value
    }

    /// The session id of a key directly under `sessions/` (`sessions/<id>/`) or `timers/`.
    func sessionID(inPrefix text: String) -> SessionID? {
        guard text.hasPrefix(sessions) else { return nil }
        return try? SessionID(String(text.dropFirst(sessions.count).prefix { $0 != "/" }))
    }

    func sessionID(ofTimer key: String) -> SessionID? {
        guard key.hasPrefix(timers) else { return nil }
        return try? SessionID(String(key.dropFirst(timers.count)))
    }

    /// A sequence number as 20 zero-padded decimal digits, so that key order is numeric order.
    static func pad(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
