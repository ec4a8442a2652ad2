import CairnCore
import Foundation
import HTTPTypes
import Hummingbird

/// Entries and objects: push, read a page of the log, read a body.
enum EntryRoutes {
    static let nameHeader = HTTPField.Name("X-Cairn-Name")!
    static let metadataHeader = HTTPField.Name("X-Cairn-Metadata")!
    static let schemaHeader = HTTPField.Name("X-Cairn-Schema-URL")!

    static func register(_ routes: RouteTable, _ api: APIServices) {
        routes.add(.post, "/v1/sessions/{id}/entries") { request, context in
            let id = try api.sessionID(context)
            var metadata: [String: String] = [:]
            if let text = request.headers[metadataHeader] {
                guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                    throw APIError(.badRequest, code: "malformed_json", "the X-Cairn-Metadata header is not valid JSON")
                }
                metadata = try JSONResponse.strings(value, what: "the X-Cairn-Metadata header")
            }
            let header = ObjectHeader(
                contentType: request.headers[.contentType] ?? ContentTypes.bytes,
                schemaURL: request.headers[schemaHeader] ?? "",
                name: request.headers[nameHeader] ?? "",
                metadata: metadata)
            let body = Data(try await api.body(of: request).readableBytesView)
            // Refuse a finished session before storing the body; the push itself refuses it too if it finishes meanwhile.
            if try await SessionLog(store: api.store).head(of: id).last?.event == .finish {
                throw finished(id)
            }
            let entry: Entry
            do {
                entry = try await api.sessions.push(body, header: header, to: id, source: APIServices.source)
            } catch CairnError.invalidArgument {
                throw finished(id)
            }
            api.driver.notify(id)
            return JSONResponse.make(EntryRendering.jsonObject(entry, body: body), status: .created)
        }

        routes.add(.get, "/v1/sessions/{id}/entries") { request, context in
            let id = try api.sessionID(context)
            let from = try api.integer(request, "from", fallback: 0)
            let limit = max(1, try api.integer(request, "limit", fallback: 100, max: 1000))
            let all = try flag(request, "all")
            let log = SessionLog(store: api.store)
            let head = try await log.head(of: id)
            let entries = try await log.entries(of: id, from: from, limit: limit)
            var rendered: [[String: Any]] = []
            for entry in entries where all || !entry.event.isControl {
                rendered.append(EntryRendering.jsonObject(entry, body: try await api.store.body(of: entry)))
            }
            let next = entries.last.map { $0.seq + 1 } ?? max(from, 0)
            return JSONResponse.make(["entries": rendered, "next": next, "length": head.length])
        }

        routes.add(.get, "/v1/sessions/{id}/entries/{seq}/body") { _, context in
            let id = try api.sessionID(context)
            guard let seq = context.parameters.get("seq").flatMap(Int.init), seq >= 0 else {
                throw APIError.badRequest("the sequence number must be a whole number, 0 or more")
            }
            guard let entry = try await SessionLog(store: api.store).entries(of: id, from: seq, limit: 1).first else {
                throw APIError(.notFound, code: "entry_not_found", "session \(id) has no entry \(seq)")
            }
            let body = try await api.store.body(of: entry)
            var headers: HTTPFields = [.contentType: entry.header.contentType.isEmpty ? ContentTypes.bytes : entry.header.contentType]
            if !entry.header.contentEncoding.isEmpty { headers[.contentEncoding] = entry.header.contentEncoding }
            if let digest = entry.digest { headers[.eTag] = "\"\(digest.hex)\"" }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }

        routes.add(.get, "/v1/objects/{digest}") { _, context in
            let text = context.parameters.get("digest") ?? ""
            let digest: Digest
            do { digest = try Digest(hex: text) } catch { throw APIError(.badRequest, code: "invalid_digest", "\(error)") }
            let body = try await api.store.get(digest)
            return Response(
                status: .ok, headers: [.contentType: ContentTypes.bytes, .eTag: "\"\(digest.hex)\""],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    static func finished(_ id: SessionID) -> APIError {
        APIError(.conflict, code: "session_finished", "session \(id) is finished; fork it to continue from an earlier point")
    }

    /// A boolean query parameter: absent, `true`/`1` or `false`/`0`.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw APIError.badRequest("query parameter '\(name)' must be true or false")
        }
    }
}
