import CairnAgentFile
import CairnCore
import Foundation
import MyAdapters
import Testing

/// The package's agent file, loaded through a registry with this package's components and run
/// by Cairn's runtime on the notebook store, as `my-cairn agent run` does.
@Suite("agents/assistant.yaml")
struct AgentFileTests {
    static var components: Components {
        var components = Components()
        MyAdapters.register(in: &components)
        return components
    }

    @Test func theAgentFileRunsToAReplyOnTheNotebookStore() async throws {
        let recorder = Recorder<AgentEvent>()
        let agent = try await AgentFile.load(
            packageFolder + "/agents/assistant.yaml",
            options: AgentFileOptions(components: Self.components, observer: { _, event in recorder.append(event) }))
        #expect(agent.name == "assistant" && agent.model == "keyword-1" && agent.tools.map(\.spec.name) == ["word_count"])

        let store = try NotebookStore(path: try temporaryFolder() + "/notes.json")
        let sessions = Sessions(store: store)
        let input = try JSONEncoder().encode("Count the words in \"the cat saw the dog\"")
        let session = try await sessions.create(
            agent: agent.name, pushing: [(ObjectHeader(contentType: ContentTypes.json, name: "input"), input)], source: "test")
        let runtime = Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent, conversational: true)), options: RuntimeOptions(source: "runtime"))

        let first = try await runtime.drive(session.id)
        guard case .paused(let reason) = first.status else { throw CairnError.invalidArgument("the run ended \(first.status), not waiting for a message") }
        #expect(reason.contains("'message'"))
        let reply = "The word_count tool says: 5 words, 19 characters, 1 line; most frequent: the (2), cat (1), dog (1)."
        #expect(replies(recorder) == [reply])
        #expect(recorder.all.contains(.toolCall(ToolCall(id: "keyword-1", name: "word_count", arguments: "{\"text\":\"the cat saw the dog\"}"))))
        let pieces = recorder.all.filter { if case .text = $0 { true } else { false } }
        #expect(pieces.count > 1, "the reply streams in pieces")

        // The transcript is in the notebook: the tool call is a step, the reply a model turn.
        let entries = try await SessionLog(store: store).entries(of: session.id)
        #expect(entries.contains { $0.event == .step && $0.header.name.hasPrefix("tool word_count") })
        #expect(entries.map(\.seq) == Array(0..<entries.count))

        // The conversation goes on with the next message.
        _ = try await sessions.push(
            try JSONEncoder().encode("thanks!"), header: ObjectHeader(contentType: ContentTypes.json, name: "message"),
            to: session.id, source: "test")
        _ = try await runtime.drive(session.id)
        #expect(replies(recorder) == [reply, "Ask me to count the words in some quoted text, e.g. count \"to be or not to be\"."])
    }

    @Test func mistakesInTheFileNameTheKeyAndWhatTheBuildHas() async throws {
        let folder = try temporaryFolder()
        func load(_ model: String) async throws {
            try "name: broken\nmodel: \(model)\ntools: [word_count]\n".write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
            _ = try await AgentFile.load(folder + "/broken.yaml", options: AgentFileOptions(components: Self.components))
        }
        await #expect(
            throws: CairnError.invalidArgument("\(folder)/broken.yaml: model.provider: unknown model provider 'keywrod'; this build has: keyword, scripted")
        ) {
            try await load("{provider: keywrod, rules: {count: word_count}}")
        }
        await #expect(
            throws: CairnError.invalidArgument(
                "\(folder)/broken.yaml: model: rules is required: a mapping of keywords to tool names, e.g. rules: {count: word_count}")
        ) {
            try await load("keyword:small")
        }
    }

    func replies(_ recorder: Recorder<AgentEvent>) -> [String] {
        recorder.all.compactMap { if case .reply(let text) = $0 { text } else { nil } }
    }
}
