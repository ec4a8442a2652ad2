public import CairnCore
import Foundation

/// The tool conformance kit: checks that a ``Tool`` meets what the agent loop and the model
/// providers rely on. Framework-neutral: each check throws a ``ToolConformanceFailure``.
///
/// ```swift
/// @Test(arguments: ToolConformance.checks.map(\.name))
/// func conformance(_ name: String) async throws {
///     try await ToolConformance.run(name, on: ToolFixture(make: { MyTool() }, validArguments: ["city": "Oslo"]) { result in
///         guard result.contains("Oslo") else { throw ToolConformanceFailure("unexpected result \(result)") }
///     })
/// }
/// ```
public enum ToolConformance {
    /// A named check.
    public struct Check: Sendable {
        /// The check's name.
        public let name: String
        /// Runs the check on a fixture.
        public let run: @Sendable (ToolFixture) async throws -> Void
    }

    /// Every check, in a stable order.
    public static let checks: [Check] = [
        Check(name: "spec is valid for every provider", run: specIsValid),
        Check(name: "valid arguments give a result", run: validArguments),
        Check(name: "malformed arguments are refused, not crashed on", run: malformedArguments),
        Check(name: "a cancelled call ends", run: cancelledCall),
    ]

    /// Runs the check named `name` on `fixture`.
    /// - Throws: ``ToolConformanceFailure`` when the tool fails it or no check has that name.
    public static func run(_ name: String, on fixture: ToolFixture) async throws {
        guard let check = checks.first(where: { $0.name == name }) else { throw ToolConformanceFailure("no tool check named '\(name)'") }
        try await check.run(fixture)
    }

    /// Tool names providers accept (OpenAI's and Anthropic's rule): 1–64 of letters, digits, `_`, `-`.
    static func specIsValid(_ fixture: ToolFixture) async throws {
        let spec = try await fixture.make().spec
        guard (1...64).contains(spec.name.count), spec.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ToolConformanceFailure("the name '\(spec.name)' must be 1 to 64 ASCII letters, digits, '_' or '-' (what providers accept)")
        }
        guard !spec.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ToolConformanceFailure("'\(spec.name)' has no description: the model decides from it when to call the tool")
        }
        guard case .object(let schema) = spec.inputSchema, schema["type"] == .string("object") else {
            throw ToolConformanceFailure("'\(spec.name)''s input schema must be a JSON Schema object with \"type\": \"object\", not \(spec.inputSchema.text)")
        }
        if let properties = schema["properties"], case .object = properties {
        } else if schema["properties"] != nil {
            throw ToolConformanceFailure("'\(spec.name)''s input schema has \"properties\" that is not an object")
        }
    }

    static func validArguments(_ fixture: ToolFixture) async throws {
        let tool = try await fixture.make()
        let result: String
        do {
            result = try await tool.invoke(fixture.validArguments)
        } catch {
            throw ToolConformanceFailure("'\(tool.spec.name)' failed on the fixture's valid arguments \(fixture.validArguments.text): \(error)")
        }
        try fixture.checkResult(result)
    }

    /// Arguments a model may send by mistake; the tool must throw (its message goes back to the
    /// model) or answer, and an error must say something.
    static func malformedArguments(_ fixture: ToolFixture) async throws {
        let tool = try await fixture.make()
        for arguments in [JSONValue.null, .string("not an object"), .array([.number(1)]), .object(["unexpected": .object(["deeply": .null])])] {
            do {
                _ = try await tool.invoke(arguments)
            } catch is CancellationError {
                throw ToolConformanceFailure("'\(tool.spec.name)' threw CancellationError for \(arguments.text) though nothing was cancelled")
            } catch {
                guard !"\(error)".trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw ToolConformanceFailure("'\(tool.spec.name)' refused \(arguments.text) with an empty message; the model needs to know what to fix")
                }
            }
        }
    }

    /// A call whose task is cancelled must end (throw or return), not hang the agent's run.
    static func cancelledCall(_ fixture: ToolFixture) async throws {
        let tool = try await fixture.make()
        let call = Task { try await tool.invoke(fixture.validArguments) }
        call.cancel()
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await call.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: fixture.cancellationBound)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard ended else { throw ToolConformanceFailure("'\(tool.spec.name)' did not end within \(fixture.cancellationBound) of being cancelled") }
    }
}

/// What the kit needs to check a tool: how to make it, arguments it must accept, and what a
/// good result looks like.
public struct ToolFixture: Sendable {
    /// Makes a fresh tool.
    public var make: @Sendable () async throws -> any Tool
    /// Arguments a model would send that the tool must answer.
    public var validArguments: JSONValue
    /// Throws if the result of ``validArguments`` is wrong.
    public var checkResult: @Sendable (String) throws -> Void
    /// How long a cancelled call may take to end (a hang, not a speed, is what fails).
    public var cancellationBound: Duration

    /// Creates a fixture.
    public init(
        make: @escaping @Sendable () async throws -> any Tool, validArguments: JSONValue, cancellationBound: Duration = .seconds(10),
        checkResult: @escaping @Sendable (String) throws -> Void = { _ in }
    ) {
        self.make = make
        self.validArguments = validArguments
        self.checkResult = checkResult
        self.cancellationBound = cancellationBound
    }
}

/// A tool that failed a conformance check; the message says what it did and what was expected.
public struct ToolConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates a failure.
    public init(_ description: String) {
        self.description = description
    }
}
