import Foundation

/// A real fakellm server (PyPI `fakellm`) on 127.0.0.1, shared by the provider tests of one test
/// process, with the rules they need. fakellm keys its turn counts by the first user message, so
/// each test starts its conversation with a unique message.
public enum FakeLLMServer {
    /// The rules, for both the OpenAI and the Anthropic endpoints.
    public static let rules = """
        rules:
          - name: flaky-first
            when: {messages_contain: "flaky", turn: 1}
            respond: {status: 429, error: "slow down"}
          - name: flaky-second
            when: {messages_contain: "flaky", turn: 2}
            respond: {status: 500, error: "internal"}
          - name: flaky-third
            when: {messages_contain: "flaky"}
            respond: {content: "recovered after retries"}
          - name: refused
            when: {messages_contain: "forbidden"}
            respond: {status: 401, error: "invalid api key"}
          - name: skill-load
            when: {tools_include: "load_skill", turn: 1}
            respond:
              tool_calls:
                - {name: load_skill, arguments: {name: haiku}}
          - name: skill-use
            when: {tools_include: "load_skill"}
            respond: {content: "Stones stacked on the path"}
          - name: delegate
            when: {tools_include: "researcher", turn: 1}
            respond:
              tool_calls:
                - {name: researcher, arguments: {task: "what is a cairn"}}
          - name: delegated-answer
            when: {tools_include: "researcher"}
            respond: {content: "A cairn marks a trail, says my researcher."}
          - name: researcher
            when: {messages_contain: "what is a cairn"}
            respond: {content: "Cairns are stacked stones marking trails."}
          - name: adds
            when: {tools_include: "add", turn: 1}
            respond:
              tool_calls:
                - {name: add, arguments: {a: 2, b: 3}}
          - name: sums
            when: {tools_include: "add"}
            respond: {content: "The sum is 5."}
          - name: hello
            when: {messages_contain: "hello"}
            respond: {content: "Hello from a fake model, streamed word by word."}
        """

    /// The server, started on first use.
    public static let shared: Result<LocalServer, any Error> = Result { try start(rules: rules) }

    /// Starts a fakellm server of its own with `rules` (YAML, or JSON, which is YAML too).
    /// - Throws: ``LocalServerError`` when it does not start listening.
    public static func start(rules: String) throws -> LocalServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fakellm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("fakellm.yaml")
        try rules.write(to: config, atomically: true, encoding: .utf8)
        let port = LocalServer.freePort()
        return try LocalServer(
            command: [
                "python3", "-c", "from fakellm.cli import main; main()", "serve", "--host", "127.0.0.1",
                "--port", String(port), "--config", config.path,
            ], port: port)
    }

    /// A first message unique to the caller, so fakellm counts its turns apart.
    public static func unique(_ text: String) -> String { "\(text) [\(UUID().uuidString)]" }
}
