import CairnCore
import Foundation

/// The on-disk form of one append batch in a session's `log` file:
///
///     magic "CRN1" | payload length (UInt32 LE) | CRC-32C of payload (UInt32 LE) | payload
///
/// The payload is the batch's entries in ``EntryBatchCodec``'s binary form. A batch is one record, so a crash
/// mid-write leaves either the whole batch or a torn tail that fails its checksum and is never
/// read as data.
enum LogRecord {
    static let magic: [UInt8] = Array("CRN1".utf8)
    static let headerSize = 12
    static let maxPayload = 256 << 20

    static func encode(_ entries: [Entry]) throws -> Data {
        let payload = EntryBatchCodec.encode(entries)
        guard payload.count <= maxPayload else {
            throw CairnError.invalidArgument("a batch of \(entries.count) entries encodes to \(payload.count) bytes; the limit is \(maxPayload)")
        }
        var record = Data(magic)
        appendLE(UInt32(payload.count), to: &record)
        appendLE(payload.withUnsafeBytes(CRC32C.checksum), to: &record)
        record.append(payload)
        return record
    }

    private static func appendLE(_ value: UInt32, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    private static func readLE(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4])) }
        return UInt32(littleEndian: value)
    }

    /// One decoded record and where it sits in the buffer.
    struct Parsed {
        var offset: Int
        var length: Int
        /// How many entries the record holds, and the sequence number of the first.
        var count: Int
        var firstSeq: Int
        /// The decoded entries (only the last record's when scanning for an index).
        var entries: [Entry]
    }

    /// What a scan of a buffer found.
    struct Scan {
        var records: [Parsed] = []
        /// Bytes of the buffer that hold whole, valid records.
        var validLength = 0
        /// Whether bytes after `validLength` failed to parse (a torn tail, or corruption).
        var tornTail = false
    }

    /// Parses whole records from `buffer`, stopping at the first incomplete or invalid one.
    /// - Parameter lastOnly: decode only the last record's entries (enough to build an index).
    static func scan(_ buffer: Data, lastOnly: Bool = false) throws -> Scan {
        var scan = Scan()
        try buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let length = validRecordLength(raw, at: offset) else {
                    scan.tornTail = true
                    break
                }
                let payload = UnsafeRawBufferPointer(rebasing: raw[(offset + headerSize)..<(offset + length)])
                var entries: [Entry] = []
                let summary: (count: Int, firstSeq: Int)
                do {
                    summary = try EntryBatchCodec.peek(payload)
                    if !lastOnly { entries = try EntryBatchCodec.decode(payload) }
                } catch {
                    throw CairnError.corrupt("a log record at byte \(offset) passed its checksum but is not a valid batch: \(error)")
                }
                scan.records.append(Parsed(offset: offset, length: length, count: summary.count, firstSeq: summary.firstSeq, entries: entries))
                offset += length
                scan.validLength = offset
            }
            if lastOnly, let last = scan.records.indices.last {
                let record = scan.records[last]
                let payload = UnsafeRawBufferPointer(rebasing: raw[(record.offset + headerSize)..<(record.offset + record.length)])
                do {
                    scan.records[last].entries = try EntryBatchCodec.decode(payload)
                } catch {
                    throw CairnError.corrupt("a log record at byte \(record.offset) passed its checksum but is not a valid batch: \(error)")
                }
            }
        }
        return scan
    }

    /// The total length of a valid record at `offset`, or nil if the bytes there are not one.
    static func validRecordLength(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard raw.count - offset >= headerSize,
            raw[offset] == magic[0], raw[offset + 1] == magic[1], raw[offset + 2] == magic[2], raw[offset + 3] == magic[3]
        else { return nil }
        let payloadLength = Int(readLE(raw, at: offset + 4))
        guard payloadLength <= maxPayload, raw.count - offset - headerSize >= payloadLength else { return nil }
        let expected = readLE(raw, at: offset + 8)
        let payload = UnsafeRawBufferPointer(rebasing: raw[(offset + headerSize)..<(offset + headerSize + payloadLength)])
        guard CRC32C.checksum(payload) == expected else { return nil }
        return headerSize + payloadLength
    }

    /// Whether a valid record starts anywhere after `offset`: then the bad bytes at `offset` are
    /// corruption in the middle of the log, not a torn tail, and must not be truncated away.
    static func validRecordFollows(_ buffer: Data, after offset: Int) -> Bool {
        buffer.withUnsafeBytes { raw in
            var position = offset + 1
            while position + headerSize <= raw.count {
                if raw[position] == magic[0], validRecordLength(raw, at: position) != nil { return true }
                position += 1
            }
            return false
        }
    }
}
