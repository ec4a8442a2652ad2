import CairnCore
import Foundation
import Testing

@Suite("Model ids")
struct ModelIDTests {
    @Test(arguments: [
        ("openai:gpt-4o-mini", "openai", "gpt-4o-mini"),
        ("anthropic:claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"),
        ("ollama:llama3:8b", "ollama", "llama3:8b"),
        ("my_gateway-2:org/model.v1", "my_gateway-2", "org/model.v1"),
        ("llama3:8b", "llama3", "8b"),
    ])
    func parses(_ text: String, _ provider: String, _ name: String) throws {
        let id = try ModelID(parsing: text)
        #expect(id.provider == provider && id.name == name)
        #expect(id.description == text)
        #expect(try ModelID(provider: provider, name: name) == id)
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("gpt-4o-mini", "no ':'"),
        (":gpt-4o", "the provider before ':' is empty"),
        ("openai:", "the model's name after 'openai:' is empty"),
        ("open ai:gpt-4o", "the provider 'open ai' has ' '"),
        ("open.ai:gpt-4o", "has '.'"),
        ("openai: gpt-4o", "whitespace"),
        ("openai:gpt 4o", "whitespace"),
    ])
    func refuses(_ text: String, _ problem: String) {
        let error = #expect(throws: ModelIDError.self) { try ModelID(parsing: text) }
        #expect(
            error?.description.contains(problem) == true && error?.description.contains("'\(text)' is not a model id") == true,
            "\(String(describing: error))")
    }

    @Test func codesAsItsStringForm() throws {
        let id = try ModelID(parsing: "ollama:llama3:8b")
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["ollama:llama3:8b"]"#)
        #expect(try JSONDecoder().decode([ModelID].self, from: data) == [id])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ModelID].self, from: Data(#"["openai:"]"#.utf8)) }
    }
}
