import Foundation

/// A model named with its provider, `provider:name` (`openai:gpt-4o-mini`,
/// `anthropic:claude-sonnet-4-5`), as the ecosystems' SDKs and agent frameworks write it.
public struct ModelID: Sendable, Hashable, CustomStringConvertible {
    /// The provider's registered name.
    public var provider: String
    /// The model's name at the provider (may itself contain `:`, e.g. `ollama:llama3:8b`).
    public var name: String

    /// Parses `provider:name`.
    /// - Throws: `CairnError.invalidArgument` when there is no `:` or either part is empty, or
    ///   the provider part is not letters, digits, `-` and `_`.
    public init(parsing text: String) throws {
        guard let colon = text.firstIndex(of: ":") else {
            throw CairnError.invalidArgument("'\(text)' is not a model id of the form provider:name (e.g. openai:gpt-4o-mini)")
        }
        let provider = String(text[..<colon]), name = String(text[text.index(after: colon)...])
        guard !provider.isEmpty, !name.isEmpty, provider.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw CairnError.invalidArgument("'\(text)' is not a model id of the form provider:name (e.g. openai:gpt-4o-mini)")
        }
        self.provider = provider
        self.name = name
    }

    /// Creates an id.
    public init(provider: String, name: String) {
        self.provider = provider
        self.name = name
    }

    public var description: String { "\(provider):\(name)" }
}
