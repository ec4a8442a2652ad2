import CairnCore
import CairnFileTools
import CairnHTTPTools
import CairnTestSupport
import CairnToolConformance
import Foundation
import Testing

/// Every tool this repository ships passes the tool conformance kit.
@Suite("Tool conformance")
struct ToolConformanceTests {
    /// A folder with one file, made once for the suite's fixtures.
    static let folder: Result<String, any Error> = Result {
        let path = TemporaryFolder().path + "/docs"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "release notes".write(toFile: path + "/notes.txt", atomically: true, encoding: .utf8)
        return path
    }

    static func fixture(_ tool: String) throws -> ToolFixture {
        switch tool {
        case "read_file":
            let folder = try AllowedFolder(try Self.folder.get())
            return ToolFixture(make: { ReadFileTool(folder: folder) }, validArguments: .object(["path": .string("notes.txt")])) { result in
                guard result == "release notes" else { throw ToolConformanceFailure("read_file returned \(result)") }
            }
        case "list_files":
            let folder = try AllowedFolder(try Self.folder.get())
            return ToolFixture(make: { ListFilesTool(folder: folder) }, validArguments: .object([:])) { result in
                guard result == "notes.txt" else { throw ToolConformanceFailure("list_files returned \(result)") }
            }
        default:
            let server = try TestHTTPServer.shared.get()
            let allowlist = try HostAllowlist(["127.0.0.1:\(server.port)"])
            return ToolFixture(make: { HTTPGetTool(allowlist: allowlist) }, validArguments: .object(["url": .string(server.url + "/ok")])) { result in
                guard result.hasPrefix("HTTP 200") else { throw ToolConformanceFailure("http_get returned \(result.prefix(80))") }
            }
        }
    }

    @Test(arguments: ["read_file", "list_files", "http_get"], ToolConformance.checks.map(\.name))
    func conformance(_ tool: String, _ check: String) async throws {
        try await ToolConformance.run(check, on: try Self.fixture(tool))
    }

    @Test func aToolWithABadSpecFails() async throws {
        let bad = ClosureTool(name: "has spaces", description: "") { _ in "" }
        await #expect(throws: ToolConformanceFailure.self) {
            try await ToolConformance.run("spec is valid for every provider", on: ToolFixture(make: { bad }, validArguments: .object([:])))
        }
    }
}
