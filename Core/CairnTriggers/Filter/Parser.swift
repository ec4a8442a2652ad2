/// A recursive-descent parser for the language, with Python's precedence (or < and < not < comparison <
/// unary minus < lookups and calls). Python syntax outside the language is refused here with a message
/// that names it; everything else that is not Python is a syntax error.
struct Parser {
    /// Unary operators nest no deeper: each is two nodes, so more would exceed the node limit anyway.
    static let maxUnaryDepth = 100

    private let tokens: [Token]
    var position = 0
    private var unaryDepth = 0

    private init(_ tokens: [Token]) {
        self.tokens = tokens
    }

    /// The expression's tree; `tokens` ends with `.end`.
    static func parse(_ tokens: [Token]) throws(SyntaxIssue) -> Node {
        var parser = Parser(tokens)
        let node = try parser.expressionList(closing: nil)
        while parser.current.kind == .newline { parser.position += 1 }
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return node
    }

    var current: Token { tokens[min(position, tokens.count - 1)] }

    func next(_ ahead: Int = 1) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    func unexpected() -> SyntaxIssue {
        SyntaxIssue(message: "invalid syntax", offset: current.offset)
    }

    func refuse(_ what: String, at token: Token? = nil) -> SyntaxIssue {
        SyntaxIssue(message: what, offset: (token ?? current).offset)
    }

    mutating func expect(_ op: String) throws(SyntaxIssue) {
        guard current.isOp(op) else { throw unexpected() }
        position += 1
    }

    /// `a, b, ...`: a tuple when there is a comma (at the top, in parentheses, in a subscript).
    mutating func expressionList(closing: String?) throws(SyntaxIssue) -> Node {
        var items = [try element(inSubscript: closing == "]")]
        var sawComma = false
        while current.isOp(",") {
            sawComma = true
            position += 1
            if let closing, current.isOp(closing) { break }
            if closing == nil, current.kind == .newline || current.kind == .end { break }
            items.append(try element(inSubscript: closing == "]"))
        }
        return sawComma ? .tuple(items) : items[0]
    }

    /// One element of a list, tuple, set or subscript: `*x` and slices are refused.
    mutating func element(inSubscript: Bool) throws(SyntaxIssue) -> Node {
        if current.isOp("*") { throw refuse("star expressions (*x) are not allowed") }
        if inSubscript, current.isOp(":") { throw refuse("slices are not allowed; index with a single key or number") }
        let node = try expression()
        if inSubscript, current.isOp(":") { throw refuse("slices are not allowed; index with a single key or number") }
        return node
    }

    mutating func expression() throws(SyntaxIssue) -> Node {
        if current.isKeyword("lambda") { throw refuse("lambda is not allowed") }
        let node = try disjunction()
        if current.isKeyword("if") { throw refuse("conditional expressions (x if c else y) are not allowed; use 'and' / 'or'") }
        if current.isOp(":=") { throw refuse("assignment expressions (:=) are not allowed") }
        if current.isKeyword("for") || current.isKeyword("async") { throw refuse("comprehensions and generator expressions are not allowed") }
        return node
    }

    private mutating func disjunction() throws(SyntaxIssue) -> Node {
        var items = [try conjunction()]
        while current.isKeyword("or") {
            position += 1
            items.append(try conjunction())
        }
        return items.count == 1 ? items[0] : .or(items)
    }

    private mutating func conjunction() throws(SyntaxIssue) -> Node {
        var items = [try inversion()]
        while current.isKeyword("and") {
            position += 1
            items.append(try inversion())
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    private mutating func inversion() throws(SyntaxIssue) -> Node {
        guard current.isKeyword("not") else { return try comparison() }
        position += 1
        try enterUnary()
        defer { unaryDepth -= 1 }
        return .not(try inversion())
    }

    private mutating func enterUnary() throws(SyntaxIssue) {
        unaryDepth += 1
        guard unaryDepth < Parser.maxUnaryDepth else {
            throw SyntaxIssue(message: "more than \(FilterExpression.maxNodes) elements; simplify the expression", offset: current.offset)
        }
    }

    private mutating func comparison() throws(SyntaxIssue) -> Node {
        let left = try operand()
        var rest: [(CompareOp, Node)] = []
        while let op = compareOperator() {
            rest.append((op, try operand()))
        }
        return rest.isEmpty ? left : .compare(left, rest)
    }

    /// Consumes a comparison operator, if one comes next.
    private mutating func compareOperator() -> CompareOp? {
        let token = current
        if case .op(let text) = token.kind, let op = CompareOp(rawValue: text), op != .isIn, op != .notIn, op != .isSame, op != .isNotSame {
            position += 1
            return op
        }
        if token.isKeyword("in") {
            position += 1
            return .isIn
        }
        if token.isKeyword("not"), next().isKeyword("in") {
            position += 2
            return .notIn
        }
        if token.isKeyword("is") {
            position += 1
            if current.isKeyword("not") {
                position += 1
                return .isNotSame
            }
            return .isSame
        }
        return nil
    }

    private static let arithmetic: Set<String> = ["+", "-", "*", "/", "//", "%", "**", "@", "|", "&", "^", "<<", ">>"]

    /// A comparison operand: unary minus over a primary; a binary operator after it is refused.
    private mutating func operand() throws(SyntaxIssue) -> Node {
        let node = try unary()
        if case .op(let text) = current.kind, Parser.arithmetic.contains(text) {
            throw refuse("operator '\(text)' is not allowed: filters compare values but do no arithmetic")
        }
        return node
    }

    private mutating func unary() throws(SyntaxIssue) -> Node {
        if current.isOp("+") || current.isOp("~") {
            throw refuse("unary '\(current.isOp("+") ? "+" : "~")' is not allowed (only 'not' and unary '-')")
        }
        guard current.isOp("-") else { return try primary() }
        position += 1
        try enterUnary()
        defer { unaryDepth -= 1 }
        return .negate(try unary())
    }

    /// An atom followed by `.name`, `[key]` and `(args)`.
    private mutating func primary() throws(SyntaxIssue) -> Node {
        var node = try atom()
        while true {
            if current.isOp(".") {
                position += 1
                guard case .name(let name) = current.kind else { throw unexpected() }
                node = .attribute(node, name, offset: current.offset)
                position += 1
            } else if current.isOp("[") {
                position += 1
                if current.isOp("]") { throw unexpected() }
                let key = try expressionList(closing: "]")
                try expect("]")
                node = .index(node, key)
            } else if current.isOp("(") {
                let offset = current.offset
                position += 1
                node = .call(node, try arguments(), offset: offset)
            } else {
                return node
            }
        }
    }

    /// Call arguments up to the closing ')': positional only.
    private mutating func arguments() throws(SyntaxIssue) -> [Node] {
        var args: [Node] = []
        while !current.isOp(")") {
            if current.isOp("*") || current.isOp("**") { throw refuse("star arguments (*args, **kwargs) are not allowed") }
            if case .name = current.kind, next().isOp("=") { throw refuse("keyword arguments are not allowed") }
            args.append(try expression())
            guard current.isOp(",") else { break }
            position += 1
        }
        try expect(")")
        return args
    }
}
