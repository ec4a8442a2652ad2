import CairnCore
import CairnProcesses
import Foundation
import Hummingbird

/// `/api/v1/processes/{name}/…`: live configuration patches, context, secrets, triggers,
/// journal, mission and health anomalies.
enum ProcessChangeRoutes {
    static func register(_ routes: RouteTable, _ processes: ProcessService) {
        routes.add(.patch, "/api/v1/processes/{name}/instructions") { request, context in
            let body = try await ProcessRoutes.body(request)
            guard let value = body["instructions"] else { throw ProcessRoutes.fail("MISSING_FIELD", 422, "'instructions' is required") }
            guard case .string(let text) = value else { throw ProcessRoutes.fail("INVALID_CONFIG", 422, "'instructions' must be a string") }
            let name = ProcessRoutes.name(context)
            try await processes.setInstructions(name, text)
            return ProcessRoutes.reply(["name": .string(name), "instructions_updated": .bool(true), "effective_from": .string("next_invocation")])
        }
        for section in ["budget", "health", "mission"] {
            routes.add(.patch, "/api/v1/processes/{name}/\(section)") { request, context in
                let body = try await ProcessRoutes.body(request)
                let name = ProcessRoutes.name(context)
                let redeploy = try await processes.patch(name, section: section, fields: body)
                var result: [String: JSONValue] = ["name": .string(name), "\(section)_updated": .bool(true)]
                if redeploy {
                    result["effective_from"] = .string("redeploy")
                    result["live"] = .bool(false)
                    result["pending_fields"] = .array(body.keys.sorted().map(JSONValue.string))
                    result["note"] = .string("'enabled' changed: the \(section) section takes effect when the process restarts")
                } else {
                    result["effective_from"] = .string(section == "budget" ? "next_budget_check" : "immediate")
                    result["live"] = .bool(true)
                }
                return ProcessRoutes.reply(result)
            }
        }
        routes.add(.get, "/api/v1/processes/{name}/context") { _, context in
            let (state, writable) = try await processes.context(ProcessRoutes.name(context))
            return ProcessRoutes.reply([
                "state": .object(state), "writable_keys": .array(writable.map(JSONValue.string)), "all_keys_writable": .bool(writable.isEmpty),
            ])
        }
        routes.add(.patch, "/api/v1/processes/{name}/context") { request, context in
            let body = try await ProcessRoutes.body(request)
            let unknown = body.keys.filter { $0 != "state" }.sorted()
            if !unknown.isEmpty {
                throw ProcessRoutes.fail("UNKNOWN_FIELD", 422, "Unknown field(s): \(unknown.joined(separator: ", ")). Allowed: state")
            }
            guard let value = body["state"] else { throw ProcessRoutes.fail("MISSING_FIELD", 422, "'state' is required") }
            guard case .object(let state) = value else { throw ProcessRoutes.fail("INVALID_FIELD", 422, "'state' must be a JSON object") }
            let name = ProcessRoutes.name(context)
            let keys = try await processes.writeContext(name, state)
            return ProcessRoutes.reply(["name": .string(name), "updated_keys": .array(keys.map(JSONValue.string))])
        }
        routes.add(.get, "/api/v1/processes/{name}/secrets") { _, context in
            let name = ProcessRoutes.name(context)
            let (enabled, listing) = try await processes.secrets(name)
            return ProcessRoutes.reply(["name": .string(name), "secrets": .array(listing), "enabled": .bool(enabled)])
        }
        routes.add(.patch, "/api/v1/processes/{name}/secrets/{secret}") { request, context in
            let body = try await ProcessRoutes.body(request)
            let unknown = body.keys.filter { $0 != "value" && $0 != "ttl" }.sorted()
            if !unknown.isEmpty {
                throw ProcessRoutes.fail("UNKNOWN_FIELD", 422, "Unknown field(s): \(unknown.joined(separator: ", ")). Allowed: value, ttl")
            }
            guard let value = try ProcessRoutes.string(body, "value") else { throw ProcessRoutes.fail("MISSING_FIELD", 422, "'value' is required") }
            var ttl: Double?
            if let given = body["ttl"], given != .null {
                guard case .number(let seconds) = given, seconds > 0 else {
                    throw ProcessRoutes.fail("INVALID_FIELD", 422, "'ttl' must be a number of seconds > 0")
                }
                ttl = seconds
            }
            let name = ProcessRoutes.name(context)
            let secret = context.parameters.get("secret") ?? ""
            try await processes.rotateSecret(name, secret: secret, value: value, ttl: ttl)
            return ProcessRoutes.reply(["name": .string(name), "secret_rotated": .bool(true), "secret": .string(secret)])
        }
        routes.add(.delete, "/api/v1/processes/{name}/secrets") { _, context in
            let name = ProcessRoutes.name(context)
            try await processes.revokeSecrets(name)
            return ProcessRoutes.reply(["name": .string(name), "secrets_revoked": .bool(true)])
        }
        routes.add(.get, "/api/v1/processes/{name}/triggers") { _, context in
            let name = ProcessRoutes.name(context)
            let triggers = try await processes.triggerListing(name)
            return ProcessRoutes.reply(["name": .string(name), "triggers": .array(triggers), "count": ProcessRoutes.count(triggers.count)])
        }
        routes.add(.post, "/api/v1/processes/{name}/triggers") { request, context in
            let body = try await ProcessRoutes.body(request)
            let name = ProcessRoutes.name(context)
            let added = try await processes.addTrigger(name, .object(body))
            return ProcessRoutes.reply(
                [
                    "name": .string(name), "trigger_added": .bool(true), "trigger_id": .string(added.id), "trigger_type": .string(added.type),
                    "live": .bool(added.live), "effective_from": .string(added.live ? "immediate" : "next_start"),
                ], status: .created)
        }
        routes.add(.delete, "/api/v1/processes/{name}/triggers/{trigger}") { _, context in
            let name = ProcessRoutes.name(context)
            let id = context.parameters.get("trigger") ?? ""
            let live = try await processes.removeTrigger(name, id: id)
            return ProcessRoutes.reply([
                "name": .string(name), "trigger_removed": .string(id), "live": .bool(live), "effective_from": .string(live ? "immediate" : "next_start"),
            ])
        }
        routes.add(.get, "/api/v1/processes/{name}/journal") { request, context in
            let name = ProcessRoutes.name(context)
            var limit = 50
            if let text = request.uri.queryParameters.get("limit") {
                guard let value = Int(text), (1...500).contains(value) else {
                    throw ProcessRoutes.fail("INVALID_FIELD", 422, "'limit' must be an integer from 1 to 500")
                }
                limit = value
            }
            let type = request.uri.queryParameters.get("type").flatMap { $0.isEmpty ? nil : $0 }
            let entries = try await processes.journalEntries(name, limit: limit, type: type)
            return ProcessRoutes.reply(["name": .string(name), "entries": .array(entries.map(\.json)), "count": ProcessRoutes.count(entries.count)])
        }
        for path in ["/api/v1/processes/{name}/rewind/plan", "/api/v1/processes/{name}/rewind"] {
            routes.add(path.hasSuffix("plan") ? .get : .post, path) { _, context in
                _ = try await processes.snapshot(ProcessRoutes.name(context))
                throw ProcessRoutes.fail(
                    "REWIND_UNSUPPORTED", 501,
                    "Cairn does not rewind processes: the log is append-only and runs are replayed, not undone; fork the run's session with cairn fork instead")
            }
        }
        registerMission(routes, processes)
    }

    static func registerMission(_ routes: RouteTable, _ processes: ProcessService) {
        routes.add(.get, "/api/v1/processes/{name}/mission") { _, context in
            let name = ProcessRoutes.name(context)
            let record = try await processes.snapshot(name)
            guard record.config.mission.enabled else { return ProcessRoutes.reply(["name": .string(name), "mission_enabled": .bool(false)]) }
            return ProcessRoutes.reply([
                "name": .string(name), "mission_enabled": .bool(true),
                "mission": .object([
                    "state": .string(record.missionState.rawValue), "objective": .string(record.config.mission.objective),
                    "invocation_count": ProcessRoutes.count(record.invocationCount), "evaluations": .array(record.evaluations),
                ]),
            ])
        }
        for action in ["fail", "pause", "resume"] {
            routes.add(.post, "/api/v1/processes/{name}/mission/\(action)") { request, context in
                let body = try await ProcessRoutes.body(request)
                let name = ProcessRoutes.name(context)
                let reason = try ProcessRoutes.string(body, "reason", required: false)
                let state = try await processes.mission(name, action, reason: reason)
                var result: [String: JSONValue] = ["name": .string(name)]
                switch action {
                case "fail":
                    result["mission_failed"] = .bool(true)
                    result["reason"] = .string(reason ?? "failed by an operator")
                case "pause":
                    result["mission_paused"] = .bool(true)
                    result["state"] = .string(state.rawValue)
                default:
                    result["mission_resumed"] = .bool(true)
                    result["state"] = .string(state.rawValue)
                }
                return ProcessRoutes.reply(result)
            }
        }
        routes.add(.get, "/api/v1/processes/{name}/health/anomalies") { _, context in
            let name = ProcessRoutes.name(context)
            let record = try await processes.snapshot(name)
            let anomalies: [JSONValue] = record.anomalies.map { anomaly in
                .object(["type": anomaly["type"] ?? .null, "description": anomaly["description"] ?? .null, "timestamp": anomaly["timestamp"] ?? .null])
            }
            return ProcessRoutes.reply([
                "name": .string(name), "health_enabled": .bool(record.config.health.enabled), "anomalies": .array(anomalies),
                "count": ProcessRoutes.count(anomalies.count),
            ])
        }
        routes.add(.delete, "/api/v1/processes/{name}/health/anomalies") { _, context in
            let name = ProcessRoutes.name(context)
            let cleared = try await processes.clearAnomalies(name)
            return ProcessRoutes.reply(["name": .string(name), "anomalies_cleared": ProcessRoutes.count(cleared)])
        }
    }
}
