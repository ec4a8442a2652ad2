import Foundation
import Synchronization

/// A tool an agent can call. Each call is a durable step: once its result is recorded, a
/// resumed run uses the record instead of calling the tool again.
public protocol Tool: Sendable {
    /// Its name, description and input schema, as the model sees them.
    var spec: ToolSpec { get }
    /// Runs the tool with the model's arguments and returns its result as text for the model.
    /// - Throws: anything; the error's description is returned to the model as a failed result.
    func invoke(_ arguments: JSONValue) async throws -> String
}

/// A tool written as a closure.
public struct ClosureTool: Tool {
    public let spec: ToolSpec
    private let body: @Sendable (JSONValue) async throws -> String

    /// Creates a tool.
    public init(
        name: String, description: String, inputSchema: JSONValue = .object(["type": .string("object")]),
        _ body: @escaping @Sendable (JSONValue) async throws -> String
    ) {
        spec = ToolSpec(name: name, description: description, inputSchema: inputSchema)
        self.body = body
    }

    public func invoke(_ arguments: JSONValue) async throws -> String { try await body(arguments) }
}

/// Instructions an agent loads only when the model asks for them (through the `load_skill` tool),
/// so they cost context only when used.
public struct Skill: Sendable {
    /// The skill's name.
    public var name: String
    /// A one-line description the model sees before loading it.
    public var description: String
    /// Produces the skill's content when it is loaded.
    public var content: @Sendable () async throws -> String

    /// Creates a skill.
    public init(name: String, description: String, content: @escaping @Sendable () async throws -> String) {
        self.name = name
        self.description = description
        self.content = content
    }
}

/// What a model provider reports when a scripted run has no turn left, or a request is refused.
public struct ModelProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
