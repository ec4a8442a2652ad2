/// Number literals, following Python 3.11's tokenizer: decimal, 0x / 0o / 0b, floats, exponents,
/// underscores between digits, and the check of what may follow a number.
extension Tokenizer {
    /// Reads a number starting at `index` (a digit, or '.' before a digit).
    mutating func number() throws(SyntaxIssue) -> Token {
        let start = index
        let first = units[index]
        let second = peek(1) | 0x20
        if first == 0x30, second == 0x78 || second == 0x6F || second == 0x62 {
            return try prefixedInteger(start: start, radix: second == 0x78 ? 16 : (second == 0x6F ? 8 : 2))
        }
        var isFloat = false
        if first == 0x2E {
            index += 1
            try decimalTail()
            isFloat = true
        } else if first == 0x30 {
            index += 1
            while true {
                if peek() == 0x5F {
                    index += 1
                    guard Tokenizer.isDigit(peek()) else { throw SyntaxIssue(message: "invalid decimal literal", offset: index) }
                }
                guard peek() == 0x30 else { break }
                index += 1
            }
            let nonzero = Tokenizer.isDigit(peek())
            if nonzero { try decimalTail() }
            let next = peek() | 0x20
            if nonzero, peek() != 0x2E, next != 0x65, next != 0x6A {
                throw SyntaxIssue(
                    message: "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", offset: start)
            }
        } else {
            try decimalTail()
        }
        if !isFloat, peek() == 0x2E {
            index += 1
            isFloat = true
            if Tokenizer.isDigit(peek()) { try decimalTail() }
        }
        if peek() | 0x20 == 0x65 {
            let exponentStart = index
            index += 1
            if peek() == 0x2B || peek() == 0x2D {
                index += 1
                guard Tokenizer.isDigit(peek()) else { throw SyntaxIssue(message: "invalid decimal literal", offset: index) }
            }
            if Tokenizer.isDigit(peek()) {
                try decimalTail()
                isFloat = true
            } else {
                index = exponentStart  // "1else": the number ends before the keyword
                try verifyEnd("decimal")
                return try finish(start: start, isFloat: isFloat)
            }
        }
        if peek() | 0x20 == 0x6A {
            index += 1
            try verifyEnd("imaginary")
            return Token(kind: .number(.imaginary(text(start))), offset: start)
        }
        try verifyEnd("decimal")
        return try finish(start: start, isFloat: isFloat)
    }

    private func text(_ start: Int) -> String {
        String(String.UnicodeScalarView(units[start..<index].compactMap(Unicode.Scalar.init)))
    }

    private func finish(start: Int, isFloat: Bool) throws(SyntaxIssue) -> Token {
        let digits = units[start..<index].filter { $0 != 0x5F }
        if !isFloat { return Token(kind: .number(.int(PyInt(digits: digits, radix: 10, negative: false))), offset: start) }
        let literal = String(String.UnicodeScalarView(digits.compactMap(Unicode.Scalar.init)))
        guard let value = Double(literal) else { throw SyntaxIssue(message: "invalid decimal literal", offset: start) }
        return Token(kind: .number(.float(value)), offset: start)
    }

    /// Digits with single underscores between them; `index` is at the first digit.
    private mutating func decimalTail() throws(SyntaxIssue) {
        while true {
            while Tokenizer.isDigit(peek()) { index += 1 }
            guard peek() == 0x5F else { return }
            index += 1
            guard Tokenizer.isDigit(peek()) else { throw SyntaxIssue(message: "invalid decimal literal", offset: index) }
        }
    }

    private mutating func prefixedInteger(start: Int, radix: UInt32) throws(SyntaxIssue) -> Token {
        let kind = radix == 16 ? "hexadecimal" : (radix == 8 ? "octal" : "binary")
        func isRadixDigit(_ unit: UInt32) -> Bool {
            switch radix {
            case 16: Tokenizer.isDigit(unit) || (0x61...0x66).contains(unit | 0x20)
            case 8: (0x30...0x37).contains(unit)
            default: unit == 0x30 || unit == 0x31
            }
        }
        index += 2
        repeat {
            if peek() == 0x5F { index += 1 }
            guard isRadixDigit(peek()) else {
                if radix != 16, Tokenizer.isDigit(peek()) {
                    throw SyntaxIssue(message: "invalid digit '\(Character(Unicode.Scalar(UInt8(peek()))))' in \(kind) literal", offset: index)
                }
                throw SyntaxIssue(message: "invalid \(kind) literal", offset: index)
            }
            while isRadixDigit(peek()) { index += 1 }
        } while peek() == 0x5F
        if radix != 16, Tokenizer.isDigit(peek()) {
            throw SyntaxIssue(message: "invalid digit '\(Character(Unicode.Scalar(UInt8(peek()))))' in \(kind) literal", offset: index)
        }
        try verifyEnd(kind)
        let digits = units[(start + 2)..<index].filter { $0 != 0x5F }
        return Token(kind: .number(.int(PyInt(digits: digits, radix: radix, negative: false))), offset: start)
    }

    /// A number may be followed directly by the keywords and, else, for, if, in, is, not, or (Python
    /// warns but accepts `1or 2`); any other letter or digit right after it is an error.
    private func verifyEnd(_ kind: String) throws(SyntaxIssue) {
        let next = peek()
        let follows: (String) -> Bool = { word in
            word.unicodeScalars.enumerated().allSatisfy { self.peek($0.offset + 1) == $0.element.value }
        }
        let keywordAhead: Bool =
            switch next {
            case 0x61: follows("nd")
            case 0x65: follows("lse")
            case 0x66: follows("or")
            case 0x69: [0x66, 0x6E, 0x73].contains(peek(1))
            case 0x6F: follows("r")
            case 0x6E: follows("ot")
            default: false
            }
        if !keywordAhead && Tokenizer.isIdentifierChar(next) {
            throw SyntaxIssue(message: "invalid \(kind) literal", offset: index)
        }
    }
}
