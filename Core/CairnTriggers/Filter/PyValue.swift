import CairnCore

/// A value of the filter language: the Python types that a JSON payload, the event's fields and the
/// literals of an expression can make.
///
/// JSON containers stay as they are and are converted one element at a time as lookups reach them, so a
/// filter over a large webhook body does not copy the body.
indirect enum PyValue: Sendable {
    case none
    case bool(Bool)
    case int(PyInt)
    case float(Double)
    case str(PyStr)
    case list(PyList)
    case tuple([PyObject])
    /// Distinct (by Python equality) hashable values, in insertion order.
    case set([PyValue])
    case dict(PyDict)

    /// A JSON value as Python's `json.loads` would give it, except that JSON numbers are `Double`s here:
    /// an integral one within ±2⁵³ becomes an `int` (so `str(5)` is "5"); any other, a `float`. Beyond 2⁵³
    /// a `Double` no longer tells which integer the JSON text held, and such numbers are mostly written
    /// as floats (`1e+22`), so they stay floats.
    init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let value): self = .bool(value)
        case .number(let value):
            self = abs(value) <= PyValue.maxExactInteger ? PyInt(exactly: value).map { .int($0) } ?? .float(value) : .float(value)
        case .string(let value): self = .str(PyStr(value))
        case .array(let values): self = .list(.json(values))
        case .object(let object): self = .dict(.json(object))
        }
    }

    /// 2⁵³: every integer up to it is exactly a `Double`.
    static let maxExactInteger: Double = 9_007_199_254_740_992

    /// Python's `type(x).__name__`, for error messages.
    var typeName: String {
        switch self {
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .str: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .set: "set"
        case .dict: "dict"
        }
    }

    /// Python's `bool(x)`.
    var isTruthy: Bool {
        switch self {
        case .none: false
        case .bool(let value): value
        case .int(let value): !value.isZero
        case .float(let value): value != 0
        case .str(let value): !value.isEmpty
        case .list(let value): value.count > 0
        case .tuple(let values): !values.isEmpty
        case .set(let values): !values.isEmpty
        case .dict(let value): value.count > 0
        }
    }

    /// Whether Python can hash it (a set member, a dict key): not a list, dict or set, nor a tuple holding one.
    var isHashable: Bool {
        switch self {
        case .list, .dict, .set: false
        case .tuple(let items): items.allSatisfy(\.value.isHashable)
        default: true
        }
    }
}

/// A value together with the identity that Python's `is` sees.
struct PyObject: Sendable {
    var value: PyValue
    /// Where in the event the value was read (the same place is the same object); nil for a value the
    /// expression made, which is identical to nothing but itself.
    var identity: [PathStep]?

    init(_ value: PyValue, identity: [PathStep]? = nil) {
        self.value = value
        self.identity = identity
    }
}

/// One step of the path from the event to a value.
enum PathStep: Hashable, Sendable {
    case name(String)
    case key(PyStr)
    case index(Int)
}

/// A Python list: a JSON array from the event, or one the expression built.
enum PyList: Sendable {
    case json([JSONValue])
    case objects([PyObject])

    var count: Int {
        switch self {
        case .json(let values): values.count
        case .objects(let objects): objects.count
        }
    }

    /// The element at a valid index.
    func element(_ index: Int) -> PyValue {
        switch self {
        case .json(let values): PyValue(json: values[index])
        case .objects(let objects): objects[index].value
        }
    }

    var elements: [PyValue] { (0..<count).map(element) }
}

/// A Python dict: a JSON object from the event, or the event's metadata.
enum PyDict: Sendable {
    case json([String: JSONValue])
    case strings([String: String])

    var count: Int {
        switch self {
        case .json(let object): object.count
        case .strings(let strings): strings.count
        }
    }

    /// The value for a key, matched code point by code point. (Swift's lookup also matches a canonically
    /// equivalent spelling, which Python does not; a Swift dictionary cannot hold two such keys, so checking
    /// the one it finds is enough.)
    func value(for key: PyStr) -> PyValue? {
        switch self {
        case .json(let object):
            guard let index = object.index(forKey: key.string), PyStr(object[index].key) == key else { return nil }
            return PyValue(json: object[index].value)
        case .strings(let strings):
            guard let index = strings.index(forKey: key.string), PyStr(strings[index].key) == key else { return nil }
            return .str(PyStr(strings[index].value))
        }
    }

    /// The keys in code point order (JSON objects reach Swift unordered, so insertion order is lost).
    var sortedKeys: [PyStr] {
        switch self {
        case .json(let object): object.keys.map(PyStr.init).sorted()
        case .strings(let strings): strings.keys.map(PyStr.init).sorted()
        }
    }
}
