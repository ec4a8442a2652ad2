public import CairnCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The agent-run routes: start a run of an in-process agent and stream its events, send the next
/// message of a conversation, resume a run governance paused, follow a session's events, cancel
/// a run. Events are Server-Sent Events named after their type (`text`, `tool_call`,
/// `tool_result`, `usage`, `governance`, `reply`), then one `done`.
extension AgentRuns: ServerExtension {
    public func addRoutes(to routes: RouteTable, services api: APIServices) throws {
        routes.add(.post, "/v1/agents/{agent}/runs") { [self] request, context in
            let name = context.parameters.get("agent") ?? ""
            guard let agent = definition(of: name) else { throw unknownAgent(name) }
            let body = try JSONResponse.object(try await api.body(of: request), contentType: request.headers[.contentType])
            try SessionRoutes.checkKeys(body, ["input", "metadata"])
            guard let input = body["input"] as? String else { throw APIError.badRequest("'input' (the first message, a string) is required") }
            let metadata = try JSONResponse.strings(body["metadata"], what: "metadata")
            // The session is created with its input, so no invocation sees it without; the stream
            // subscribes first, so it misses nothing of the run.
            let id = SessionID.generate(at: Date())
            let streaming = request.uri.queryParameters.get("stream") != "false"
            let subscription = streaming ? subscribe(id, minimumSnapshot: 2) : nil
            do {
                let header = ObjectHeader(contentType: ContentTypes.json, name: "input")
                _ = try await api.sessions.create(
                    id: id, agent: name, metadata: metadata, pushing: [(header, try JSONEncoder().encode(agent.redact(input)))],
                    source: APIServices.source)
            } catch {
                if let subscription { unsubscribe(id, subscription.0) }
                throw error
            }
            api.driver.notify(id)
            guard let subscription else { return Self.started(id) }
            return eventStream(id, subscription: subscription.0, stream: subscription.1, api: api, first: id, status: .created)
        }

        routes.add(.post, "/v1/sessions/{id}/messages") { [self] request, context in
            let (id, agent) = try await agentSession(context, api: api)
            let body = try JSONResponse.object(try await api.body(of: request), contentType: request.headers[.contentType])
            try SessionRoutes.checkKeys(body, ["message"])
            guard let message = body["message"] as? String else { throw APIError.badRequest("'message' (a string) is required") }
            return try await run(id, pushing: agent.redact(message), as: "message", request: request, api: api, status: .ok)
        }

        routes.add(.post, "/v1/sessions/{id}/resume") { [self] request, context in
            let (id, agent) = try await agentSession(context, api: api)
            // A resume is an approval of the pause in front of the person: one pushed at another
            // time would approve a later pause nobody has seen.
            let head = try await SessionLog(store: api.store).head(of: id)
            var reason = ""
            if let last = head.last, last.event == .pause { reason = ControlRecord.reason(of: try await api.store.body(of: last)) }
            guard reason.contains("'resume'") else {
                throw APIError(.conflict, code: "not_paused", "session \(id) is not paused by governance (waiting for 'resume'); nothing to approve")
            }
            let body = try JSONResponse.object(try await api.body(of: request), contentType: request.headers[.contentType])
            try SessionRoutes.checkKeys(body, ["note"])
            let note = try SessionRoutes.optionalString(body["note"], "note") ?? "approved"
            return try await run(id, pushing: agent.redact(note), as: "resume", request: request, api: api, status: .ok)
        }

        routes.add(.get, "/v1/sessions/{id}/events") { [self] _, context in
            let (id, _) = try await agentSession(context, api: api)
            let (subscription, stream) = subscribe(id)
            return eventStream(id, subscription: subscription, stream: stream, api: api, first: nil, status: .ok)
        }

        routes.add(.post, "/v1/sessions/{id}/cancel") { [self] _, context in
            let (id, _) = try await agentSession(context, api: api)
            guard cancel(id) else {
                throw APIError(.conflict, code: "no_run", "no run of session \(id) is in progress")
            }
            return JSONResponse.make(["session": id.rawValue, "cancelled": true], status: .accepted)
        }
    }

    private func unknownAgent(_ name: String) -> APIError {
        APIError(
            .notFound, code: "unknown_agent",
            "no in-process agent named '\(name.prefix(80))' is configured (agent_file handlers: \(agentNames.joined(separator: ", ")))")
    }

    /// The session in the path and its agent, which must be an in-process one.
    private func agentSession(_ context: CairnRequestContext, api: APIServices) async throws -> (SessionID, AgentDefinition) {
        let id = try api.sessionID(context)
        let info = try await api.store.sessionInfo(id)
        guard let agent = definition(of: info.agent) else { throw unknownAgent(info.agent) }
        return (id, agent)
    }

    static func started(_ id: SessionID) -> Response {
        JSONResponse.make(["session": id.rawValue, "events": "/v1/sessions/\(id.rawValue)/events"], status: .accepted)
    }

    /// Subscribes, pushes `text` as a JSON string named `name`, wakes the driver, and answers
    /// with the events of the invocation that sees the push (or, with `?stream=false`, at once).
    private func run(
        _ id: SessionID, pushing text: String, as name: String, request: Request, api: APIServices,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let streaming = request.uri.queryParameters.get("stream") != "false"
        let length = try await SessionLog(store: api.store).head(of: id).length
        let subscription = streaming ? subscribe(id, minimumSnapshot: length + 1) : nil
        do {
            let body = try JSONEncoder().encode(text)
            let entry = try await api.sessions.push(body, header: ObjectHeader(contentType: ContentTypes.json, name: name), to: id, source: APIServices.source)
            if let subscription { expect(id, subscription.0, snapshotAbove: entry.seq) }
        } catch {
            if let subscription { unsubscribe(id, subscription.0) }
            if case CairnError.invalidArgument = error { throw APIError(.conflict, code: "session_finished", "session \(id) is finished") }
            throw error
        }
        api.driver.notify(id)
        guard let subscription else { return Self.started(id) }
        return eventStream(id, subscription: subscription.0, stream: subscription.1, api: api, first: id, status: status)
    }

    /// The SSE response: an optional `session` event first, then the run's events up to `done`.
    private func eventStream(
        _ id: SessionID, subscription: UUID, stream: AsyncStream<AgentRunEvent>, api: APIServices, first: SessionID?,
        status: HTTPResponse.Status
    ) -> Response {
        var headers = StreamRoutes.headers
        headers[HTTPField.Name("X-Cairn-Session")!] = id.rawValue
        return Response(
            status: status, headers: headers,
            body: ResponseBody { [self] writer in
                defer { unsubscribe(id, subscription) }
                // The subscription exists from here on: say so, so a follower knows it will miss nothing after.
                try await writer.write(ByteBuffer(string: ": subscribed\n\n"))
                if let first { try await writer.write(Self.frame("session", ["session": first.rawValue])) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { [self] in
                        // Keep-alives while idle; at shutdown the subscription ends, and the stream with it.
                        var idle = Duration.zero
                        while true {
                            try await Task.sleep(for: .milliseconds(100))
                            if api.stopping.isSet {
                                unsubscribe(id, subscription)
                                return
                            }
                            idle += .milliseconds(100)
                            if idle >= api.keepAlive {
                                keepAlive(id, subscription)
                                idle = .zero
                            }
                        }
                    }
                    for await event in stream {
                        switch event {
                        case .keepAlive:
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        case .agent(let event):
                            guard case .object(let fields) = event.json else { continue }
                            try await writer.write(Self.frame(event.name, fields.mapValues(\.foundation)))
                        case .done(let status, let reason, _):
                            try await writer.write(Self.frame("done", ["status": status, "reason": reason, "session": id.rawValue]))
                            group.cancelAll()
                            return
                        }
                    }
                    group.cancelAll()
                }
                try await writer.finish(nil)
            })
    }

    static func frame(_ name: String, _ object: [String: Any]) -> ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var buffer = ByteBuffer(string: "event: \(name)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}

extension JSONValue {
    /// The value as Foundation objects, for `JSONSerialization`.
    var foundation: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .number(let value): value
        case .string(let value): value
        case .array(let items): items.map(\.foundation)
        case .object(let fields): fields.mapValues(\.foundation)
        }
    }
}
