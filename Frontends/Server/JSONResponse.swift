import Foundation
import HTTPTypes
import Hummingbird

/// JSON bodies in and out, with `JSONSerialization` so the shapes match `cairn log --json`.
enum JSONResponse {
    /// A response whose body is `object` as JSON (sorted keys, slashes unescaped).
    static func make(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        var data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]))
            ?? Data("{}".utf8)
        data.append(0x0A)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Parses a request body that must be a JSON object (or empty, giving `[:]`).
    /// - Throws: 415 for a non-JSON content type, 400 for malformed JSON or a non-object.
    static func object(_ body: ByteBuffer, contentType: String?) throws -> [String: Any] {
        if body.readableBytes == 0 { return [:] }
        if let contentType, !contentType.isEmpty, !contentType.lowercased().contains("json") {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send the body as application/json, not \(contentType)")
        }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) else {
            throw APIError(.badRequest, code: "malformed_json", "the request body is not valid JSON")
        }
        guard let object = value as? [String: Any] else {
            throw APIError(.badRequest, code: "malformed_json", "the request body must be a JSON object")
        }
        return object
    }

    /// A JSON object of strings, from a body field or a header.
    /// - Throws: 400 naming `what` if `value` is not an object of strings.
    static func strings(_ value: Any?, what: String) throws -> [String: String] {
        guard let value, !(value is NSNull) else { return [:] }
        guard let map = value as? [String: Any] else {
            throw APIError(.badRequest, code: "invalid_argument", "\(what) must be a JSON object of strings")
        }
        var result: [String: String] = [:]
        for (key, item) in map {
            guard let text = item as? String else { throw APIError(.badRequest, code: "invalid_argument", "\(what) '\(key)' must be a string") }
            result[key] = text
        }
        return result
    }

    /// A JSON number that is a whole number (not a boolean), as an `Int`.
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9e15 else { return nil }
        return Int(double)
    }
}
