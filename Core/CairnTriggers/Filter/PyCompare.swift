/// A comparison operator of the language.
enum CompareOp: String, Sendable, Hashable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case isIn = "in", notIn = "not in", isSame = "is", isNotSame = "is not"

    /// Whether an ordering satisfies `<`, `<=`, `>` or `>=` (or `==` / `!=`).
    func holds(_ order: Ordering) -> Bool {
        switch self {
        case .less: order == .less
        case .lessEqual: order != .greater
        case .greater: order == .greater
        case .greaterEqual: order != .less
        case .equal: order == .equal
        default: order != .equal
        }
    }
}

/// Python's comparison semantics over `PyValue`.
enum PyCompare {
    /// A number as Python compares it: `bool` is an `int`.
    private enum Number {
        case int(PyInt)
        case float(Double)
    }

    private static func number(_ value: PyValue) -> Number? {
        switch value {
        case .bool(let flag): .int(.small(flag ? 1 : 0))
        case .int(let int): .int(int)
        case .float(let float): .float(float)
        default: nil
        }
    }

    /// Exact numeric order (an int is never rounded to a float); nil when a NaN is involved.
    private static func order(_ lhs: Number, _ rhs: Number) -> Ordering? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): PyInt.compare(a, b)
        case (.int(let a), .float(let b)): PyInt.compare(a, b)
        case (.float(let a), .int(let b)): PyInt.compare(b, a).map { $0 == .less ? .greater : ($0 == .greater ? .less : .equal) }
        case (.float(let a), .float(let b)): a.isNaN || b.isNaN ? nil : Ordering(a, b)
        }
    }

    /// Python's `==`: never raises; values of unrelated types are unequal (`[1] == (1,)` is False).
    static func equals(_ lhs: PyValue, _ rhs: PyValue) -> Bool {
        if let a = number(lhs), let b = number(rhs) { return order(a, b) == .equal }
        switch (lhs, rhs) {
        case (.none, .none): return true
        case (.str(let a), .str(let b)): return a == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && (0..<a.count).allSatisfy { equals(a.element($0), b.element($0)) }
        case (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equals($0.value, $1.value) }
        case (.set(let a), .set(let b)):
            return a.count == b.count && isSubset(a, of: b)
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            return a.sortedKeys.allSatisfy { key in
                guard let left = a.value(for: key), let right = b.value(for: key) else { return false }
                return equals(left, right)
            }
        default:
            return false
        }
    }

    /// Python's `<`, `<=`, `>`, `>=`: numbers, strings (by code point), lists with lists and tuples with
    /// tuples (lexicographic), sets with sets (subset); anything else raises TypeError.
    static func ordered(_ op: CompareOp, _ lhs: PyValue, _ rhs: PyValue) throws(EvalError) -> Bool {
        if let a = number(lhs), let b = number(rhs) {
            guard let order = order(a, b) else { return false }
            return op.holds(order)
        }
        switch (lhs, rhs) {
        case (.str(let a), .str(let b)):
            return op.holds(Ordering(a, b))
        case (.list(let a), .list(let b)):
            return try sequence(op, a.elements, b.elements)
        case (.tuple(let a), .tuple(let b)):
            return try sequence(op, a.map(\.value), b.map(\.value))
        case (.set(let a), .set(let b)):
            switch op {
            case .less: return a.count < b.count && isSubset(a, of: b)
            case .lessEqual: return isSubset(a, of: b)
            case .greater: return a.count > b.count && isSubset(b, of: a)
            default: return isSubset(b, of: a)
            }
        default:
            throw .type("'\(op.rawValue)' not supported between instances of '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
    }

    /// The first unequal pair decides; if there is none, the lengths do.
    private static func sequence(_ op: CompareOp, _ lhs: [PyValue], _ rhs: [PyValue]) throws(EvalError) -> Bool {
        for (a, b) in zip(lhs, rhs) where !equals(a, b) {
            return try ordered(op, a, b)
        }
        return op.holds(Ordering(lhs.count, rhs.count))
    }

    private static func isSubset(_ lhs: [PyValue], of rhs: [PyValue]) -> Bool {
        lhs.allSatisfy { item in rhs.contains { equals($0, item) } }
    }

    /// promptise's `_contains(container, item)`: `item in container`, with a TypeError counting as False.
    static func contains(_ container: PyValue, _ item: PyValue) -> Bool {
        switch container {
        case .str(let text):
            guard case .str(let needle) = item else { return false }
            return text.contains(needle)
        case .list(let list):
            return (0..<list.count).contains { equals(list.element($0), item) }
        case .tuple(let items):
            return items.contains { equals($0.value, item) }
        case .set(let members):
            return item.isHashable && members.contains { equals($0, item) }
        case .dict(let dict):
            guard case .str(let key) = item else { return false }
            return dict.value(for: key) != nil
        default:
            return false
        }
    }

    /// Python's `is`, as CPython answers it for these values: None, True and False are singletons, so are
    /// the small ints -5...256, the empty string and one-character Latin-1 strings, and the empty tuple; a
    /// value read twice from the same place in the event is the same object; anything else the expression
    /// makes (a literal, a function's result) is a new object.
    static func isSame(_ lhs: PyObject, _ rhs: PyObject) -> Bool {
        if let a = lhs.identity, let b = rhs.identity, a == b { return true }
        switch (lhs.value, rhs.value) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(.small(let a)), .int(.small(let b))): return a == b && (-5...256).contains(a)
        case (.str(let a), .str(let b)): return a == b && (a.isEmpty || (a.count == 1 && a.units[0] < 256))
        case (.tuple(let a), .tuple(let b)): return a.isEmpty && b.isEmpty
        default: return false
        }
    }
}
