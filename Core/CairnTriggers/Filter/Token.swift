/// A lexical token of the expression, as Python's tokenizer would produce it.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        /// An identifier, NFKC-normalized as Python normalizes non-ASCII names.
        case name(String)
        /// A Python keyword (True, False, None, and, or, not, in, is, lambda, if, ...).
        case keyword(String)
        case number(NumberLiteral)
        case string(StringLiteral)
        /// An operator or delimiter: `==`, `(`, `.`, `+`, ...
        case op(String)
        /// The end of a logical line outside brackets.
        case newline
        case end
    }

    var kind: Kind
    /// Code point offset in the stripped expression.
    var offset: Int

    func isOp(_ text: String) -> Bool { kind == .op(text) }

    func isKeyword(_ text: String) -> Bool { kind == .keyword(text) }
}

/// A number literal.
enum NumberLiteral: Sendable, Equatable {
    case int(PyInt)
    case float(Double)
    /// A complex literal such as `1j`, which the language refuses.
    case imaginary(String)
}

/// One string literal token (adjacent ones are concatenated by the parser).
struct StringLiteral: Sendable, Equatable {
    enum Flavor: Sendable, Equatable {
        case text
        case bytes
        case formatted
    }

    var value: PyStr
    var flavor: Flavor
}

/// A lexical or syntactic problem, at a code point offset of the stripped expression.
struct SyntaxIssue: Error, Sendable {
    var message: String
    var offset: Int?
}

/// Python's reserved words; none of them can be a name.
let pythonKeywords: Set<String> = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
    "pass", "raise", "return", "try", "while", "with", "yield",
]
