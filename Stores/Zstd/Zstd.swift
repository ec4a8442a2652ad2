import CZstd
public import Foundation

/// zstd compression through libzstd.
public enum Zstd {
    /// A libzstd call failed; the message is libzstd's.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed and why.
        public let description: String
    }

    /// Compresses `data` into one zstd frame that records its content size.
    /// - Throws: ``Failure`` if libzstd reports an error.
    public static func compress(_ data: Data, level: Int32 = 3) throws -> Data {
        let bound = ZSTD_compressBound(data.count)
        var output = Data(count: bound)
        let written = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                ZSTD_compress(out.baseAddress, bound, input.baseAddress, data.count, level)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw Failure(description: "zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
        }
        output.count = written
        return output
    }

    /// Decompresses one or more zstd frames.
    /// - Parameter limit: the most bytes the result may have; protects against decompression bombs.
    /// - Throws: ``Failure`` for malformed input or a result larger than `limit`.
    public static func decompress(_ data: Data, limit: Int = 1 << 34) throws -> Data {
        guard let stream = ZSTD_createDStream() else { throw Failure(description: "zstd: cannot allocate a decompression stream") }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        let chunkSize = ZSTD_DStreamOutSize()
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var result = Data()
        let contentSize = data.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, data.count) }
        if contentSize != ZSTD_CONTENTSIZE_UNKNOWN, contentSize != ZSTD_CONTENTSIZE_ERROR, contentSize <= UInt64(limit) {
            result.reserveCapacity(Int(contentSize))
        }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var input = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
            var last: Int = 0
            repeat {
                let produced: Int = try chunk.withUnsafeMutableBytes { out in
                    var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    let code = ZSTD_decompressStream(stream, &output, &input)
                    if ZSTD_isError(code) != 0 {
                        throw Failure(description: "zstd decompression failed: \(String(cString: ZSTD_getErrorName(code)))")
                    }
                    last = code
                    return output.pos
                }
                result.append(contentsOf: chunk[0..<produced])
                if result.count > limit { throw Failure(description: "zstd: decompressed data exceeds \(limit) bytes") }
                if produced == 0 && input.pos == input.size { break }
            } while input.pos < input.size || last != 0
            if last != 0 { throw Failure(description: "zstd decompression failed: truncated frame") }
        }
        return result
    }
}
