import CairnAnthropic
import CairnCore
import CairnFileStore
import CairnOpenAI
import CairnTestSupport
import Foundation
import Testing

@testable import CairnAgentFile

@Suite("Agent files")
struct AgentFileTests {
    static func write(_ files: [String: String], in folder: String) throws {
        for (name, text) in files {
            let path = folder + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    static let script = """
        [{"message": {"role": "assistant", "text": "", "toolCalls": [{"id": "c1", "name": "read_file", "arguments": "{\\"path\\": \\"notes.txt\\"}"}],
                      "isError": false},
          "usage": {"inputTokens": 100, "outputTokens": 10}, "stop": "tool_use"},
         {"message": {"role": "assistant", "text": "The notes say hello.", "toolCalls": [], "isError": false},
          "usage": {"inputTokens": 120, "outputTokens": 5}, "stop": "end_turn"}]
        """

    @Test func aFullFileBuildsTheAgentItDescribes() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        try Self.write(
            [
                "agent.yaml": """
                name: assistant
                instructions: Answer from the notes.
                model: {provider: scripted, script: turns.json, prices: {input_per_million: 3, output_per_million: 15}}
                max_turns: 5
                tools:
                  - read_file: {folder: docs}
                  - list_files: {folder: docs}
                  - http_get: {headers: {Authorization: "Bearer ${secret:TOKEN}"}}
                skills:
                  - {name: style, description: house style, content: "Be brief."}
                  - {name: long, description: a long one, file: skills/long.md}
                agents:
                  - file: helper.yaml
                  - {name: inline, model: {provider: scripted, script: turns.json}}
                budget:
                  per_run: {turns: 4, tool_calls: 10, cost: 0.5}
                  per_day: {turns: 100}
                  tool_weights: {http_get: 2}
                  irreversible: [http_get]
                  on_exceed: escalate
                health: {stuck_after: 3, loop_repeats: 3, empty_replies: 2, error_rate: 0.5, error_window: 4, action: log, cooldown: 2}
                secrets:
                  TOKEN: {env: TEST_TOKEN, ttl: 1h}
                allowed_hosts: [api.example.com, evil.com]
                """,
                "helper.yaml": "name: helper\nmodel: {provider: scripted, script: turns.json}\n",
                "turns.json": Self.script, "docs/notes.txt": "hello", "skills/long.md": "Long skill.",
            ], in: folder.path)
        let options = AgentFileOptions(
            components: referenceComponents(), allowedHosts: try HostAllowlist(["api.example.com"]), ledgerFolder: folder.path + "/usage",
            environment: ["TEST_TOKEN": "secret-token-value"])
        let agent = try await AgentFile.load(folder.path + "/agent.yaml", options: options)
        #expect(agent.name == "assistant" && agent.maxTurns == 5 && agent.instructions == "Answer from the notes.")
        #expect(agent.tools.map(\.spec.name) == ["read_file", "list_files", "http_get"])
        #expect(agent.skills.map(\.name) == ["style", "long"] && agent.subAgents.map(\.name) == ["helper", "inline"])
        #expect(agent.pricing == ModelPricing(inputPerMillion: 3, outputPerMillion: 15))
        #expect(agent.governance.policies.map(\.name) == ["budget", "health"])
        #expect(agent.governance.irreversibleTools == ["http_get"] && agent.governance.toolWeights == ["http_get": 2])
        #expect(agent.governance.ledger != nil)
        #expect(agent.redact("x secret-token-value y") == "x [REDACTED] y")
    }

    @Test(arguments: [
        ("name: a\nmodel: {provider: scripted, script: t.json}\nbudgett: {}\n", "unknown key 'budgett' in the top level"),
        ("name: a\nmodel: {provider: scripted, script: t.json}\nbudget: {per_run: {turn: 3}}\n", "unknown key 'turn' in budget.per_run"),
        ("name: a\nmodel: {provider: gemini, name: x}\n", "model.provider: unknown model provider 'gemini'; this build has: anthropic, openai, scripted"),
        ("name: a\nmodel: gemini:pro\n", "unknown model provider 'gemini'"),
        ("name: a\nmodel: {name: no-provider-here}\n", "'no-provider-here' is not a model id (PROVIDER:MODEL, e.g. openai:gpt-4o-mini)"),
        (
            "name: a\nmodel: {provider: openai, name: m, colour: red}\n",
            "model: unknown key 'colour'; known: api_key_env, base_url, max_attempts, streaming, timeout_seconds"
        ),
        (
            "name: a\nmodel: {provider: scripted, script: t.json}\ntools: [{list_files: {folder: ., depth: 3}}]\n",
            "tools[0].list_files: unknown key 'depth'; known: folder"
        ),
        ("name: a\nmodel: {provider: openai, name: m, api_key_env: UNSET_KEY_FOR_TEST}\n", "UNSET_KEY_FOR_TEST, which is not set"),
        ("name: a\nmodel: {provider: scripted, script: t.json}\ntools: [shell]\n", "unknown tool 'shell'"),
        ("name: a\nmodel: {provider: scripted, script: t.json}\ntools: [read_file]\n", "read_file needs a folder"),
        ("name: a\nmodel: {provider: scripted, script: t.json}\nbudget: {on_exceed: explode}\n", "'explode' is not one of"),
        ("name: a\nmodel: {provider: scripted, script: t.json}\nbudget: {per_run: {turns: many}}\n", "budget.per_run.turns"),
        ("model: {provider: scripted, script: t.json}\n", "missing key 'name'"),
        ("name: a\nmodel: {provider: scripted, script: t.json}\nsecrets: {K: {env: UNSET_SECRET_FOR_TEST}}\n", "UNSET_SECRET_FOR_TEST, which is not set"),
        (
            "name: a\nmodel: {provider: scripted, script: t.json}\ntools: [{http_get: {headers: {A: \"${secret:NOPE}\"}}}]\n",
            "tools[0].http_get: headers use ${secret:NOPE}, which is not in the agent's secrets"
        ),
        ("- just a list\n", "must be a YAML mapping"),
    ])
    func badFilesAreRefusedWithTheirProblemNamed(_ text: String, _ expected: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        try Self.write(["agent.yaml": text, "t.json": "[]"], in: folder.path)
        do {
            _ = try await AgentFile.load(folder.path + "/agent.yaml", options: AgentFileOptions(components: referenceComponents(), environment: [:]))
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".contains("agent.yaml"), "the message names the file: \(error)")
        }
    }

    /// A secret read by a real tool from a real file ends up nowhere in a real file store: not
    /// in the entries, not in the bodies read back, not in the raw bytes on disk.
    @Test func modelIDsAndTheProvidersEnvironmentConventions() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        try Self.write(
            ["a.yaml": "name: a\nmodel: openai:gpt-4o-mini\n", "b.yaml": "name: b\nmodel: {name: 'anthropic:claude-x', max_tokens: 100}\n"], in: folder.path)
        let environment = ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-env"]
        let a = try await AgentFile.load(folder.path + "/a.yaml", options: AgentFileOptions(components: referenceComponents(), environment: environment))
        #expect(a.model == "gpt-4o-mini")
        let openai = try #require(a.provider as? OpenAIProvider)
        #expect(openai.configuration.baseURL == "http://127.0.0.1:9/v1" && openai.configuration.apiKey == "sk-env")
        #expect(a.redact("the key sk-env leaked") == "the key [REDACTED] leaked")
        let b = try await AgentFile.load(folder.path + "/b.yaml", options: AgentFileOptions(components: referenceComponents(), environment: [:]))
        #expect(b.model == "claude-x" && b.maxTokens == 100 && b.provider is AnthropicProvider)
    }

    @Test func providersAndToolsOfOtherTargetsAreResolvedThroughTheRegistry() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        try Self.write(["agent.yaml": "name: a\nmodel: {provider: echo, name: e1, loud: true}\ntools: [{clock: {zone: UTC}}]\n"], in: folder.path)
        var components = Components()
        components.register(.modelProvider, "echo") { configuration in
            try configuration.options.allowing(["loud"])
            let turn = ModelTurn(
                message: ChatMessage(role: .assistant, text: try configuration.options.bool("loud") == true ? "HI" : "hi"), usage: Usage(), stop: .endTurn)
            return ConfiguredModel(provider: ScriptedProvider([turn]), model: configuration.model ?? "echo")
        }
        components.register(.tool, "clock") { configuration in
            let zone = try configuration.options.requiredString("zone")
            return [ClosureTool(name: "clock", description: "the time in \(zone)") { _ in "12:00 \(zone)" }]
        }
        let agent = try await AgentFile.load(folder.path + "/agent.yaml", options: AgentFileOptions(components: components))
        #expect(agent.model == "e1" && agent.tools.map(\.spec.name) == ["clock"])
        let turn = try await ModelTurn.collect(agent.provider.stream(ModelRequest(model: agent.model, instructions: "", messages: [])))
        #expect(turn.message.text == "HI")
        #expect(try await agent.tools[0].invoke(.object([:])) == "12:00 UTC")
    }

    @Test func aSecretInAToolResultNeverReachesTheStore() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let secret = "sk-planted-\(UUID().uuidString.prefix(8))"
        try Self.write(
            [
                "agent.yaml": """
                name: reader
                model: {provider: scripted, script: turns.json}
                tools: [{read_file: {folder: docs}}]
                secrets: {KEY: {env: PLANTED_KEY}}
                """,
                "turns.json": Self.script, "docs/notes.txt": "the key is \(secret) and more",
            ], in: folder.path)
        let agent = try await AgentFile.load(
            folder.path + "/agent.yaml", options: AgentFileOptions(components: referenceComponents(), environment: ["PLANTED_KEY": secret]))
        let store = try FileStore(url: try #require(URL(string: "file://\(folder.path)/store")), create: true)
        let sessions = Sessions(store: store)
        let session = try await sessions.create(agent: agent.name, source: "test")
        _ = try await sessions.push(
            try JSONEncoder().encode("read the notes"), header: ObjectHeader(contentType: ContentTypes.json, name: "input"),
            to: session.id, source: "test")
        #expect(try await Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent))).drive(session.id).status == .finished)
        let entries = try await SessionLog(store: store).entries(of: session.id)
        let toolStep = try #require(entries.first { $0.header.name.hasPrefix("tool read_file") })
        #expect(String(decoding: try await store.body(of: toolStep), as: UTF8.self).contains("the key is [REDACTED] and more"))
        for entry in entries {
            #expect(!String(decoding: try await store.body(of: entry), as: UTF8.self).contains(secret))
            #expect(!"\(entry)".contains(secret))
        }
        let files = FileManager.default.enumerator(atPath: folder.path + "/store")?.compactMap { $0 as? String } ?? []
        #expect(!files.isEmpty)
        for file in files {
            let data = FileManager.default.contents(atPath: folder.path + "/store/" + file) ?? Data()
            #expect(data.range(of: Data(secret.utf8)) == nil, "\(file)")
        }
    }
}
