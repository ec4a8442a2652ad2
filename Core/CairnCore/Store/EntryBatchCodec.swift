public import Foundation

/// A compact binary encoding of a batch of entries, for stores that keep batches as bytes (the
/// file store's records, the S3 store's log objects). A varint entry count, then per entry
///
///     seq varint | event str | content-type str | content-encoding str | schema-url str | name str
///     | metadata: count varint, then key str, value str | digest: 0, or 1 and 64 hex bytes
///     | size varint | time: milliseconds since 1970, zigzag varint | source str
///
/// where `str` is a varint byte length followed by UTF-8 bytes. It carries no checksum of its own:
/// stores protect it with theirs.
public enum EntryBatchCodec {
    /// Encodes a batch.
    public static func encode(_ entries: [Entry]) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(entries.count * 96)
        putVarint(UInt64(entries.count), &out)
        for entry in entries {
            putVarint(UInt64(entry.seq), &out)
            putString(entry.event.name, &out)
            putString(entry.header.contentType, &out)
            putString(entry.header.contentEncoding, &out)
            putString(entry.header.schemaURL, &out)
            putString(entry.header.name, &out)
            putVarint(UInt64(entry.header.metadata.count), &out)
            for key in entry.header.metadata.keys.sorted() {
                putString(key, &out)
                putString(entry.header.metadata[key] ?? "", &out)
            }
            if let digest = entry.digest {
                out.append(1)
                out.append(contentsOf: digest.hex.utf8)
            } else {
                out.append(0)
            }
            putVarint(UInt64(entry.size), &out)
            let millis = Timestamps.milliseconds(entry.time)
            putVarint(UInt64(bitPattern: (millis << 1) ^ (millis >> 63)), &out)
            putString(entry.source, &out)
        }
        return Data(out)
    }

    /// The bytes are not a batch; the description says where they went wrong.
    public struct Malformed: Error, CustomStringConvertible {
        /// What was wrong.
        public let description: String
    }

    /// The entry count and the first entry's sequence number, without decoding the rest.
    /// - Throws: ``Malformed``.
    public static func peek(_ bytes: UnsafeRawBufferPointer) throws -> (count: Int, firstSeq: Int) {
        var reader = Reader(bytes: bytes)
        let count = try reader.int()
        return (count, count > 0 ? try reader.int() : 0)
    }

    /// Decodes a batch; every byte must belong to it.
    /// - Throws: ``Malformed``.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> [Entry] {
        var reader = Reader(bytes: bytes)
        let count = try reader.int()
        guard count <= bytes.count else { throw Malformed(description: "entry count \(count) exceeds the record") }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let seq = try reader.int()
            let event = EventKind(name: try reader.string())
            var header = ObjectHeader(
                contentType: try reader.string(), contentEncoding: try reader.string(),
                schemaURL: try reader.string(), name: try reader.string())
            let metadataCount = try reader.int()
            for _ in 0..<metadataCount {
                let key = try reader.string()
                header.metadata[key] = try reader.string()
            }
            var digest: Digest?
            if try reader.byte() == 1 {
                digest = try Digest(hex: try reader.string(length: 64))
            }
            let size = try reader.int()
            let zigzag = try reader.varint()
            let millis = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            let source = try reader.string()
            entries.append(
                Entry(
                    seq: seq, event: event, header: header, digest: digest, size: size,
                    time: Timestamps.date(milliseconds: millis), source: source))
        }
        guard reader.position == bytes.count else { throw Malformed(description: "\(bytes.count - reader.position) trailing bytes") }
        return entries
    }

    private static func putVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func putString(_ text: String, _ out: inout [UInt8]) {
        let utf8 = text.utf8
        putVarint(UInt64(utf8.count), &out)
        out.append(contentsOf: utf8)
    }

    /// Decodes a batch held in `data`.
    /// - Throws: ``Malformed``.
    public static func decode(_ data: Data) throws -> [Entry] {
        try data.withUnsafeBytes { try decode($0) }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func byte() throws -> UInt8 {
            guard position < bytes.count else { throw Malformed(description: "record ends early") }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw Malformed(description: "varint too long") }
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }

        mutating func int() throws -> Int {
            let value = try varint()
            guard value <= UInt64(Int.max) else { throw Malformed(description: "integer out of range") }
            return Int(value)
        }

        mutating func string() throws -> String {
            try string(length: try int())
        }

        mutating func string(length: Int) throws -> String {
            guard length <= bytes.count - position else { throw Malformed(description: "string runs past the record") }
            defer { position += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]), as: UTF8.self)
        }
    }
}
