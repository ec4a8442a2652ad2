import CairnCore
import CairnServer
import Foundation
import Testing
import Yams

@Suite("HTTP API documentation")
struct RouteDocumentationTests {
    /// Docs/openapi.yaml, found from this file's place in the repository.
    static func openAPI() throws -> [String: Any] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/openapi.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test func everyRegisteredRouteIsInTheOpenAPIDocumentAndViceVersa() async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        let server = try await CairnServer(configuration: configuration, store: MemoryStore(), signals: false)
        defer { Task { await server.close() } }
        let registered = Set(server.routes.map(\.description))
        #expect(registered.count == server.routes.count, "a route is registered twice")

        let paths = try #require(try Self.openAPI()["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any])
            for method in operations.keys where ["get", "post", "put", "patch", "delete", "head"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(registered.subtracting(documented).sorted() == [], "registered but not in Docs/openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "in Docs/openapi.yaml but not registered")
        #expect(registered.contains("POST /v1/sessions/{id}/entries") && registered.contains("POST /v1/agents/{agent}/runs"))
    }

    @Test func everyRouteIsInTheHTTPAPIGuide() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/http-api.md").path
        let guide = try String(contentsOfFile: path, encoding: .utf8)
        let paths = try #require(try Self.openAPI()["paths"] as? [String: Any])
        for (route, item) in paths {
            for method in try #require(item as? [String: Any]).keys where ["get", "post"].contains(method) {
                #expect(guide.contains("\(method.uppercased()) \(route)"), "Docs/http-api.md does not describe \(method.uppercased()) \(route)")
            }
        }
    }
}
