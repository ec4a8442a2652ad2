/// The functions and string methods a filter may call, with promptise's argument rules.
enum Builtins {
    /// The callable function names, as promptise lists them.
    static let functions: Set<String> = ["len", "str", "int", "float", "bool", "lower", "upper", "startswith", "endswith", "contains"]

    /// The callable string methods.
    static let methods: Set<String> = ["lower", "upper", "strip", "startswith", "endswith"]

    /// promptise caps the text `int()` and `float()` parse.
    static let maxNumericStringLength = 64

    /// Calls a function on evaluated arguments.
    static func call(_ name: String, _ args: [PyObject]) throws(EvalError) -> PyObject {
        switch name {
        case "len":
            try arity(name, args, 1)
            return PyObject(.int(.small(try length(args[0].value))))
        case "str":
            if args.isEmpty { return PyObject(.str(PyStr(""))) }
            guard args.count == 1 else { throw .type("str() takes at most 1 argument here, got \(args.count)") }
            if case .str = args[0].value { return args[0] }
            return PyObject(.str(PyFormat.str(args[0].value)))
        case "int":
            try arity(name, args, 1)
            if case .int = args[0].value { return args[0] }
            return PyObject(.int(try toInt(args[0].value)))
        case "float":
            try arity(name, args, 1)
            if case .float = args[0].value { return args[0] }
            return PyObject(.float(try toFloat(args[0].value)))
        case "bool":
            guard args.count <= 1 else { throw .type("bool expected at most 1 argument, got \(args.count)") }
            return PyObject(.bool(args.first?.value.isTruthy ?? false))
        case "lower":
            try arity(name, args, 1)
            return PyObject(.str(PyText.lower(PyFormat.str(args[0].value))))
        case "upper":
            try arity(name, args, 1)
            return PyObject(.str(PyText.upper(PyFormat.str(args[0].value))))
        case "startswith", "endswith":
            try arity(name, args, 2)
            let text = PyFormat.str(args[0].value)
            return PyObject(.bool(try affixMatch(name, text, args[1].value, start: .none, end: .none)))
        default:  // "contains"; the validator admits no other name
            try arity(name, args, 2)
            return PyObject(.bool(PyCompare.contains(args[0].value, args[1].value)))
        }
    }

    /// Calls a string method on `target` (which must be a str).
    static func method(_ name: String, on target: PyObject, _ args: [PyObject]) throws(EvalError) -> PyObject {
        guard case .str(let text) = target.value else { throw .type(".\(name)() needs a string, got \(target.value.typeName)") }
        switch name {
        case "lower", "upper":
            guard args.isEmpty else { throw .type("str.\(name)() takes no arguments (\(args.count) given)") }
            return PyObject(.str(name == "lower" ? PyText.lower(text) : PyText.upper(text)))
        case "strip":
            guard args.count <= 1 else { throw .type("strip expected at most 1 argument, got \(args.count)") }
            var characters: PyStr?
            switch args.first?.value {
            case nil, .none?: characters = nil
            case .str(let chars)?: characters = chars
            default: throw .type("strip arg must be None or str")
            }
            let stripped = PyText.strip(text, characters: characters)
            return stripped == text ? target : PyObject(.str(stripped))  // CPython returns the same object
        default:  // "startswith", "endswith"
            guard (1...3).contains(args.count) else { throw .type("\(name)() takes from 1 to 3 arguments (\(args.count) given)") }
            let start = args.count > 1 ? args[1].value : .none
            let end = args.count > 2 ? args[2].value : .none
            return PyObject(.bool(try affixMatch(name, text, args[0].value, start: start, end: end)))
        }
    }

    private static func arity(_ name: String, _ args: [PyObject], _ count: Int) throws(EvalError) {
        guard args.count == count else { throw .type("\(name)() takes exactly \(count) argument\(count == 1 ? "" : "s") (\(args.count) given)") }
    }

    private static func length(_ value: PyValue) throws(EvalError) -> Int {
        switch value {
        case .str(let text): return text.count
        case .list(let list): return list.count
        case .tuple(let items): return items.count
        case .set(let members): return members.count
        case .dict(let dict): return dict.count
        default: throw .type("object of type '\(value.typeName)' has no len()")
        }
    }

    private static func toInt(_ value: PyValue) throws(EvalError) -> PyInt {
        switch value {
        case .bool(let flag): return .small(flag ? 1 : 0)
        case .int(let int): return int
        case .float(let float):
            if float.isNaN { throw .value("cannot convert float NaN to integer") }
            guard let int = PyInt(exactly: float.rounded(.towardZero)) else { throw .overflow("cannot convert float infinity to integer") }
            return int
        case .str(let text):
            guard text.count <= maxNumericStringLength else { throw .value("numeric string too long") }
            return try PyNumberParsing.int(text)
        default:
            throw .type("int() argument must be a string, a bytes-like object or a real number, not '\(value.typeName)'")
        }
    }

    private static func toFloat(_ value: PyValue) throws(EvalError) -> Double {
        switch value {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let int):
            guard let double = int.double else { throw .overflow("int too large to convert to float") }
            return double
        case .float(let float): return float
        case .str(let text):
            guard text.count <= maxNumericStringLength else { throw .value("numeric string too long") }
            return try PyNumberParsing.float(text)
        default:
            throw .type("float() argument must be a string or a real number, not '\(value.typeName)'")
        }
    }

    /// `str.startswith` / `str.endswith`: the affix is a str or a tuple of str; start and end are slice
    /// bounds (int, bool or None; negative counts from the end), with CPython's clamping.
    private static func affixMatch(_ name: String, _ text: PyStr, _ affix: PyValue, start: PyValue, end: PyValue) throws(EvalError) -> Bool {
        let count = text.count
        var lower = try sliceIndex(start) ?? 0
        var upper = try sliceIndex(end) ?? count
        if upper > count { upper = count } else if upper < 0 { upper = max(0, upper + count) }
        if lower < 0 { lower = max(0, lower + count) }
        let candidates: [PyStr]
        switch affix {
        case .str(let single): candidates = [single]
        case .tuple(let items):
            var strings: [PyStr] = []
            for item in items {
                guard case .str(let string) = item.value else {
                    throw .type("tuple for \(name) must only contain str, not \(item.value.typeName)")
                }
                strings.append(string)
            }
            candidates = strings
        default:
            throw .type("\(name) first arg must be str or a tuple of str, not \(affix.typeName)")
        }
        return candidates.contains { candidate in
            let last = upper - candidate.count
            guard last >= lower else { return false }
            return text.matches(candidate, at: name == "startswith" ? lower : last)
        }
    }

    private static func sliceIndex(_ value: PyValue) throws(EvalError) -> Int? {
        switch value {
        case .none: return nil
        case .bool(let flag): return flag ? 1 : 0
        case .int(.small(let int)): return int
        case .int(.big(let negative, _)): return negative ? Int.min / 2 : Int.max / 2
        default: throw .type("slice indices must be integers or None or have an __index__ method")
        }
    }
}
