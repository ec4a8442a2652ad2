/// Python's Unicode character rules that Swift spells differently: whitespace, printability, case mapping.
enum PyText {
    /// `str.isspace()`: Unicode White_Space plus the ASCII information separators U+001C...U+001F.
    static func isSpace(_ unit: UInt32) -> Bool {
        switch unit {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The whitespace `int()` and `float()` skip around a number once non-ASCII spaces are mapped to ' '.
    static func isNumberSpace(_ unit: UInt32) -> Bool {
        switch unit {
        case 0x09...0x0D, 0x20: true
        case 0x1C...0x1F: false
        default: unit >= 0x80 && isSpace(unit)
        }
    }

    /// "U+00A0": how Python's messages name a code point.
    static func codePoint(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `str.isprintable()` for one code point: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (space excepted).
    static func isPrintable(_ unit: UInt32) -> Bool {
        if unit == 0x20 { return true }
        guard let scalar = Unicode.Scalar(unit) else { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// `str.strip()` with no argument, or with a set of characters.
    static func strip(_ text: PyStr, characters: PyStr?) -> PyStr {
        let strips: (UInt32) -> Bool
        if let characters {
            let set = Set(characters.units)
            strips = { set.contains($0) }
        } else {
            strips = isSpace
        }
        var start = 0
        var end = text.count
        while start < end && strips(text.units[start]) { start += 1 }
        while end > start && strips(text.units[end - 1]) { end -= 1 }
        return PyStr(units: Array(text.units[start..<end]))
    }

    /// `str.upper()`: each code point's full uppercase mapping (so 'ß' becomes "SS").
    static func upper(_ text: PyStr) -> PyStr {
        var out: [UInt32] = []
        out.reserveCapacity(text.count)
        for unit in text.units {
            if let scalar = Unicode.Scalar(unit) {
                out.append(contentsOf: scalar.properties.uppercaseMapping.unicodeScalars.map(\.value))
            } else {
                out.append(unit)
            }
        }
        return PyStr(units: out)
    }

    /// `str.lower()`: each code point's full lowercase mapping, with Python's Final_Sigma rule for 'Σ'.
    static func lower(_ text: PyStr) -> PyStr {
        var out: [UInt32] = []
        out.reserveCapacity(text.count)
        for (index, unit) in text.units.enumerated() {
            if unit == 0x3A3 {
                out.append(isFinalSigma(text.units, at: index) ? 0x3C2 : 0x3C3)
            } else if let scalar = Unicode.Scalar(unit) {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars.map(\.value))
            } else {
                out.append(unit)
            }
        }
        return PyStr(units: out)
    }

    /// Cased, then case-ignorables, then the sigma, and no case-ignorables-then-cased after it.
    private static func isFinalSigma(_ units: [UInt32], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0 && isCaseIgnorable(units[before]) { before -= 1 }
        guard before >= 0, isCased(units[before]) else { return false }
        var after = index + 1
        while after < units.count && isCaseIgnorable(units[after]) { after += 1 }
        return after == units.count || !isCased(units[after])
    }

    private static func isCased(_ unit: UInt32) -> Bool {
        Unicode.Scalar(unit)?.properties.isCased ?? false
    }

    private static func isCaseIgnorable(_ unit: UInt32) -> Bool {
        Unicode.Scalar(unit)?.properties.isCaseIgnorable ?? false
    }
}
