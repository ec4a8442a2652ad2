import CairnCore
import CairnFileStore
import CairnTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An agent run (the real `cairn agent run`, against a real fakellm) SIGKILLed in the middle of
/// its loop, then continued: finished model calls and tool calls are not made again, which the
/// request counts of fakellm and of the tool's HTTP server show.
@Suite("Agent crash and resume", .serialized)
struct AgentCrashTests {
    @Test func aKilledRunResumesWithoutRepeatingFinishedModelOrToolCalls() async throws {
        let web = try TestHTTPServer.shared.get()
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let marker = "crash run \(UUID().uuidString)"
        let rules = """
            rules:
              - name: first
                when: {messages_contain: "\(marker)", turn: 1}
                respond:
                  tool_calls:
                    - {name: http_get, arguments: {url: "\(web.url)/a"}}
              - name: second
                when: {messages_contain: "\(marker)", turn: 2}
                respond:
                  tool_calls:
                    - {name: http_get, arguments: {url: "\(web.url)/slow"}}
              - name: last
                when: {messages_contain: "\(marker)"}
                respond: {content: "the crash run is complete"}
            """
        try rules.write(toFile: folder.path + "/fakellm.yaml", atomically: true, encoding: .utf8)
        let port = LocalServer.freePort()
        let fakellm = try LocalServer(
            command: [
                "python3", "-c", "from fakellm.cli import main; main()", "serve", "--host", "127.0.0.1",
                "--port", String(port), "--config", folder.path + "/fakellm.yaml",
            ], port: port)
        defer { fakellm.stop() }
        try """
        name: fetcher
        model: {provider: openai, name: fake, base_url: "\(fakellm.url)/v1"}
        tools: [http_get]
        """.write(toFile: folder.path + "/agent.yaml", atomically: true, encoding: .utf8)
        let slowBefore = try await TestHTTPServer.hits("/slow", server: web)
        let aBefore = try await TestHTTPServer.hits("/a", server: web)

        let first = try cairn(["agent", "run", "agent.yaml", marker, "--allow-host", "127.0.0.1:\(web.port)"], in: folder.path)
        let deadline = ContinuousClock.now + .seconds(60)
        while try await TestHTTPServer.hits("/slow", server: web) == slowBefore {
            guard first.isRunning, ContinuousClock.now < deadline else {
                Issue.record("the run did not reach its second tool call (exit status \(first.isRunning ? -1 : first.terminationStatus))")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(try await requests(fakellm) == 2)

        let second = try cairn(["agent", "continue", "--allow-host", "127.0.0.1:\(web.port)"], in: folder.path)
        let output = String(decoding: (second.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        #expect(output.contains("the crash run is complete"))
        #expect(try await requests(fakellm) == 3, "turns 1 and 2 were not asked for again")
        #expect(try await TestHTTPServer.hits("/a", server: web) == aBefore + 1, "the finished tool call was not made again")
        #expect(try await TestHTTPServer.hits("/slow", server: web) == slowBefore + 2, "the interrupted tool call was made again")

        let store = try FileStore(url: try #require(URL(string: "file://\(folder.path)/.cairn/store")), create: false)
        let session = try #require(try await store.listSessions().first)
        let names = try await SessionLog(store: store).entries(of: session.id).filter { $0.event == .step }.map(\.header.name)
        #expect(names.filter { $0.hasPrefix("model turn") } == ["model turn 1", "model turn 2", "model turn 3"])
        #expect(names.filter { $0.hasPrefix("tool http_get") }.count == 2)
    }

    func cairn(_ arguments: [String], in folder: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("cairn"))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CAIRN_STORE")
        environment.removeValue(forKey: "CAIRN_SESSION")
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = FileHandle.standardError
        try process.run()
        return process
    }

    func requests(_ fakellm: LocalServer) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: try TestHTTPServer.url(fakellm.url + "/_fakellm/stats"))
        let stats = try JSONDecoder().decode([String: JSONValue].self, from: data)
        guard case .number(let total)? = stats["total_requests"] else { return -1 }
        return Int(total)
    }
}
