/// Python's `str()` and `repr()` of the language's values.
enum PyFormat {
    /// `str(x)`: a string is itself; everything else is its repr.
    static func str(_ value: PyValue) -> PyStr {
        if case .str(let text) = value { return text }
        return PyStr(repr(value))
    }

    /// `repr(x)`. Dict keys come in code point order: JSON objects reach Swift without their key order.
    static func repr(_ value: PyValue) -> String {
        switch value {
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let int): return int.description
        case .float(let float): return repr(float)
        case .str(let text): return repr(text)
        case .list(let list): return "[" + list.elements.map(repr).joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + repr(items[0].value) + ",)" }
            return "(" + items.map { repr($0.value) }.joined(separator: ", ") + ")"
        case .set(let members):
            if members.isEmpty { return "set()" }
            return "{" + members.map(repr).joined(separator: ", ") + "}"
        case .dict(let dict):
            let entries = dict.sortedKeys.map { key in
                repr(key) + ": " + (dict.value(for: key).map(repr) ?? "None")
            }
            return "{" + entries.joined(separator: ", ") + "}"
        }
    }

    /// A string literal as Python writes it: single quotes unless the text has a ' and no ", with
    /// backslash escapes for the quote, the backslash, \t \n \r and every non-printable code point.
    static func repr(_ text: PyStr) -> String {
        let quote: UInt32 = text.units.contains(0x27) && !text.units.contains(0x22) ? 0x22 : 0x27
        var out = quote == 0x22 ? "\"" : "'"
        for unit in text.units {
            switch unit {
            case quote, 0x5C: out += "\\" + String(UnicodeScalar(UInt8(unit)))
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            default:
                if unit < 0x7F && unit >= 0x20 || unit >= 0x7F && PyText.isPrintable(unit), let scalar = Unicode.Scalar(unit) {
                    out.unicodeScalars.append(scalar)
                } else if unit < 0x100 {
                    out += "\\x" + hex(unit, width: 2)
                } else if unit < 0x10000 {
                    out += "\\u" + hex(unit, width: 4)
                } else {
                    out += "\\U" + hex(unit, width: 8)
                }
            }
        }
        return out + (quote == 0x22 ? "\"" : "'")
    }

    private static func hex(_ unit: UInt32, width: Int) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `repr(float)`: the shortest digits that round-trip, in fixed notation when the decimal exponent is
    /// in -4...16 and in exponent notation (`1e+16`, `1.5e-07`) otherwise, with ".0" on integral values.
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0.0" }
        // Swift's description has the same shortest round-trip digits; only the layout differs.
        let text = abs(value).description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts.first.map(String.init) ?? text
        var exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(pieces[0])
        let fraction = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = Array(whole + fraction)
        exponent += whole.count  // value = 0.digits × 10^exponent
        while digits.first == "0" {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        if exponent > 16 || exponent <= -4 {
            let power = exponent - 1
            let head = String(digits[0]) + (digits.count > 1 ? "." + String(digits[1...]) : "")
            let magnitude = String(abs(power))
            return sign + head + "e" + (power < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if exponent <= 0 { return sign + "0." + String(repeating: "0", count: -exponent) + String(digits) }
        if exponent >= digits.count { return sign + String(digits) + String(repeating: "0", count: exponent - digits.count) + ".0" }
        return sign + String(digits[..<exponent]) + "." + String(digits[exponent...])
    }
}
