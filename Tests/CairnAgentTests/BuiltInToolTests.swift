import CairnCore
import CairnFileTools
import CairnHTTPTools
import CairnTestSupport
import Foundation
import Testing

@Suite("Built-in tools")
struct BuiltInToolTests {
    @Test func readFileStaysInsideItsFolder() async throws {
        let temporary = TemporaryFolder()
        defer { temporary.cleanup() }
        let root = temporary.path + "/docs"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try "inside".write(toFile: root + "/sub/a.txt", atomically: true, encoding: .utf8)
        try "outside".write(toFile: temporary.path + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: temporary.path + "/secret.txt")
        let folder = try AllowedFolder(root)
        let read = ReadFileTool(folder: folder, maxBytes: 4)
        #expect(try await read.invoke(.object(["path": .string("sub/a.txt")])) == "insi\n[truncated after 4 bytes]")
        for escape in ["../secret.txt", "/etc/passwd", "sub/../../secret.txt", "escape"] {
            await #expect(throws: ToolError.outsideFolder(escape), "\(escape)") { try await read.invoke(.object(["path": .string(escape)])) }
        }
        await #expect(throws: ToolError.self) { try await read.invoke(.object([:])) }
        #expect(try await ListFilesTool(folder: folder).invoke(.object([:])) == "escape\nsub/")
        #expect(throws: CairnError.self) { try AllowedFolder(temporary.path + "/missing") }
    }

    @Test func httpGetReachesOnlyAllowedHostsAlsoAcrossRedirects() async throws {
        let server = try TestHTTPServer.shared.get()
        let vault = try SecretVault([SecretVault.Definition(name: "TOKEN", source: .value("t0k3n"))])
        let allowed = try HostAllowlist(["127.0.0.1:\(server.port)"])
        let get = HTTPGetTool(allowlist: allowed, headers: ["Authorization": "Bearer ${secret:TOKEN}"], secrets: vault)
        #expect(try await get.invoke(.object(["url": .string(server.url + "/ok")])) == "HTTP 200\nhello from the test server; auth=Bearer t0k3n")
        #expect(try await get.invoke(.object(["url": .string(server.url + "/redirect-in")])).hasSuffix("auth=Bearer t0k3n"))
        let before = try await TestHTTPServer.hits("/ok", server: server)
        await #expect(throws: ToolError.hostNotAllowed("http://localhost:\(server.port)/ok")) {
            try await get.invoke(.object(["url": .string(server.url + "/redirect-out")]))
        }
        #expect(try await TestHTTPServer.hits("/ok", server: server) == before, "the redirect to another host was not followed")
        // With localhost allowed too, the redirect is followed, without the secret header.
        let both = HTTPGetTool(
            allowlist: try HostAllowlist(["127.0.0.1:\(server.port)", "localhost:\(server.port)"]),
            headers: ["Authorization": "Bearer ${secret:TOKEN}"], secrets: vault)
        #expect(try await both.invoke(.object(["url": .string(server.url + "/redirect-out")])) == "HTTP 200\nhello from the test server; auth=-")
        let denied = HTTPGetTool(allowlist: .denyAll)
        await #expect(throws: ToolError.hostNotAllowed(server.url + "/a")) { try await denied.invoke(.object(["url": .string(server.url + "/a")])) }
        let narrowed = HTTPGetTool(allowlist: try allowed.narrowed(to: ["127.0.0.1:1"]))
        await #expect(throws: ToolError.self) { try await narrowed.invoke(.object(["url": .string(server.url + "/a")])) }
    }
}
