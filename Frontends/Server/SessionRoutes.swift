import CairnCore
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/sessions`: create, list, show, fork, wake.
enum SessionRoutes {
    static func register(_ routes: RouteTable, _ api: APIServices) {
        routes.add(.post, "/v1/sessions") { request, _ in
            let body = try JSONResponse.object(try await api.body(of: request), contentType: request.headers[.contentType])
            try checkKeys(body, ["agent", "metadata"])
            let agent = try optionalString(body["agent"], "agent") ?? ""
            let metadata = try JSONResponse.strings(body["metadata"], what: "metadata")
            let info = try await api.sessions.create(agent: agent, metadata: metadata, source: APIServices.source)
            api.driver.notify(info.id)
            return JSONResponse.make(try await SessionJSON.current(info.id, store: api.store), status: .created)
        }

        routes.add(.get, "/v1/sessions") { request, _ in
            let limit = max(1, try api.integer(request, "limit", fallback: 100, max: 1000))
            let agent = request.uri.queryParameters.get("agent")
            let status = request.uri.queryParameters.get("status")
            let statuses = ["pending", "paused", "sleeping", "finished", "failed"]
            if let status, !statuses.contains(status) {
                throw APIError.badRequest("status must be one of \(statuses.joined(separator: ", ")), not '\(status.prefix(40))'")
            }
            var cursor: SessionID?
            if let text = request.uri.queryParameters.get("cursor") {
                do { cursor = try SessionID(text) } catch { throw APIError.badRequest("cursor: \(error)") }
            }
            var page: [[String: Any]] = []
            var last: SessionID?
            var more = false
            let all = try await api.store.listSessions().sorted { $0.id < $1.id }
            for info in all {
                if let cursor, info.id <= cursor { continue }
                if let agent, info.agent != agent { continue }
                if agent == nil, info.isSystem { continue }
                if limit == 0 || page.count == limit {
                    more = true
                    break
                }
                let head = try await SessionLog(store: api.store).head(of: info.id)
                let current = try await SessionLog.status(of: head, blobs: api.store)
                if let status, current.word != status { continue }
                page.append(SessionJSON.object(info, head: head, status: current))
                last = info.id
            }
            return JSONResponse.make([
                "sessions": page,
                "next-cursor": more ? (last?.rawValue ?? cursor?.rawValue ?? NSNull()) as Any : NSNull(),
            ])
        }

        routes.add(.get, "/v1/sessions/{id}") { _, context in
            JSONResponse.make(try await SessionJSON.current(try api.sessionID(context), store: api.store))
        }

        routes.add(.post, "/v1/sessions/{id}/fork") { request, context in
            let id = try api.sessionID(context)
            let body = try JSONResponse.object(try await api.body(of: request), contentType: request.headers[.contentType])
            try checkKeys(body, ["at", "agent", "metadata"])
            var at: Int?
            if let value = body["at"], !(value is NSNull) {
                guard let number = JSONResponse.integer(value) else { throw APIError.badRequest("'at' must be a whole number (a sequence number)") }
                at = number
            }
            let agent = try optionalString(body["agent"], "agent")
            let metadata = body["metadata"] == nil ? nil : try JSONResponse.strings(body["metadata"], what: "metadata")
            if let at {
                let length = try await SessionLog(store: api.store).head(of: id).length
                guard (0..<length).contains(at) else {
                    throw APIError.badRequest("'at' \(at) is not an entry of \(id), whose entries are 0...\(length - 1)")
                }
            }
            let child = try await api.sessions.fork(id, at: at.map { $0 + 1 }, agent: agent, metadata: metadata, source: APIServices.source)
            api.driver.notify(child.id)
            return JSONResponse.make(try await SessionJSON.current(child.id, store: api.store), status: .created)
        }

        routes.add(.post, "/v1/sessions/{id}/wake") { _, context in
            let id = try api.sessionID(context)
            let entry: Entry
            do {
                entry = try await api.sessions.wake(id, source: APIServices.source)
            } catch CairnError.invalidArgument(let message) {
                throw APIError(.conflict, code: "session_finished", message)
            }
            api.driver.notify(id)
            return JSONResponse.make(EntryRendering.jsonObject(entry, body: Data()), status: .created)
        }
    }

    static func checkKeys(_ body: [String: Any], _ allowed: Set<String>) throws {
        let unknown = body.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw APIError.badRequest(
                "unknown field\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); known: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    static func optionalString(_ value: Any?, _ name: String) throws -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw APIError.badRequest("'\(name)' must be a string") }
        return text
    }
}
