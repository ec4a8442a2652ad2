public import CairnCore
import CairnZstd
public import Foundation

/// Content-addressed bodies in a folder: `ROOT/blobs/ab/abcdef…` (raw) or `….zst` (zstd), written
/// through `ROOT/tmp`. zstd is used when a body of at least 128 bytes shrinks by at least 1/16th.
/// Blobs are durable (temporary file, fsync, rename, directory fsync) when `put` returns, and
/// verified against their digest when read.
public struct BlobFolder: Sendable {
    /// The folder holding `blobs/` and `tmp/`.
    public let root: String
    static let compressionThreshold = 128

    /// A blob folder in `root` (which must contain `blobs/` and `tmp/`, see ``create(root:)``).
    public init(root: String) {
        self.root = root
    }

    /// Creates `root`, `root/blobs` and `root/tmp` if missing.
    /// - Throws: `CairnError.storage`.
    /// Files left in `tmp/` by writers that crashed more than an hour ago are removed.
    public static func create(root: String) throws -> BlobFolder {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileIO.makeDirectory(root + "/blobs")
        try FileIO.makeDirectory(root + "/tmp")
        let folder = BlobFolder(root: root)
        folder.removeStaleTemporaries()
        return folder
    }

    /// Removes what crashed writers left in `tmp/` more than an hour ago (younger files may belong
    /// to writers still running in other processes).
    public func removeStaleTemporaries() {
        let tmp = root + "/tmp"
        let cutoff = Date().addingTimeInterval(-3600)
        for name in (try? FileIO.listDirectory(tmp)) ?? [] {
            let path = tmp + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    private func base(_ digest: Digest) -> String {
        "\(root)/blobs/\(digest.hex.prefix(2))/\(digest.hex)"
    }

    /// The path of the stored blob and whether it is compressed, or nil if absent.
    public func location(of digest: Digest) -> (path: String, compressed: Bool)? {
        let raw = base(digest)
        if FileIO.exists(raw) { return (raw, false) }
        if FileIO.exists(raw + ".zst") { return (raw + ".zst", true) }
        return nil
    }

    /// Stores `data` (idempotently) and returns its digest; durable on return.
    /// - Throws: `CairnError.storage`.
    public func put(_ data: Data) throws -> Digest {
        let digest = Digest(of: data)
        if let existing = location(of: digest) {
            // Another writer may have renamed it in without having synced the directory yet.
            try FileIO.syncDirectory((existing.path as NSString).deletingLastPathComponent)
            return digest
        }
        var bytes = data
        var path = base(digest)
        if data.count >= BlobFolder.compressionThreshold,
            let compressed = try? Zstd.compress(data), compressed.count < data.count - data.count / 16
        {
            bytes = compressed
            path += ".zst"
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !FileIO.exists(folder) {
            try FileIO.makeDirectory(folder)
            try FileIO.syncDirectory(root + "/blobs")
        }
        try FileIO.writeAtomically(bytes, to: path, tmpDirectory: root + "/tmp")
        return digest
    }

    /// The blob as stored.
    /// - Throws: `CairnError.blobNotFound`, `CairnError.storage`.
    public func getStored(_ digest: Digest) throws -> StoredBlob {
        guard let (path, compressed) = location(of: digest), let bytes = try FileIO.readFile(path) else {
            throw CairnError.blobNotFound(digest)
        }
        return StoredBlob(bytes: bytes, encoding: compressed ? "zstd" : "")
    }

    /// The decoded blob, verified against its digest.
    /// - Throws: `CairnError.blobNotFound`, `CairnError.corrupt`, `CairnError.storage`.
    public func get(_ digest: Digest) throws -> Data {
        let stored = try getStored(digest)
        var data = stored.bytes
        if stored.encoding == "zstd" {
            do { data = try Zstd.decompress(stored.bytes) } catch {
                throw CairnError.corrupt("blob \(digest): \(error)")
            }
        }
        guard Digest(of: data) == digest else {
            throw CairnError.corrupt("blob \(digest) does not match its digest (the file under \(root)/blobs was damaged)")
        }
        return data
    }
}
