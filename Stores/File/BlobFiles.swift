import CairnCore
import CairnZstd
import Foundation

/// Content-addressed bodies under `blobs/`: zstd-compressed when that saves at least 1/16th.
struct BlobFiles {
    let root: String
    static let compressionThreshold = 128

    private func base(_ digest: Digest) -> String {
        "\(root)/blobs/\(digest.hex.prefix(2))/\(digest.hex)"
    }

    /// The path of the stored blob and whether it is compressed, or nil if absent.
    func location(of digest: Digest) -> (path: String, compressed: Bool)? {
        let raw = base(digest)
        if FileIO.exists(raw) { return (raw, false) }
        if FileIO.exists(raw + ".zst") { return (raw + ".zst", true) }
        return nil
    }

    func put(_ data: Data) throws -> Digest {
        let digest = Digest(of: data)
        if location(of: digest) != nil { return digest }
        var bytes = data
        var path = base(digest)
        if data.count >= BlobFiles.compressionThreshold,
           let compressed = try? Zstd.compress(data), compressed.count < data.count - data.count / 16 {
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

    func getStored(_ digest: Digest) throws -> StoredBlob {
        guard let (path, compressed) = location(of: digest), let bytes = try FileIO.readFile(path) else {
            throw CairnError.blobNotFound(digest)
        }
        return StoredBlob(bytes: bytes, encoding: compressed ? "zstd" : "")
    }

    func get(_ digest: Digest) throws -> Data {
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
