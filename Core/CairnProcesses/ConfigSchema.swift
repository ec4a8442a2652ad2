public import CairnCore

/// Why a process configuration was refused: promptise's API code and a message naming the
/// field and how to fix it.
public struct ProcessConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `INVALID_CONFIG`, `UNKNOWN_FIELD`, `MISSING_FIELD`, `ENV_REFERENCES_NOT_ALLOWED` or
    /// `UNSUPPORTED` (a promptise feature Cairn does not have; the API answers `INVALID_CONFIG`).
    public let code: String
    /// What was wrong.
    public let message: String

    /// Creates an error.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> ProcessConfigError { ProcessConfigError("INVALID_CONFIG", message) }
}

/// The type and bounds of one configuration field, checked by ``ConfigSchema``.
enum FieldRule: Sendable {
    case bool
    case int(min: Int?, max: Int?)
    case number(min: Double?, exclusiveMin: Bool, max: Double?)
    case string
    case strings
    case oneOf([String])
    case object
    case section(ConfigSchema)
    case any
    /// Accepted only with its default (null, empty or the value given); Cairn has no such feature.
    case unsupported(allowed: JSONValue?, why: String)
}

/// The fields of one section of a process configuration, as promptise's models declare them,
/// with a strict check: unknown keys are refused with a "did you mean" hint.
struct ConfigSchema: Sendable {
    let fields: [String: FieldRule]
    let nullable: Set<String>

    init(_ fields: [String: FieldRule], nullable: Set<String> = []) {
        self.fields = fields
        self.nullable = nullable
    }

    /// Checks `object` at `path` (`config.budget`, ...).
    func check(_ object: [String: JSONValue], at path: String) throws(ProcessConfigError) {
        for key in object.keys.sorted() {
            let field = path.isEmpty ? key : "\(path).\(key)"
            guard let rule = fields[key] else {
                throw ProcessConfigError.invalid("\(field) is not a field\(Self.hint(key, fields.keys))")
            }
            let value = object[key] ?? .null
            if value == .null, nullable.contains(key) { continue }
            try Self.check(value, rule, at: field)
        }
    }

    static func check(_ value: JSONValue, _ rule: FieldRule, at path: String) throws(ProcessConfigError) {
        switch rule {
        case .bool:
            guard case .bool = value else { throw .invalid("\(path) must be true or false") }
        case .int(let min, let max):
            guard case .number(let number) = value, number.rounded() == number else { throw .invalid("\(path) must be an integer") }
            if let min, Int(number) < min { throw .invalid("\(path) must be at least \(min)") }
            if let max, Int(number) > max { throw .invalid("\(path) must be at most \(max)") }
        case .number(let min, let exclusive, let max):
            guard case .number(let number) = value else { throw .invalid("\(path) must be a number") }
            if let min, exclusive ? number <= min : number < min {
                throw .invalid("\(path) must be \(exclusive ? "greater than" : "at least") \(JSONValue.number(min).text)")
            }
            if let max, number > max { throw .invalid("\(path) must be at most \(JSONValue.number(max).text)") }
        case .string:
            guard case .string = value else { throw .invalid("\(path) must be a string") }
        case .strings:
            guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalid("\(path) must be a list of strings")
            }
        case .oneOf(let options):
            guard let text = value.stringValue, options.contains(text) else {
                throw .invalid("\(path) must be one of \(options.joined(separator: ", "))")
            }
        case .object:
            guard case .object = value else { throw .invalid("\(path) must be a mapping") }
        case .section(let schema):
            guard case .object(let object) = value else { throw .invalid("\(path) must be a mapping") }
            try schema.check(object, at: path)
        case .any:
            break
        case .unsupported(let allowed, let why):
            if value == .null || value == allowed || value == .object([:]) || value == .array([]) { return }
            throw ProcessConfigError("UNSUPPORTED", "\(path): \(why); remove it")
        }
    }

    /// ", did you mean 'x'?" for the closest known key, or the list of keys.
    static func hint(_ key: String, _ known: some Collection<String>) -> String {
        let best = known.map { ($0, distance(key, $0)) }.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        if let best, best.1 <= max(2, key.count / 3) { return "; did you mean '\(best.0)'?" }
        let longer = known.filter { $0.hasPrefix(key) && key.count >= 3 }.sorted()
        if !longer.isEmpty { return "; did you mean \(longer.map { "'\($0)'" }.joined(separator: " or "))?" }
        return "; the fields are \(known.sorted().joined(separator: ", "))"
    }

    /// The Levenshtein distance of two strings.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
