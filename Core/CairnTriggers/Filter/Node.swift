/// The parsed expression: the subset of Python's `ast` that the language allows, one case per node kind.
indirect enum Node: Sendable {
    case constant(PyValue)
    case name(String, offset: Int)
    case list([Node])
    case tuple([Node])
    case set([Node])
    case and([Node])
    case or([Node])
    case not(Node)
    case negate(Node)
    case compare(Node, [(CompareOp, Node)])
    case index(Node, Node)
    case attribute(Node, String, offset: Int)
    case call(Node, [Node], offset: Int)

    /// How many nodes Python's `ast.walk` yields for this subtree, counting the context (`Load`) and
    /// operator nodes it also yields, so that the 200-node limit falls where promptise's does.
    var pythonNodeCount: Int {
        switch self {
        case .constant: 1
        case .name: 2
        case .list(let items), .tuple(let items): 2 + items.reduce(0) { $0 + $1.pythonNodeCount }
        case .set(let items): 1 + items.reduce(0) { $0 + $1.pythonNodeCount }
        case .and(let items), .or(let items): 2 + items.reduce(0) { $0 + $1.pythonNodeCount }
        case .not(let operand), .negate(let operand): 2 + operand.pythonNodeCount
        case .compare(let left, let rest): 1 + left.pythonNodeCount + rest.reduce(0) { $0 + 1 + $1.1.pythonNodeCount }
        case .index(let value, let key): 2 + value.pythonNodeCount + key.pythonNodeCount
        case .attribute(let value, _, _): 2 + value.pythonNodeCount
        case .call(let function, let args, _): 1 + function.pythonNodeCount + args.reduce(0) { $0 + $1.pythonNodeCount }
        }
    }

    /// promptise's whitelist check of what parsing alone cannot refuse: names and attributes starting
    /// with '_', and calls of anything but the allowed functions and string methods.
    func validate() throws(SyntaxIssue) {
        switch self {
        case .constant:
            return
        case .name(let name, let offset):
            if name.hasPrefix("_") { throw SyntaxIssue(message: "name '\(name)' is not allowed (names starting with '_' are refused)", offset: offset) }
        case .list(let items), .tuple(let items), .set(let items), .and(let items), .or(let items):
            for item in items { try item.validate() }
        case .not(let operand), .negate(let operand):
            try operand.validate()
        case .compare(let left, let rest):
            try left.validate()
            for (_, operand) in rest { try operand.validate() }
        case .index(let value, let key):
            try value.validate()
            try key.validate()
        case .attribute(let value, let name, let offset):
            if name.hasPrefix("_") {
                throw SyntaxIssue(message: "attribute '\(name)' is not allowed (names starting with '_' are refused)", offset: offset)
            }
            try value.validate()
        case .call(let function, let args, let offset):
            switch function {
            case .name(let name, _):
                guard Builtins.functions.contains(name) else {
                    let allowed = Builtins.functions.sorted().joined(separator: ", ")
                    throw SyntaxIssue(message: "function '\(name)' is not allowed (allowed: \(allowed))", offset: offset)
                }
            case .attribute(let target, let name, let attributeOffset):
                guard Builtins.methods.contains(name) else {
                    let allowed = Builtins.methods.sorted().joined(separator: ", ")
                    throw SyntaxIssue(message: "method '\(name)' is not allowed (allowed: \(allowed))", offset: attributeOffset)
                }
                try target.validate()
            default:
                throw SyntaxIssue(message: "only named functions can be called, such as len(x) or x.lower()", offset: offset)
            }
            for arg in args { try arg.validate() }
        }
    }
}
