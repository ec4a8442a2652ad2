import CairnCore
import CairnProcessHandler
import CairnServer
import Testing

@Suite("Server configuration")
struct ConfigurationTests {
    let kinds: Set<String> = ["command", "rpc", "agent_file"]

    @Test func aFullFileIsRead() throws {
        let text = """
            store: sqlite:///var/cairn/cairn.db
            server:
              host: 0.0.0.0
              port: 8080
              token_env: SECRET
              body_limit: 1024
              concurrency: 8
              poll_interval_ms: 250
              keepalive_seconds: 5
              max_invocations: 20
              shutdown_grace_seconds: 3
            handlers:
              echo:
                command: [python3, handler.py]
                timeout: 30
                env: {MODE: test}
              rpc-echo:
                rpc: python3 rpc.py
              writer:
                agent_file: agents/writer.agent
            """
        let config = try ServerConfiguration.load(yaml: text, baseDirectory: "/etc/cairn", kinds: kinds, environment: ["SECRET": "t0ken"])
        #expect(config.store == "sqlite:///var/cairn/cairn.db")
        #expect(config.host == "0.0.0.0" && config.port == 8080 && config.token == "t0ken")
        #expect(config.bodyLimit == 1024 && config.concurrency == 8 && config.maxInvocations == 20)
        #expect(config.pollInterval == .milliseconds(250) && config.keepAlive == .seconds(5) && config.shutdownGrace == .seconds(3))
        #expect(config.handlers.map(\.agent) == ["echo", "rpc-echo", "writer"])
        #expect(config.handlers.map(\.kind) == ["command", "rpc", "agent_file"])
        let writer = try #require(config.handlers.last)
        #expect(writer.value == .string("agents/writer.agent"))
        #expect(writer.resolve(path: "agents/writer.agent") == "/etc/cairn/agents/writer.agent")
        #expect(config.handlers[0].options["timeout"] == .number(30))
    }

    @Test func mistakesAreNamed() {
        func message(_ text: String, environment: [String: String] = [:]) -> String {
            do {
                _ = try ServerConfiguration.load(yaml: text, baseDirectory: "/", kinds: kinds, environment: environment)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("handlers:\n  a:\n    lambda: x\n").contains("exactly one handler kind of: agent_file, command, rpc; found none among its keys lambda"))
        #expect(message("handlers:\n  a:\n    command: [x]\n    rpc: [y]\n").contains("found command and rpc"))
        #expect(message("server:\n  colour: red\n").contains("unknown key colour in 'server'"))
        #expect(message("server:\n  port: 99999\n").contains("server.port must be a whole number in 0...65535"))
        #expect(message("server:\n  token_env: NOPE\n").contains("NOPE, which is not set"))
        #expect(message("stores: x\n").contains("unknown key stores in the file"))
        #expect(message("server: [1, 2\n").contains("not valid YAML"))
    }

    @Test func unknownHandlerKindsAreRefusedByTheRegistry() async {
        let components = Components()
        let spec = HandlerSpec(agent: "a", kind: "agent_file", value: .string("x"), baseDirectory: "/")
        await #expect(throws: ComponentError.unknown(seam: "handler kind", name: "agent_file", known: [])) {
            _ = try await components.make(.handler, "agent_file", HandlerConfiguration(spec: spec, resources: ComponentResources(), components: components))
        }
    }

    @Test func processHandlerEntriesAreCheckedByTheirFactory() async throws {
        var components = Components()
        ProcessHandlerKinds.register(in: &components)
        func message(_ kind: String, _ value: JSONValue, _ options: [String: JSONValue] = [:]) async -> String {
            let resources = ComponentResources()
            defer { Task { await resources.shutdown() } }
            let spec = HandlerSpec(agent: "echo", kind: kind, value: value, options: options, baseDirectory: "/")
            do {
                _ = try await components.make(.handler, kind, HandlerConfiguration(spec: spec, resources: resources, components: components))
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(await message("command", .array([])).contains("handlers.echo: command must be a command"))
        #expect(
            await message("rpc", .string("python3 x.py"), ["colour": .string("red")]).contains("handlers.echo: unknown key 'colour'; known: cwd, env, timeout"))
        #expect(await message("command", .string("python3 x.py"), ["timeout": .number(-1)]).contains("handlers.echo: timeout must be a positive number"))
        #expect(await message("command", .string("no-such-binary-anywhere")).contains("was not found"))
    }

    @Test func onlyLoopbackMayGoWithoutAToken() {
        #expect(ServerConfiguration.isLoopback("127.0.0.1") && ServerConfiguration.isLoopback("::1") && ServerConfiguration.isLoopback("localhost"))
        #expect(!ServerConfiguration.isLoopback("0.0.0.0") && !ServerConfiguration.isLoopback("10.0.0.2"))
    }

    @Test func theServerRefusesToListenBeyondLoopbackWithoutAToken() async {
        var configuration = ServerConfiguration()
        configuration.host = "0.0.0.0"
        await #expect(throws: ServerError.tokenRequired(host: "0.0.0.0")) {
            _ = try await CairnServer(configuration: configuration, store: MemoryStore(), signals: false)
        }
    }
}
