/// Evaluates a validated tree against one event, as promptise's `_eval` does.
struct Evaluator {
    let event: FilterEvent

    func evaluate(_ node: Node) throws(EvalError) -> PyObject {
        switch node {
        case .constant(let value):
            return PyObject(value)
        case .name(let name, _):
            return try lookupName(name)
        case .list(let items):
            return PyObject(.list(.objects(try items.map(evaluate))))
        case .tuple(let items):
            return PyObject(.tuple(try items.map(evaluate)))
        case .set(let items):
            var members: [PyValue] = []
            for item in items {
                let value = try evaluate(item).value
                guard value.isHashable else { throw .type("unhashable type: '\(value.typeName)'") }
                if !members.contains(where: { PyCompare.equals($0, value) }) { members.append(value) }
            }
            return PyObject(.set(members))
        case .and(let items):
            var result = PyObject(.bool(true))
            for item in items {
                result = try evaluate(item)
                if !result.value.isTruthy { return result }
            }
            return result
        case .or(let items):
            var result = PyObject(.bool(false))
            for item in items {
                result = try evaluate(item)
                if result.value.isTruthy { return result }
            }
            return result
        case .not(let operand):
            return PyObject(.bool(!(try evaluate(operand).value.isTruthy)))
        case .negate(let operand):
            return PyObject(try negate(evaluate(operand).value))
        case .compare(let first, let rest):
            var left = try evaluate(first)
            for (op, node) in rest {
                let right = try evaluate(node)  // evaluated only if the chain got this far, as in Python
                guard try compare(op, left, right) else { return PyObject(.bool(false)) }
                left = right
            }
            return PyObject(.bool(true))
        case .index(let container, let key):
            let target = try evaluate(container)
            return try lookup(target, key: evaluate(key).value)
        case .attribute(let container, let name, _):
            return try lookup(evaluate(container), key: .str(PyStr(name)))
        case .call(let function, let args, _):
            let values = try args.map(evaluate)
            switch function {
            case .name(let name, _):
                return try Builtins.call(name, values)
            case .attribute(let target, let name, _):
                return try Builtins.method(name, on: evaluate(target), values)
            default:
                throw .type("only named functions can be called")  // refused when compiled
            }
        }
    }

    /// The event's names, then True / False / None, then a key of the payload.
    private func lookupName(_ name: String) throws(EvalError) -> PyObject {
        let value: PyValue
        switch name {
        case "payload": value = PyValue(json: event.payload)
        case "metadata": value = .dict(.strings(event.metadata))
        case "trigger_type": value = .str(PyStr(event.triggerType))
        case "trigger_id": value = .str(PyStr(event.triggerID))
        case "event_id": value = .str(PyStr(event.eventID))
        case "True", "False": return PyObject(.bool(name == "True"))
        case "None": return PyObject(.none)
        default:
            return try lookup(lookupName("payload"), key: .str(PyStr(name)))
        }
        return PyObject(value, identity: [.name(name)])
    }

    /// promptise's `_lookup`: a dict's value for the key (None if absent; TypeError if the key cannot be
    /// hashed), a list's, tuple's or string's item at an int index (None if out of range), else None.
    private func lookup(_ container: PyObject, key: PyValue) throws(EvalError) -> PyObject {
        switch container.value {
        case .dict(let dict):
            guard key.isHashable else { throw .type("unhashable type: '\(key.typeName)'") }
            guard case .str(let name) = key, let value = dict.value(for: name) else { return PyObject(.none) }
            return PyObject(value, identity: container.identity.map { $0 + [.key(name)] })
        case .list(let list):
            guard let index = Evaluator.index(key, count: list.count) else { return PyObject(.none) }
            switch list {
            case .json(let values): return PyObject(PyValue(json: values[index]), identity: container.identity.map { $0 + [.index(index)] })
            case .objects(let objects): return objects[index]
            }
        case .tuple(let items):
            guard let index = Evaluator.index(key, count: items.count) else { return PyObject(.none) }
            return items[index]
        case .str(let text):
            guard let index = Evaluator.index(key, count: text.count) else { return PyObject(.none) }
            return PyObject(.str(PyStr(units: [text.units[index]])))
        default:
            return PyObject(.none)
        }
    }

    /// An int (or bool) key as a valid index, negative ones counting from the end.
    private static func index(_ key: PyValue, count: Int) -> Int? {
        let raw: Int
        switch key {
        case .bool(let flag): raw = flag ? 1 : 0
        case .int(.small(let value)): raw = value
        default: return nil
        }
        let index = raw < 0 ? raw + count : raw
        return (0..<count).contains(index) ? index : nil
    }

    private func negate(_ value: PyValue) throws(EvalError) -> PyValue {
        switch value {
        case .bool(let flag): return .int(.small(flag ? -1 : 0))
        case .int(let int): return .int(int.negated)
        case .float(let float): return .float(-float)
        default: throw .type("bad operand type for unary -: '\(value.typeName)'")
        }
    }

    private func compare(_ op: CompareOp, _ lhs: PyObject, _ rhs: PyObject) throws(EvalError) -> Bool {
        switch op {
        case .equal: PyCompare.equals(lhs.value, rhs.value)
        case .notEqual: !PyCompare.equals(lhs.value, rhs.value)
        case .isIn: PyCompare.contains(rhs.value, lhs.value)
        case .notIn: !PyCompare.contains(rhs.value, lhs.value)
        case .isSame: PyCompare.isSame(lhs, rhs)
        case .isNotSame: !PyCompare.isSame(lhs, rhs)
        default: try PyCompare.ordered(op, lhs.value, rhs.value)
        }
    }
}
