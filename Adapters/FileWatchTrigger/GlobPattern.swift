/// A compiled glob on `/`-separated relative paths.
///
/// `*` and `?` stay within one component, `**` as a whole component matches zero or more components (one or more at
/// the end, so `dir/**` matches files under `dir` but not a file named `dir`), `[...]` is a
/// character class (`!` or `^` first negates, `]` first is literal, `a-z` is a range), `\` escapes. A pattern without
/// `/` is matched against the last component only; a leading `/` anchors the pattern at the root.
struct GlobPattern: Sendable, Hashable {
    /// Why a pattern could not be compiled, phrased for the user.
    struct SyntaxError: Error, Sendable, Hashable {
        var message: String
    }

    enum Segment: Sendable, Hashable {
        case globstar
        case glob([Token])
    }

    enum Token: Sendable, Hashable {
        case literal(Unicode.Scalar)
        case anyOne
        case anyRun
        case set(CharacterSet, negated: Bool)
    }

    struct CharacterSet: Sendable, Hashable {
        var ranges: [ClosedRange<Unicode.Scalar>]

        func contains(_ scalar: Unicode.Scalar) -> Bool { ranges.contains { $0.contains(scalar) } }
    }

    /// The pattern as written.
    let source: String
    let segments: [Segment]
    /// `true` when the pattern has no `/`: it is matched against file names.
    let matchesNameOnly: Bool

    /// Compiles `pattern`, throwing a ``SyntaxError`` for an empty pattern, an empty component, an unclosed `[`, a
    /// reversed range, or a dangling `\`.
    init(_ pattern: String) throws(SyntaxError) {
        source = pattern
        guard !pattern.isEmpty else { throw SyntaxError(message: "a pattern cannot be empty; use \"*\" to match every file") }
        var body = Substring(pattern)
        let anchored = body.hasPrefix("/")
        if anchored { body = body.dropFirst() }
        guard !body.isEmpty else { throw SyntaxError(message: "\"/\" alone matches no file; use \"/*\" for top-level files") }
        guard !body.hasSuffix("/") else {
            throw SyntaxError(message: "patterns match files, so a trailing \"/\" matches nothing; use \"\(body)**\" for files under a folder")
        }
        matchesNameOnly = !anchored && !body.contains("/")
        var compiled: [Segment] = []
        for part in body.split(separator: "/", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw SyntaxError(message: "\"//\" makes an empty path component; write a single \"/\"") }
            if part == "**" {
                if compiled.last != .globstar { compiled.append(.globstar) }
            } else {
                compiled.append(.glob(try Self.tokens(of: part)))
            }
        }
        segments = compiled
    }

    /// Whether the relative path `path` (or, for a name-only pattern, its last component) matches.
    func matches(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if matchesNameOnly, let name = components.last {
            return matchSegments(segments[...], [name][...])
        }
        return matchSegments(segments[...], components[...])
    }

    private func matchSegments(_ pattern: ArraySlice<Segment>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        switch first {
        case .globstar:
            // A trailing `**` matches what is inside a folder, not the folder's own name: at least one component.
            if pattern.count == 1 { return !path.isEmpty }
            var rest = path
            while true {
                if matchSegments(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case .glob(let tokens):
            guard let component = path.first, Self.match(tokens, Array(component.unicodeScalars)) else { return false }
            return matchSegments(pattern.dropFirst(), path.dropFirst())
        }
    }

    /// Matches one component; `*` backtracks to its last position only, which is linear-times-pattern in the worst case.
    private static func match(_ tokens: [Token], _ name: [Unicode.Scalar]) -> Bool {
        var tokenIndex = 0
        var nameIndex = 0
        var starToken: Int?
        var starName = 0
        while nameIndex < name.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .anyRun:
                    starToken = tokenIndex
                    starName = nameIndex
                    tokenIndex += 1
                    continue
                case .anyOne:
                    tokenIndex += 1
                    nameIndex += 1
                    continue
                case .literal(let scalar) where scalar == name[nameIndex]:
                    tokenIndex += 1
                    nameIndex += 1
                    continue
                case .set(let set, let negated) where set.contains(name[nameIndex]) != negated:
                    tokenIndex += 1
                    nameIndex += 1
                    continue
                default:
                    break
                }
            }
            guard let star = starToken else { return false }
            tokenIndex = star + 1
            starName += 1
            nameIndex = starName
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .anyRun { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }

    private static func tokens(of component: Substring) throws(SyntaxError) -> [Token] {
        var result: [Token] = []
        var scalars = component.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "*":
                if result.last != .anyRun { result.append(.anyRun) }
            case "?":
                result.append(.anyOne)
            case "\\":
                guard let escaped = scalars.popFirst() else {
                    throw SyntaxError(message: "the pattern ends with \"\\\", which escapes nothing; write \"\\\\\" for a backslash")
                }
                result.append(.literal(escaped))
            case "[":
                result.append(try characterClass(&scalars))
            default:
                result.append(.literal(scalar))
            }
        }
        return result
    }

    /// Parses a class after its `[`, consuming through the closing `]`.
    private static func characterClass(_ scalars: inout Substring.UnicodeScalarView.SubSequence) throws(SyntaxError) -> Token {
        var negated = false
        if let first = scalars.first, first == "!" || first == "^" {
            negated = true
            scalars.removeFirst()
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var isFirst = true
        while let scalar = scalars.popFirst() {
            if scalar == "]" && !isFirst { return .set(CharacterSet(ranges: ranges), negated: negated) }
            isFirst = false
            var low = scalar
            if low == "\\" {
                guard let escaped = scalars.popFirst() else { break }
                low = escaped
            }
            if scalars.first == "-", let high = scalars.dropFirst().first, high != "]" {
                scalars.removeFirst(2)
                guard low <= high else {
                    throw SyntaxError(message: "the range \"\(low)-\(high)\" is reversed; write \"\(high)-\(low)\"")
                }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        throw SyntaxError(message: "a \"[\" is never closed; close the class with \"]\" or write \"\\[\" for a literal bracket")
    }
}
