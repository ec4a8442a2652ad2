/// Python's `int(str)` and `float(str)` parsing (base 10).
enum PyNumberParsing {
    /// Maps Unicode decimal digits to ASCII and non-ASCII spaces to ' ', then trims the whitespace both
    /// `int()` and `float()` skip; nil when a character is neither ASCII, a space nor a decimal digit.
    private static func normalized(_ text: PyStr) -> [UInt32]? {
        var out: [UInt32] = []
        for unit in text.units {
            if unit < 0x7F {
                out.append(unit)
            } else if PyText.isSpace(unit) {
                out.append(0x20)
            } else if let scalar = Unicode.Scalar(unit), scalar.properties.numericType == .decimal,
                let value = scalar.properties.numericValue, value >= 0, value <= 9
            {
                out.append(0x30 + UInt32(value))
            } else {
                return nil
            }
        }
        var start = 0
        var end = out.count
        while start < end && PyText.isNumberSpace(out[start]) { start += 1 }
        while end > start && PyText.isNumberSpace(out[end - 1]) { end -= 1 }
        return Array(out[start..<end])
    }

    private static func isDigit(_ unit: UInt32) -> Bool { (0x30...0x39).contains(unit) }

    /// `int(text)`: optional sign, decimal digits with single underscores between them, surrounding space.
    static func int(_ text: PyStr) throws(EvalError) -> PyInt {
        let invalid = EvalError.value("invalid literal for int() with base 10: \(PyFormat.repr(text))")
        guard var units = normalized(text), !units.isEmpty else { throw invalid }
        var negative = false
        if units[0] == 0x2B || units[0] == 0x2D {
            negative = units[0] == 0x2D
            units.removeFirst()
        }
        guard let digits = withoutUnderscores(units), !digits.isEmpty, digits.allSatisfy(isDigit) else { throw invalid }
        return PyInt(digits: digits, radix: 10, negative: negative)
    }

    /// `float(text)`: a decimal number with optional fraction and exponent, or inf / infinity / nan, any
    /// case, optionally signed; underscores only between digits.
    static func float(_ text: PyStr) throws(EvalError) -> Double {
        let invalid = EvalError.value("could not convert string to float: \(PyFormat.repr(text))")
        guard let units = normalized(text), !units.isEmpty, let cleaned = withoutUnderscores(units) else { throw invalid }
        var body = cleaned
        var negative = false
        if let first = body.first, first == 0x2B || first == 0x2D {
            negative = first == 0x2D
            body.removeFirst()
        }
        let word = String(String.UnicodeScalarView(body.compactMap(Unicode.Scalar.init))).lowercased()
        if word == "inf" || word == "infinity" { return negative ? -.infinity : .infinity }
        if word == "nan" { return .nan }
        guard isDecimalFloat(body), let value = Double(String(String.UnicodeScalarView(cleaned.compactMap(Unicode.Scalar.init))))
        else { throw invalid }
        return value
    }

    /// Digits, optional '.', digits (at least one digit in all), then optionally e, sign, digits.
    private static func isDecimalFloat(_ units: [UInt32]) -> Bool {
        var index = 0
        var mantissaDigits = 0
        while index < units.count && isDigit(units[index]) {
            index += 1
            mantissaDigits += 1
        }
        if index < units.count && units[index] == 0x2E {
            index += 1
            while index < units.count && isDigit(units[index]) {
                index += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return false }
        if index < units.count && (units[index] == 0x65 || units[index] == 0x45) {
            index += 1
            if index < units.count && (units[index] == 0x2B || units[index] == 0x2D) { index += 1 }
            let start = index
            while index < units.count && isDigit(units[index]) { index += 1 }
            guard index > start else { return false }
        }
        return index == units.count
    }

    /// The text without its underscores, if each one stands between two digits.
    private static func withoutUnderscores(_ units: [UInt32]) -> [UInt32]? {
        var out: [UInt32] = []
        for (index, unit) in units.enumerated() {
            if unit == 0x5F {
                guard index > 0, index + 1 < units.count, isDigit(units[index - 1]), isDigit(units[index + 1]) else { return nil }
            } else {
                out.append(unit)
            }
        }
        return out
    }
}
