/// The three-way result of comparing two ordered values.
enum Ordering: Sendable {
    case less, equal, greater

    init<T: Comparable>(_ lhs: T, _ rhs: T) {
        self = lhs < rhs ? .less : (lhs == rhs ? .equal : .greater)
    }
}

/// A Python `int`: exact at any size. Values that fit in `Int` are `.small`; only the others are `.big`.
enum PyInt: Hashable, Sendable, CustomStringConvertible {
    case small(Int)
    case big(negative: Bool, magnitude: BigMagnitude)

    /// The integer `±magnitude`, as `.small` when it fits.
    init(negative: Bool, magnitude: BigMagnitude) {
        if let value = magnitude.uint64 {
            if !negative, value <= UInt64(Int.max) {
                self = .small(Int(value))
                return
            }
            if negative, value <= UInt64(Int.max) + 1 {
                self = .small(value == UInt64(Int.max) + 1 ? Int.min : -Int(value))
                return
            }
        }
        self = .big(negative: negative, magnitude: magnitude)
    }

    /// The integer a `Double` holds exactly; nil if it is not finite and integral.
    init?(exactly value: Double) {
        guard value.isFinite, value == value.rounded(.towardZero) else { return nil }
        if let small = Int(exactly: value) {
            self = .small(small)
            return
        }
        var magnitude = BigMagnitude(value.significandBitPattern | (1 << 52))
        magnitude.shiftLeft(Int(value.exponent) - 52)
        self.init(negative: value < 0, magnitude: magnitude)
    }

    /// Digits (ASCII, already checked, no underscores) in `radix`.
    init(digits: some Sequence<UInt32>, radix: UInt32, negative: Bool) {
        var magnitude = BigMagnitude(0)
        for digit in digits {
            let value: UInt32 =
                switch digit {
                case 0x30...0x39: digit - 0x30
                case 0x61...0x66: digit - 0x61 + 10
                default: digit - 0x41 + 10
                }
            magnitude.multiplyAdd(radix, value)
        }
        self.init(negative: negative, magnitude: magnitude)
    }

    var isZero: Bool { self == .small(0) }

    var negated: PyInt {
        switch self {
        case .small(let value):
            if value == Int.min { return .big(negative: false, magnitude: BigMagnitude(UInt64(Int.max) + 1)) }
            return .small(-value)
        case .big(let negative, let magnitude):
            return PyInt(negative: !negative, magnitude: magnitude)
        }
    }

    var description: String {
        switch self {
        case .small(let value): String(value)
        case .big(let negative, let magnitude): (negative ? "-" : "") + magnitude.decimal
        }
    }

    /// Python's `float(int)`: correctly rounded; nil when it overflows (Python raises OverflowError).
    var double: Double? {
        switch self {
        case .small(let value): return Double(value)
        case .big:
            guard let value = Double(description), value.isFinite else { return nil }
            return value
        }
    }

    static func compare(_ lhs: PyInt, _ rhs: PyInt) -> Ordering {
        switch (lhs, rhs) {
        case (.small(let a), .small(let b)): return Ordering(a, b)
        case (.small, .big(let negative, _)): return negative ? .greater : .less
        case (.big(let negative, _), .small): return negative ? .less : .greater
        case (.big(let negA, let magA), .big(let negB, let magB)):
            if negA != negB { return negA ? .less : .greater }
            let order = Ordering(magA, magB)
            guard negA else { return order }
            return order == .less ? .greater : (order == .greater ? .less : .equal)
        }
    }

    /// Exact comparison with a float, as Python does it (no rounding of the int); nil when `rhs` is NaN.
    static func compare(_ lhs: PyInt, _ rhs: Double) -> Ordering? {
        if rhs.isNaN { return nil }
        if rhs == .infinity { return .less }
        if rhs == -.infinity { return .greater }
        let floor = rhs.rounded(.down)
        guard let floorInt = PyInt(exactly: floor) else { return nil }
        switch compare(lhs, floorInt) {
        case .less: return .less
        case .greater: return .greater
        case .equal: return floor == rhs ? .equal : .less
        }
    }
}
