/// A model named with its provider, `PROVIDER:MODEL`: `openai:gpt-4o-mini`,
/// `anthropic:claude-sonnet-4-5`, `ollama:llama3:8b`.
///
/// The provider is everything before the first `:`, made of ASCII letters, digits, `-` and `_`;
/// the model's name is everything after it, and may contain `:` itself (`ollama:llama3:8b` is the
/// model `llama3:8b` of `ollama`). So a bare `llama3:8b` reads as the model `8b` of a provider
/// `llama3`: a name with a `:` needs its provider in front. Both parts are kept as written
/// (compare them exactly); neither may be empty or contain whitespace.
public struct ModelID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The provider, e.g. `openai`.
    public let provider: String
    /// The model's name at its provider, e.g. `gpt-4o-mini` or `llama3:8b`.
    public let name: String

    /// A model id from its parts.
    /// - Throws: ``ModelIDError`` when a part is empty, the provider has a character other than
    ///   letters, digits, `-` and `_`, or the name has whitespace.
    public init(provider: String, name: String) throws(ModelIDError) {
        let text = "\(provider):\(name)"
        guard !provider.isEmpty else { throw ModelIDError(text: text, problem: "the provider before ':' is empty") }
        if let bad = provider.unicodeScalars.first(where: { !Self.isProviderCharacter($0) }) {
            throw ModelIDError(text: text, problem: "the provider '\(provider)' has '\(bad)'; use letters, digits, '-' and '_'")
        }
        guard !name.isEmpty else { throw ModelIDError(text: text, problem: "the model's name after '\(provider):' is empty") }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw ModelIDError(text: text, problem: "the model's name '\(name)' has whitespace or a control character")
        }
        self.provider = provider
        self.name = name
    }

    /// Parses `PROVIDER:MODEL`, split at the first `:`.
    /// - Throws: ``ModelIDError`` when there is no `:`, or as ``init(provider:name:)`` does.
    public init(parsing text: String) throws(ModelIDError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ModelIDError(text: text, problem: text.isEmpty ? "it is empty" : "it has no ':' between the provider and the model's name")
        }
        try self.init(provider: String(text[..<colon]), name: String(text[text.index(after: colon)...]))
    }

    /// `PROVIDER:MODEL`.
    public var description: String { "\(provider):\(name)" }

    /// Decodes the string form, `PROVIDER:MODEL`.
    /// - Throws: `DecodingError.dataCorrupted` with the ``ModelIDError``'s message.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the string form, `PROVIDER:MODEL`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isProviderCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true  // 0-9, A-Z, a-z
        default: scalar == "-" || scalar == "_"
        }
    }
}

/// A text that is not a ``ModelID``.
public struct ModelIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public let text: String
    /// What is wrong with it.
    public let problem: String

    /// Creates an error.
    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    /// E.g. `'openai:' is not a model id (PROVIDER:MODEL, e.g. openai:gpt-4o-mini): the model's name after 'openai:' is empty`.
    public var description: String {
        "'\(text)' is not a model id (PROVIDER:MODEL, e.g. openai:gpt-4o-mini): \(problem)"
    }
}
