import CairnCore
import CairnTriggers
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/triggers`: list, add, show, remove and fire triggers (Docs/triggers.md).
enum TriggerRoutes {
    static func register(_ routes: RouteTable, _ api: APIServices) {
        routes.add(.get, "/v1/triggers") { _, _ in
            let statuses = await api.triggers.statuses()
            return JSONResponse.make(["triggers": statuses.map(TriggerJSON.object), "count": statuses.count])
        }

        routes.add(.post, "/v1/triggers") { request, _ in
            let body = try await api.body(of: request)
            _ = try JSONResponse.object(body, contentType: request.headers[.contentType])
            let mapping = try JSONValue(parsing: String(decoding: Data(body.readableBytesView), as: UTF8.self))
            guard case .string(let name)? = mapping["name"] else {
                throw APIError(.badRequest, code: "invalid_trigger", "the trigger needs a 'name' (letters, digits, '.', '_' or '-')")
            }
            let definition = try TriggerDefinition.parse(
                mapping, origin: .dynamic, baseDirectory: FileManager.default.currentDirectoryPath, location: "triggers.\(name)")
            let status = try await api.triggers.add(definition)
            return JSONResponse.make(TriggerJSON.object(status), status: .created)
        }

        routes.add(.get, "/v1/triggers/{name}") { _, context in
            JSONResponse.make(TriggerJSON.object(try await api.triggers.status(try name(context))))
        }

        routes.add(.delete, "/v1/triggers/{name}") { _, context in
            let name = try name(context)
            try await api.triggers.remove(name)
            return JSONResponse.make(["removed": name])
        }

        routes.add(.post, "/v1/triggers/{name}/fire") { request, context in
            let name = try name(context)
            let body = Data((try await api.body(of: request)).readableBytesView)
            let contentType = request.headers[.contentType] ?? (body.isEmpty ? ContentTypes.json : ContentTypes.bytes)
            let outcome = try await api.triggers.fire(
                name, payload: body.isEmpty ? Data("{}".utf8) : body, contentType: contentType,
                id: request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value)
            if let receipt = outcome.receipt { api.driver.notify(receipt.session) }
            return JSONResponse.make(TriggerJSON.outcome(outcome), status: outcome.receipt == nil ? .ok : .accepted)
        }
    }

    private static func name(_ context: CairnRequestContext) throws -> String {
        context.parameters.get("name") ?? ""
    }
}

/// The JSON shapes of trigger statuses and fire outcomes.
enum TriggerJSON {
    static func object(_ status: TriggerStatus) -> [String: Any] {
        let definition = status.definition
        var object: [String: Any] = [
            "name": definition.name, "type": definition.kind, "origin": definition.origin.rawValue, "state": status.state.rawValue,
            "config": jsonObject(definition.maskedMapping), "target": definition.target.description, "fire_count": status.fireCount,
            "last_fire": NSNull(), "next_fire": status.nextFire.map(Timestamps.format) ?? NSNull(), "last_error": NSNull(),
            "path": status.path ?? NSNull(),
        ]
        if let fire = status.lastFire {
            object["last_fire"] = ["id": fire.fireID, "time": Timestamps.format(fire.time), "session": fire.session.rawValue]
        }
        if let error = status.lastError {
            object["last_error"] = ["message": error.message, "time": Timestamps.format(error.time)]
        }
        return object
    }

    static func outcome(_ outcome: FireOutcome) -> [String: Any] {
        switch outcome {
        case .recorded(let receipt): ["status": "accepted", "event_id": receipt.fireID, "session": receipt.session.rawValue, "duplicate": false]
        case .duplicate(let receipt): ["status": "accepted", "event_id": receipt.fireID, "session": receipt.session.rawValue, "duplicate": true]
        case .filtered: ["status": "ignored"]
        }
    }

    static func jsonObject(_ value: JSONValue) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(value.text.utf8), options: [.fragmentsAllowed])) ?? NSNull()
    }
}
