import CairnCore
import CairnFileStore
import Foundation
import Testing

@testable import CairnProcesses

@Suite("Process manifests")
struct ManifestTests {
    static let manifest = """
        {"version": "1.0", "name": "pipeline-watch", "model": "openai:m", "instructions": "Watch the pipeline.",
         "triggers": [{"type": "cron", "cron_expression": "*/10 * * * *"}],
         "journal": {"level": "checkpoint", "path": ".promptise/journal"},
         "world": {"owner": "${OWNER}"},
         "secrets": {"enabled": true, "secrets": {"api_key": "${API_KEY}"}},
         "budget": {"enabled": true, "max_runs_per_day": 5},
         "config": {"inbox": {"enabled": true}, "restart_policy": "on_failure", "concurrency": 2}}
        """

    func error(_ text: String, _ environment: [String: String] = ["OWNER": "ops", "API_KEY": "k"]) throws -> String {
        let document = try json(text)
        do {
            _ = try ProcessManifest.parse(document, environment: environment)
        } catch {
            return error.message
        }
        Issue.record("\(text) was accepted")
        return ""
    }

    @Test func aManifestBecomesTheConfigurationTheAPIDeploys() throws {
        let manifest = try ProcessManifest.parse(try json(Self.manifest), environment: ["OWNER": "ops", "API_KEY": "sk-1"])
        #expect(manifest.name == "pipeline-watch")
        let config = try ProcessConfig.parse(manifest.config)
        #expect(config.instructions == "Watch the pipeline.")
        #expect(config.concurrency == 2 && config.restartPolicy == "on_failure" && config.inboxSettings.enabled)
        #expect(config.context.initialState == ["owner": .string("ops")], "world: is the initial context state")
        #expect(config.secrets.values.map(\.value) == ["sk-1"], "secret references resolve from the environment")
        #expect(config.budget.maxRunsPerDay == 5)
        #expect(config.triggers.map(\.type) == ["cron"])
    }

    @Test func unknownKeysAreRefusedWithAHintAtTheirPath() throws {
        #expect(try error(#"{"name": "a", "instrutions": "x"}"#) == "'instrutions' is not a manifest key; did you mean 'instructions'?")
        #expect(try error(#"{"name": "a", "config": {"concurency": 2}}"#) == "config.concurency is not a field; did you mean 'concurrency'?")
        #expect(try error(#"{"name": "a", "budget": {"max_tool_calls": 2}}"#).contains("did you mean 'max_tool_calls_per_day' or 'max_tool_calls_per_run'?"))
        #expect(try error(#"{"name": "a", "memory": {"colection": "c"}}"#).contains("memory.colection is not a key; did you mean 'collection'?"))
        #expect(try error(#"{"name": "a", "triggers": [{"cron_expression": "* * * * *"}]}"#).contains("triggers[0].type is required"))
        #expect(try error(#"{"name": "a", "journal": {"level": "verbose"}}"#) == "journal.level must be one of none, checkpoint, full")
    }

    @Test func eachOptionIsSetInOnePlace() throws {
        #expect(
            try error(#"{"name": "a", "budget": {}, "config": {"budget": {}}}"#).contains("config.budget is also set by the manifest's own 'budget' section"))
        #expect(try error(#"{"name": "a", "world": {"x": 1}, "config": {"context": {}}}"#).contains("config.context is also set"))
        #expect(try error(#"{"name": "a", "world": {"x": 1}, "context": {"initial_state": {"y": 2}}}"#).contains("set twice"))
        #expect(try error(#"{"name": "a", "memory": {"max": 3}, "context": {"memory_max": 4}}"#).contains("set the same option"))
    }

    @Test func nameVersionAndEnvironmentAreChecked() throws {
        #expect(try error(#"{"model": "openai:m"}"#) == "name is required: the process name")
        #expect(try error(#"{"name": "9lives"}"#).contains("not a valid process name"))
        #expect(try error(#"{"name": "a", "version": "2.0"}"#).contains("version must be \"1.0\""))
        #expect(
            try error(#"{"name": "a", "instructions": "for ${WHO}"}"#, [:])
                == "instructions refers to ${WHO}, which is not set in the environment; set it or write the value")
        #expect(try error(#"{"name": "a", "servers": {"tools": {"url": "http://127.0.0.1:1/mcp"}}}"#).contains("servers: MCP servers are not supported"))
    }

    @Test func applyingDeploysThenLeavesAloneThenUpdatesKeepingState() async throws {
        let clock = ManualWallClock()
        let (service, store) = try processService(model: EchoModel(text: "ok"), clock: clock)
        let first = try ProcessManifest.parse(
            try json(#"{"name": "w", "model": "openai:m", "instructions": "one", "secrets": {"enabled": true, "secrets": {"key": "sk-first"}}}"#),
            environment: [:])
        #expect(try await service.apply(first) == .deployed)
        #expect(try await service.snapshot("w").state == .running)
        #expect(try await service.apply(first) == .unchanged)
        try await service.suspend("w")

        // A restarted server: the log has the secret redacted; the manifest gives it back.
        let reloaded = ProcessService(store: store, components: await service.components, triggers: nil, clock: clock)
        try await reloaded.load()
        #expect(try await reloaded.apply(first) == .unchanged)
        #expect(try await reloaded.snapshot("w").state == .suspended, "an unchanged manifest leaves the state the log has")
        #expect(await reloaded.secretValues("w") == ["sk-first"])

        let second = try ProcessManifest.parse(
            try json(#"{"name": "w", "model": "openai:m", "instructions": "two", "secrets": {"enabled": true, "secrets": {"key": "sk-second"}}}"#),
            environment: [:])
        #expect(try await reloaded.apply(second) == .updated)
        let record = try await reloaded.snapshot("w")
        #expect(record.state == .suspended && record.config.instructions == "two")
        #expect(await reloaded.secretValues("w") == ["sk-second"])
        let journal = try await reloaded.journalEntries("w", limit: 500, type: nil)
        #expect(journal.filter { $0.type == "config_update" }.count == 1)
        #expect(!journal.contains { $0.data.text.contains("sk-first") || $0.data.text.contains("sk-second") }, "secrets never reach the journal")
    }
}

extension ProcessService {
    /// The current secret values of a process (tests).
    func secretValues(_ name: String) -> [String] {
        live[name]?.secrets.current(now: clock.now()).map(\.value) ?? []
    }
}
