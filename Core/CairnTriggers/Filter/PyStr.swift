/// A Python `str`: a sequence of code points.
///
/// Unlike Swift's `String` it compares, hashes, counts and indexes code point by code point (no canonical
/// equivalence, no grapheme clusters), as Python does, and it can hold the lone surrogates that a
/// `'\ud800'` literal makes.
struct PyStr: Hashable, Sendable, Comparable {
    var units: [UInt32]

    init(units: [UInt32]) {
        self.units = units
    }

    init(_ string: String) {
        units = string.unicodeScalars.map(\.value)
    }

    /// The text as a Swift string; a lone surrogate becomes U+FFFD.
    var string: String {
        var view = String.UnicodeScalarView()
        for unit in units {
            view.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
        }
        return String(view)
    }

    var count: Int { units.count }

    var isEmpty: Bool { units.isEmpty }

    static func < (lhs: PyStr, rhs: PyStr) -> Bool {
        lhs.units.lexicographicallyPrecedes(rhs.units)
    }

    /// Whether `units[start..<end]` (already clamped) equals `other`.
    func matches(_ other: PyStr, at start: Int) -> Bool {
        guard start >= 0, start + other.count <= count else { return false }
        return units[start..<(start + other.count)].elementsEqual(other.units)
    }

    /// Python's `needle in self`: substring search (Knuth–Morris–Pratt, linear in both lengths).
    func contains(_ needle: PyStr) -> Bool {
        let pattern = needle.units
        if pattern.isEmpty { return true }
        if pattern.count > units.count { return false }
        var failure = [Int](repeating: 0, count: pattern.count)
        var length = 0
        for index in 1..<pattern.count {
            while length > 0 && pattern[index] != pattern[length] { length = failure[length - 1] }
            if pattern[index] == pattern[length] { length += 1 }
            failure[index] = length
        }
        var matched = 0
        for unit in units {
            while matched > 0 && unit != pattern[matched] { matched = failure[matched - 1] }
            if unit == pattern[matched] { matched += 1 }
            if matched == pattern.count { return true }
        }
        return false
    }
}
