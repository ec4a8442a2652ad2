import Foundation

/// Splits an expression into tokens with the rules of Python's tokenizer (3.11): names, keywords,
/// numbers, strings, operators, comments, backslash continuations, and newlines inside brackets.
struct Tokenizer {
    /// Python refuses more nesting than this.
    static let maxNesting = 200

    let units: [UInt32]
    var index = 0
    private var tokens: [Token] = []
    private var brackets: [(unit: UInt32, offset: Int)] = []
    private var atLineStart = true

    private init(_ units: [UInt32]) {
        self.units = units
    }

    /// The tokens of `units` (newlines already translated to "\n"), ending with `.end`.
    static func tokenize(_ units: [UInt32]) throws(SyntaxIssue) -> [Token] {
        var tokenizer = Tokenizer(units)
        return try tokenizer.run()
    }

    func peek(_ ahead: Int = 0) -> UInt32 {
        index + ahead < units.count ? units[index + ahead] : 0
    }

    static func isDigit(_ unit: UInt32) -> Bool { (0x30...0x39).contains(unit) }

    static func isIdentifierChar(_ unit: UInt32) -> Bool {
        (0x61...0x7A).contains(unit) || (0x41...0x5A).contains(unit) || isDigit(unit) || unit == 0x5F || unit >= 0x80
    }

    private mutating func run() throws(SyntaxIssue) -> [Token] {
        while index < units.count {
            if atLineStart && brackets.isEmpty {
                try indentation()
                atLineStart = false
                continue
            }
            let unit = units[index]
            switch unit {
            case 0x20, 0x09, 0x0C:
                index += 1
            case 0x23:  // '#'
                while index < units.count && units[index] != 0x0A { index += 1 }
            case 0x5C:  // '\'
                guard peek(1) == 0x0A else { throw SyntaxIssue(message: "unexpected character after line continuation character", offset: index) }
                index += 2
            case 0x0A:
                index += 1
                if brackets.isEmpty {
                    if let last = tokens.last, last.kind != .newline { tokens.append(Token(kind: .newline, offset: index - 1)) }
                    atLineStart = true
                }
            case 0x22, 0x27:
                tokens.append(try string(prefix: (bytes: false, raw: false, formatted: false), start: index))
            case 0x30...0x39:
                tokens.append(try number())
            case 0x2E where Tokenizer.isDigit(peek(1)):
                tokens.append(try number())
            default:
                if Tokenizer.isIdentifierChar(unit) {
                    tokens.append(try word())
                } else {
                    tokens.append(try symbol())
                }
            }
        }
        if let open = brackets.last {
            throw SyntaxIssue(message: "'\(Character(Unicode.Scalar(UInt8(open.unit))))' was never closed", offset: open.offset)
        }
        tokens.append(Token(kind: .end, offset: units.count))
        return tokens
    }

    /// A line that holds a token must not be indented (only blank and comment lines may be). As in
    /// CPython, backslash continuations belong to the indentation, and the column at the first one that
    /// follows whitespace is the line's indentation; a form feed resets the column.
    private mutating func indentation() throws(SyntaxIssue) {
        var column = 0
        var continuationColumn = 0
        loop: while index < units.count {
            switch units[index] {
            case 0x20, 0x09: column += 1
            case 0x0C: column = 0
            case 0x5C where peek(1) == 0x0A:
                if continuationColumn == 0 { continuationColumn = column }
                index += 1
            default: break loop
            }
            index += 1
        }
        let indent = continuationColumn != 0 ? continuationColumn : column
        guard indent > 0, index < units.count, units[index] != 0x23, units[index] != 0x0A else { return }
        throw SyntaxIssue(message: "unexpected indent", offset: index)
    }

    /// A name, a keyword, or a string with a prefix (r, b, u, f and their allowed combinations).
    private mutating func word() throws(SyntaxIssue) -> Token {
        let start = index
        var flags = (bytes: false, raw: false, unicode: false, formatted: false)
        var cursor = index
        while cursor < units.count {
            let letter = units[cursor] | 0x20  // ASCII lowercase
            if letter == 0x62, !(flags.bytes || flags.unicode || flags.formatted) {
                flags.bytes = true
            } else if letter == 0x75, !(flags.bytes || flags.unicode || flags.raw || flags.formatted) {
                flags.unicode = true
            } else if letter == 0x72, !(flags.raw || flags.unicode) {
                flags.raw = true
            } else if letter == 0x66, !(flags.formatted || flags.bytes || flags.unicode) {
                flags.formatted = true
            } else {
                break
            }
            cursor += 1
            if cursor < units.count, units[cursor] == 0x22 || units[cursor] == 0x27 {
                index = cursor
                return try string(prefix: (flags.bytes, flags.raw, flags.formatted), start: start)
            }
        }
        while index < units.count && Tokenizer.isIdentifierChar(units[index]) { index += 1 }
        let scalars = units[start..<index].compactMap(Unicode.Scalar.init)
        for (position, scalar) in scalars.enumerated() {
            let ascii = scalar.isASCII
            let valid =
                position == 0
                ? (ascii ? !Tokenizer.isDigit(scalar.value) : scalar.properties.isXIDStart)
                : (ascii || scalar.properties.isXIDContinue)
            guard valid else {
                let code = PyText.codePoint(scalar.value)
                let message =
                    PyText.isPrintable(scalar.value) ? "invalid character '\(Character(scalar))' (\(code))" : "invalid non-printable character \(code)"
                throw SyntaxIssue(message: message, offset: start + position)
            }
        }
        var text = String(String.UnicodeScalarView(scalars))
        if pythonKeywords.contains(text) { return Token(kind: .keyword(text), offset: start) }
        if !scalars.allSatisfy(\.isASCII) { text = text.precomposedStringWithCompatibilityMapping }
        return Token(kind: .name(text), offset: start)
    }

    private static let operators: [String] = [
        "**=", "//=", ">>=", "<<=", "...", "!=", "==", "<=", ">=", "->", ":=", "**", "//", "<<", ">>", "+=", "-=", "*=", "/=",
        "%=", "&=", "|=", "^=", "@=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "+", "-", "*", "/", "%", "@", "|", "&",
        "^", "~", "<", ">", "=",
    ]

    /// An operator or bracket; anything else here is not Python.
    private mutating func symbol() throws(SyntaxIssue) -> Token {
        let start = index
        let unit = units[index]
        if unit < 0x20 || unit == 0x7F {
            throw SyntaxIssue(message: "invalid non-printable character \(PyText.codePoint(unit))", offset: start)
        }
        for op in Tokenizer.operators {
            let opUnits = op.unicodeScalars.map(\.value)
            guard index + opUnits.count <= units.count, units[index..<(index + opUnits.count)].elementsEqual(opUnits) else { continue }
            index += opUnits.count
            try track(bracket: opUnits[0], op: op, at: start)
            return Token(kind: .op(op), offset: start)
        }
        throw SyntaxIssue(message: "invalid syntax", offset: start)
    }

    private mutating func track(bracket unit: UInt32, op: String, at offset: Int) throws(SyntaxIssue) {
        guard op.count == 1 else { return }
        switch unit {
        case 0x28, 0x5B, 0x7B:
            guard brackets.count < Tokenizer.maxNesting else { throw SyntaxIssue(message: "too many nested parentheses", offset: offset) }
            brackets.append((unit, offset))
        case 0x29, 0x5D, 0x7D:
            guard let open = brackets.popLast() else { throw SyntaxIssue(message: "unmatched '\(op)'", offset: offset) }
            let expected: UInt32 = open.unit == 0x28 ? 0x29 : open.unit + 2
            guard expected == unit else {
                let opening = Character(Unicode.Scalar(UInt8(open.unit)))
                throw SyntaxIssue(message: "closing parenthesis '\(op)' does not match opening parenthesis '\(opening)'", offset: offset)
            }
        default:
            break
        }
    }
}
