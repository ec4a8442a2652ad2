/// A trigger's `filter_expression`: a small, safe expression language, compatible with promptise 1.10.1,
/// that decides from a trigger event, before any model call, whether the event runs the agent.
///
/// The language is a whitelisted subset of Python expressions: literals (str, int, float, True, False,
/// None, lists / tuples / sets), the names `payload`, `metadata`, `trigger_type`, `trigger_id`,
/// `event_id` (any other bare name is a payload key), lookups (`payload['a']`, `payload.a.b`, `[0]`; a
/// missing key gives None), comparisons (chained, with `in`, `not in`, `is`, `is not`), `and` / `or` /
/// `not`, unary `-`, the functions `len str int float bool lower upper startswith endswith contains` and
/// the string methods `lower upper strip startswith endswith`. It is parsed here, never executed as code.
public struct FilterExpression: Sendable, Hashable, CustomStringConvertible, Codable {
    /// promptise's limit on the expression's length, in characters (code points).
    public static let maxLength = 2000
    /// promptise's limit on the number of Python AST nodes.
    public static let maxNodes = 200

    /// The expression as written.
    public private(set) var text: String
    private let root: Node

    /// Parses and validates `text`: everything not allowed is refused here, not on the first event.
    /// - Throws: `FilterError` if the text is empty, longer than `maxLength`, not valid syntax, larger than
    ///   `maxNodes` nodes, or uses a construct outside the language (arithmetic, lambdas, comprehensions,
    ///   names starting with '_', calls of other functions or methods, ...). The message says which and where.
    public init(_ text: String) throws(FilterError) {
        self.text = text
        root = try FilterCompiler.compile(text)
    }

    /// Whether the event passes: the Python truth value of the result. An evaluation error (such as
    /// ordering None against a number) counts as not passing, as in promptise.
    public func accepts(_ event: FilterEvent) -> Bool {
        (try? evaluate(event)) ?? false
    }

    /// The truth value of the expression for `event`.
    /// - Throws: `FilterEvaluationError` when promptise's evaluation would raise; `accepts` then says false.
    public func evaluate(_ event: FilterEvent) throws(FilterEvaluationError) -> Bool {
        do {
            return try Evaluator(event: event).evaluate(root).value.isTruthy
        } catch {
            throw FilterEvaluationError(expression: text, kind: error.kind, message: error.message)
        }
    }

    /// The expression as written.
    public var description: String { text }

    /// Two expressions are equal when their texts are.
    public static func == (lhs: FilterExpression, rhs: FilterExpression) -> Bool { lhs.text == rhs.text }

    /// Hashes the text.
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Decodes the expression from a string, compiling it.
    /// - Throws: `DecodingError.dataCorrupted` carrying the `FilterError` message if it does not compile.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the expression as its text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
