import CairnCore
import CairnProcesses
import Foundation
import Hummingbird

/// `/api/v1/processes/{name}/messages|ask|inbox`: operator messages and questions.
enum ProcessInboxRoutes {
    static func register(_ routes: RouteTable, _ processes: ProcessService) {
        routes.add(.post, "/api/v1/processes/{name}/messages") { request, context in
            let body = try await ProcessRoutes.body(request)
            let fields = try messageFields(body, defaultType: "context")
            var ttl: Double?
            if let value = body["ttl"], value != .null {
                guard case .number(let seconds) = value, seconds >= 0 else {
                    throw ProcessRoutes.fail("INVALID_FIELD", 422, "'ttl' must be a number of seconds >= 0")
                }
                ttl = seconds > 0 ? seconds : nil
            }
            var metadata: [String: String] = [:]
            if let value = body["metadata"], value != .null {
                guard case .object(let object) = value else { throw ProcessRoutes.fail("INVALID_FIELD", 422, "'metadata' must be a JSON object") }
                for (key, item) in object { metadata[key] = item.stringValue ?? item.text }
            }
            let message = try await processes.send(
                ProcessRoutes.name(context), content: fields.content, type: fields.type, priority: fields.priority, sender: fields.sender, ttl: ttl,
                metadata: metadata)
            return ProcessRoutes.reply(
                [
                    "message_id": .string(message.id), "status": .string("queued"),
                    "expires_at": message.expires.map { .number($0.timeIntervalSince1970) } ?? .null,
                ], status: .created)
        }
        routes.add(.post, "/api/v1/processes/{name}/ask") { request, context in
            let body = try await ProcessRoutes.body(request)
            let fields = try messageFields(body.merging(["message_type": .string("question")]) { _, new in new }, defaultType: "question")
            var timeout = 120.0
            if let value = body["timeout"], value != .null {
                guard case .number(let seconds) = value, seconds > 0, seconds <= 3600 else {
                    throw ProcessRoutes.fail("INVALID_FIELD", 422, "'timeout' must be a number of seconds in (0, 3600]")
                }
                timeout = seconds
            }
            switch try await processes.ask(
                ProcessRoutes.name(context), content: fields.content, priority: fields.priority, sender: fields.sender, timeout: timeout)
            {
            case .answered(let question, let text, let at, let invocation):
                return ProcessRoutes.reply([
                    "question_id": .string(question), "status": .string("answered"), "response": .string(text),
                    "answered_at": .number(at.timeIntervalSince1970), "invocation_id": .string(invocation),
                ])
            case .timeout(let question):
                return ProcessRoutes.reply(["question_id": .string(question), "status": .string("timeout"), "response": .null])
            }
        }
        routes.add(.get, "/api/v1/processes/{name}/inbox") { _, context in
            ProcessRoutes.reply(try await processes.inboxListing(ProcessRoutes.name(context)))
        }
        routes.add(.delete, "/api/v1/processes/{name}/inbox") { _, context in
            try await processes.clearInbox(ProcessRoutes.name(context))
            return Response(status: .noContent)
        }
    }

    static func messageFields(_ body: [String: JSONValue], defaultType: String) throws -> (
        content: String, type: String, priority: String, sender: String?
    ) {
        guard let content = try ProcessRoutes.string(body, "content") else { throw ProcessRoutes.fail("MISSING_FIELD", 422, "'content' is required") }
        let type = try ProcessRoutes.string(body, "message_type", required: false) ?? defaultType
        let priority = try ProcessRoutes.string(body, "priority", required: false) ?? "normal"
        guard InboxMessage.priorities.contains(priority) else {
            throw ProcessRoutes.fail("INVALID_FIELD", 422, "'priority' must be one of: \(InboxMessage.priorities.joined(separator: ", "))")
        }
        let sender = try ProcessRoutes.string(body, "sender_id", required: false)
        return (content, type, priority, sender)
    }
}
