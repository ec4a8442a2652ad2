/// Atoms: names, literals, and bracketed displays.
extension Parser {
    mutating func atom() throws(SyntaxIssue) -> Node {
        let token = current
        switch token.kind {
        case .name(let name):
            position += 1
            return .name(name, offset: token.offset)
        case .keyword(let word):
            switch word {
            case "True", "False":
                position += 1
                return .constant(.bool(word == "True"))
            case "None":
                position += 1
                return .constant(.none)
            case "lambda": throw refuse("lambda is not allowed")
            case "await", "yield": throw refuse("'\(word)' is not allowed")
            default: throw unexpected()
            }
        case .number(let number):
            position += 1
            switch number {
            case .int(let value): return .constant(.int(value))
            case .float(let value): return .constant(.float(value))
            case .imaginary(let text): throw refuse("unsupported literal \(text): complex numbers are not allowed", at: token)
            }
        case .string:
            return try strings()
        case .op("("):
            position += 1
            return try parenthesized()
        case .op("["):
            position += 1
            return .list(try display(closing: "]"))
        case .op("{"):
            position += 1
            if current.isOp("}") || current.isOp("**") { throw refuse("dict literals are not allowed", at: token) }
            let first = try element(inSubscript: false)
            if current.isOp(":") { throw refuse("dict literals are not allowed", at: token) }
            return .set(try display(closing: "}", first: first))
        case .op("..."):
            throw refuse("unsupported literal Ellipsis (...)")
        default:
            throw unexpected()
        }
    }

    /// Adjacent string literals, concatenated as Python does; bytes and f-strings are refused.
    private mutating func strings() throws(SyntaxIssue) -> Node {
        let start = current
        var units: [UInt32] = []
        var flavors: Set<StringLiteral.Flavor> = []
        while case .string(let literal) = current.kind {
            units += literal.value.units
            flavors.insert(literal.flavor)
            position += 1
        }
        if flavors.contains(.bytes) && flavors.count > 1 { throw SyntaxIssue(message: "cannot mix bytes and nonbytes literals", offset: start.offset) }
        if flavors.contains(.bytes) { throw refuse("unsupported literal: bytes (b'...') are not allowed", at: start) }
        if flavors.contains(.formatted) { throw refuse("f-strings are not allowed", at: start) }
        return .constant(.str(PyStr(units: units)))
    }

    /// After '(': the empty tuple, a group, or a tuple.
    private mutating func parenthesized() throws(SyntaxIssue) -> Node {
        if current.isOp(")") {
            position += 1
            return .tuple([])
        }
        if current.isKeyword("yield") { throw refuse("'yield' is not allowed") }
        let node = try expressionList(closing: ")")
        try expect(")")
        return node
    }

    /// The elements of a list or set display up to `closing`, with an optional trailing comma.
    private mutating func display(closing: String, first: Node? = nil) throws(SyntaxIssue) -> [Node] {
        var items: [Node] = []
        if let first {
            items.append(first)
            if !current.isOp(closing) { try expect(",") }
        }
        while !current.isOp(closing) {
            items.append(try element(inSubscript: false))
            guard current.isOp(",") else { break }
            position += 1
        }
        try expect(closing)
        return items
    }
}
