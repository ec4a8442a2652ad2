import CairnCore
import CairnProcesses
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1`: the orchestration API of agent processes, route for route and body for body as
/// promptise's (`OrchestrationClient` drives it unchanged); errors use promptise's codes
/// (Docs/processes.md).
enum ProcessRoutes {
    /// promptise's request body limit.
    static let bodyLimit = 1 << 20

    static func register(_ routes: RouteTable, _ processes: ProcessService) {
        routes.add(.get, "/api/v1/health") { _, _ in
            reply(["status": .string("healthy"), "process_count": count(await processes.names.count)])
        }
        routes.add(.get, "/api/v1/runtime/status") { _, _ in
            var statuses: [String: JSONValue] = [:]
            for name in await processes.names { statuses[name] = try? await processes.status(name) }
            return reply(["process_count": count(statuses.count), "processes": .object(statuses)])
        }
        routes.add(.post, "/api/v1/runtime/start-all") { request, _ in
            _ = try await body(request)
            for name in await processes.names { try? await processes.start(name) }
            return reply(["status": .string("started")])
        }
        routes.add(.post, "/api/v1/runtime/stop-all") { request, _ in
            let drain = try drainTimeout(try await body(request))
            var interrupted = 0
            for name in await processes.names { interrupted += (try? await processes.stop(name, drain: drain)) ?? 0 }
            return reply(["status": .string("stopped"), "interrupted_runs": count(interrupted)])
        }
        routes.add(.post, "/api/v1/runtime/shutdown") { _, _ in
            throw fail("NOT_FOUND", 404, "shutdown over the API is not enabled; stop cairn serve with SIGTERM")
        }
        routes.add(.get, "/api/v1/processes") { _, _ in
            var list: [JSONValue] = []
            for name in await processes.names {
                if let record = try? await processes.snapshot(name) {
                    list.append(.object(["name": .string(name), "state": .string(record.state.rawValue), "process_id": .string(record.processID)]))
                }
            }
            return reply(["processes": .array(list), "total": count(list.count)])
        }
        routes.add(.post, "/api/v1/processes") { request, _ in
            let fields = try await body(request)
            guard let name = fields["name"] else { throw fail("MISSING_FIELD", 422, "'name' is required") }
            guard case .string(let text) = name else { throw fail("INVALID_NAME", 422, "'name' must be a string") }
            var start = false
            if let value = fields["start"] {
                guard case .bool(let flag) = value else { throw fail("INVALID_FIELD", 422, "'start' must be true or false") }
                start = flag
            }
            let config = fields["config"] ?? .object([:])
            guard case .object = config else { throw fail("INVALID_CONFIG", 422, "'config' must be a JSON object") }
            let references = ProcessConfig.environmentReferences(in: config)
            if !references.isEmpty {
                throw fail(
                    "ENV_REFERENCES_NOT_ALLOWED", 403,
                    "the config refers to environment variables (\(references.map { "${\($0)}" }.joined(separator: ", "))); write the values, or deploy it as an .agent manifest with cairn serve --agents"
                )
            }
            let record = try await processes.deploy(name: text, config: config, start: start)
            return reply(
                [
                    "name": .string(text), "process_id": .string(record.processID), "state": .string(record.state.rawValue),
                    "created_at": .number(record.created.timeIntervalSince1970),
                ], status: .created)
        }
        routes.add(.get, "/api/v1/processes/{name}") { _, context in reply(try await processes.status(name(context))) }
        routes.add(.get, "/api/v1/processes/{name}/metrics") { _, context in reply(try await processes.status(name(context))) }
        routes.add(.delete, "/api/v1/processes/{name}") { _, context in
            try await processes.remove(name(context))
            return Response(status: .noContent)
        }
        routes.add(.post, "/api/v1/processes/{name}/start") { request, context in
            _ = try await body(request)
            let name = name(context)
            try await processes.start(name)
            return try await stateReply(processes, name, [:])
        }
        routes.add(.post, "/api/v1/processes/{name}/restart") { request, context in
            _ = try await body(request)
            let name = name(context)
            try await processes.restart(name)
            return try await stateReply(processes, name, [:])
        }
        routes.add(.post, "/api/v1/processes/{name}/stop") { request, context in
            let drain = try drainTimeout(try await body(request))
            let name = name(context)
            let record = try await processes.snapshot(name)
            let interrupted = try await processes.stop(name, drain: drain)
            return try await stateReply(
                processes, name, ["drain_timeout": .number(drain ?? record.config.drainTimeout), "interrupted_runs": count(interrupted)])
        }
        routes.add(.post, "/api/v1/processes/{name}/suspend") { request, context in
            _ = try await body(request)
            let name = name(context)
            try await processes.suspend(name)
            return try await stateReply(processes, name, ["suspended": .bool(true)])
        }
        routes.add(.post, "/api/v1/processes/{name}/resume") { request, context in
            _ = try await body(request)
            let name = name(context)
            try await processes.resume(name)
            return try await stateReply(processes, name, ["resumed": .bool(true)])
        }
        ProcessChangeRoutes.register(routes, processes)
        ProcessInboxRoutes.register(routes, processes)
    }

    // MARK: helpers

    static func name(_ context: CairnRequestContext) -> String { context.parameters.get("name") ?? "" }

    static func count(_ value: Int) -> JSONValue { .number(Double(value)) }

    static func fail(_ code: String, _ status: Int, _ message: String) -> APIError {
        APIError(HTTPResponse.Status(code: status), code: code, message)
    }

    static func reply(_ object: [String: JSONValue], status: HTTPResponse.Status = .ok) -> Response { reply(.object(object), status: status) }

    static func reply(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var data = Data(value.text.utf8)
        data.append(0x0A)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func stateReply(_ processes: ProcessService, _ name: String, _ extra: [String: JSONValue]) async throws -> Response {
        var object = extra
        object["name"] = .string(name)
        object["state"] = .string(try await processes.snapshot(name).state.rawValue)
        return reply(object)
    }

    /// The request body: empty or a JSON object of at most 1 MiB.
    /// - Throws: 413 `PAYLOAD_TOO_LARGE`, 400 `INVALID_JSON`.
    static func body(_ request: Request) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: bodyLimit) } catch {
            throw fail("PAYLOAD_TOO_LARGE", 413, "the request body is larger than 1 MiB")
        }
        if buffer.readableBytes == 0 { return [:] }
        guard let value = try? JSONValue(parsing: String(decoding: buffer.readableBytesView, as: UTF8.self)), case .object(let object) = value else {
            throw fail("INVALID_JSON", 400, "the request body must be a JSON object")
        }
        return object
    }

    static func drainTimeout(_ body: [String: JSONValue]) throws -> Double? {
        guard let value = body["drain_timeout"], value != .null else { return nil }
        guard case .number(let seconds) = value, seconds >= 0, seconds <= 3600 else {
            throw fail("INVALID_FIELD", 422, "'drain_timeout' must be a number of seconds from 0 to 3600")
        }
        return seconds
    }

    static func string(_ body: [String: JSONValue], _ key: String, required: Bool = true) throws -> String? {
        guard let value = body[key], value != .null else {
            if required { throw fail("MISSING_FIELD", 422, "'\(key)' is required") }
            return nil
        }
        guard case .string(let text) = value else { throw fail("INVALID_FIELD", 422, "'\(key)' must be a string") }
        return text
    }
}
