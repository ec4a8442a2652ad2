/// String literals: quotes (single, double, triple), prefixes, and backslash escapes as Python decodes them.
extension Tokenizer {
    /// Reads a string whose opening quote is at `index`; `start` is where its prefix began.
    mutating func string(prefix: (bytes: Bool, raw: Bool, formatted: Bool), start: Int) throws(SyntaxIssue) -> Token {
        let quote = units[index]
        let triple = peek(1) == quote && peek(2) == quote
        index += triple ? 3 : 1
        let contentStart = index
        var contentEnd = index
        while true {
            guard index < units.count, triple || units[index] != 0x0A else {
                let line = units[..<min(index, units.count)].filter { $0 == 0x0A }.count + 1
                let what = triple ? "unterminated triple-quoted string literal" : "unterminated string literal"
                throw SyntaxIssue(message: "\(what) (detected at line \(line))", offset: start)
            }
            let unit = units[index]
            if unit == 0x5C {
                index += 2
                continue
            }
            if unit == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                contentEnd = index
                index += triple ? 3 : 1
                break
            }
            index += 1
        }
        let content = units[contentStart..<contentEnd]
        let flavor: StringLiteral.Flavor = prefix.bytes ? .bytes : (prefix.formatted ? .formatted : .text)
        if flavor != .text || prefix.raw {
            return Token(kind: .string(StringLiteral(value: PyStr(units: Array(content)), flavor: flavor)), offset: start)
        }
        let decoded = try StringEscapes.decode(content, literalStart: start)
        return Token(kind: .string(StringLiteral(value: PyStr(units: decoded), flavor: .text)), offset: start)
    }
}

/// Python's backslash escapes in a (non-raw) string literal.
enum StringEscapes {
    static func decode(_ raw: ArraySlice<UInt32>, literalStart: Int) throws(SyntaxIssue) -> [UInt32] {
        let text = Array(raw)
        var out: [UInt32] = []
        out.reserveCapacity(text.count)
        var index = 0
        func fail(_ why: String) -> SyntaxIssue {
            SyntaxIssue(message: "(unicode error) 'unicodeescape' codec can't decode bytes: \(why)", offset: literalStart)
        }
        func hexDigits(_ count: Int, _ name: String) throws(SyntaxIssue) -> UInt32 {
            var value: UInt32 = 0
            for offset in 1...count {
                guard index + offset < text.count, let digit = hexValue(text[index + offset]) else { throw fail("truncated \(name) escape") }
                value = value * 16 + digit
            }
            index += count + 1
            return value
        }
        while index < text.count {
            let unit = text[index]
            guard unit == 0x5C, index + 1 < text.count else {
                out.append(unit)
                index += 1
                continue
            }
            let next = text[index + 1]
            switch next {
            case 0x0A:
                index += 2
            case _ where simpleEscapes[next] != nil:
                out.append(simpleEscapes[next] ?? next)
                index += 2
            case 0x30...0x37:
                var value: UInt32 = 0
                var length = 0
                while length < 3, index + 1 + length < text.count, (0x30...0x37).contains(text[index + 1 + length]) {
                    value = value * 8 + text[index + 1 + length] - 0x30
                    length += 1
                }
                out.append(value)
                index += 1 + length
            case 0x78:
                index += 1
                out.append(try hexDigits(2, "\\xXX"))
            case 0x75:
                index += 1
                out.append(try hexDigits(4, "\\uXXXX"))
            case 0x55:
                index += 1
                let value = try hexDigits(8, "\\UXXXXXXXX")
                guard value <= 0x10FFFF else { throw fail("illegal Unicode character") }
                out.append(value)
            case 0x4E:
                guard index + 2 < text.count, text[index + 2] == 0x7B, let close = text[(index + 3)...].firstIndex(of: 0x7D), close > index + 3
                else { throw fail("malformed \\N character escape") }
                let name = String(String.UnicodeScalarView(text[(index + 3)..<close].compactMap(Unicode.Scalar.init)))
                guard let scalar = scalar(named: name) else { throw fail("unknown Unicode character name") }
                out.append(scalar)
                index = close + 1
            default:  // not an escape: Python keeps the backslash (and warns)
                out.append(unit)
                index += 1
            }
        }
        return out
    }

    /// \\ \' \" \a \b \f \n \r \t \v
    private static let simpleEscapes: [UInt32: UInt32] = [
        0x5C: 0x5C, 0x27: 0x27, 0x22: 0x22, 0x61: 0x07, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09, 0x76: 0x0B,
    ]

    private static func hexValue(_ unit: UInt32) -> UInt32? {
        switch unit {
        case 0x30...0x39: unit - 0x30
        case 0x61...0x66: unit - 0x61 + 10
        case 0x41...0x46: unit - 0x41 + 10
        default: nil
        }
    }

    /// `\N{...}`: the code point with that Unicode name or name alias, any case. A linear scan of the
    /// code space: slow (a fraction of a second), but it runs only when an expression is compiled.
    private static func scalar(named name: String) -> UInt32? {
        let wanted = name.uppercased()
        guard !wanted.isEmpty, wanted.unicodeScalars.allSatisfy({ $0.isASCII }) else { return nil }
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            if properties.name == wanted || properties.nameAlias == wanted { return value }
        }
        return nil
    }
}
