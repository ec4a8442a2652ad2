import CairnCore
import CairnTriggers
import Foundation
import Testing

/// Seeded random expressions, judged by promptise and by Swift: a third character soup (number, string
/// and line edge cases for the tokenizer), a third token soup (mostly syntax errors, for the parser) and a
/// third grammar-shaped (mostly valid, for evaluation).
@Suite struct FuzzDifferentialTests {
    /// SplitMix64: a fixed seed gives the same expressions on every run.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let fragments = [
        "action", "count", "labels", "payload", "metadata", "trigger_type", "x", "_x", "len", "str", "int", "lower", "startswith",
        "contains", "True", "False", "None", "not", "and", "or", "in", "is", "if", "else", "lambda", "for", "0", "1", "3", "2.5", "1e3",
        "0x1F", "01", "1_0", ".5", "1j", "-1", "'a'", "\"opened\"", "'bug'", "''", "r'\\d'", "b'x'", "f'x'", "'\\x41'", "'é'", "==", "!=",
        "<", "<=", ">", ">=", "+", "-", "*", "(", ")", "[", "]", "{", "}", ",", ".", ":", "**", "~", "=", ":=", ".lower()", ".strip()",
        "[0]", "[-1]", "['a']", ".name", "#c\n", "\\\n", "\n", "...",
    ]
    static let atoms = [
        "action", "count", "ratio", "labels", "payload", "metadata", "missing", "nested", "mixed", "title", "empty", "neg", "flag",
        "trigger_type", "event_id", "0", "1", "3", "-1", "2.5", "0.0", "1e20", "True", "False", "None", "'opened'", "'bug'", "''", "'a'",
        "'Straße'", "[]", "()", "[1, 'a']", "(1,)", "{1, 2}", "[None]", "float('nan')", "257",
    ]
    static let suffixes = ["", "", "", ".lower()", ".upper()", ".strip()", "[0]", "[-1]", "[1]", "['a']", ".a", ".name", ".startswith('o')"]
    static let functions = ["len", "str", "int", "float", "bool", "lower", "upper", "startswith", "endswith", "contains"]
    static let operators = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not", "and", "or"]

    static let characters = [
        "0", "1", "9", "8", "7", "e", "E", "j", "x", "o", "b", "_", ".", "'", "\"", "\\", "n", "N", "{", "}", "u", "U", "r", "f", "d",
        "a", "i", "s", "l", " ", "\t", "\n", "\r", "\u{0C}", "\u{1C}", "\u{A0}", "#", "(", ")", "[", "]", ",", "-", "+", "=", "<", "é",
        "0x", "0o", "0b", "1e",
    ]

    static func characterSoup(_ random: inout Random) -> String {
        (0..<(1 + random.below(9))).map { _ in random.pick(characters) }.joined()
    }

    static func soup(_ random: inout Random) -> String {
        (0..<(1 + random.below(8))).map { _ in random.pick(fragments) }.joined(separator: random.pick([" ", " ", "", "  "]))
    }

    static func grammar(_ random: inout Random, depth: Int = 0) -> String {
        let choice = depth > 3 ? random.below(2) : random.below(8)
        switch choice {
        case 0, 1: return random.pick(atoms) + random.pick(suffixes)
        case 2: return "not " + grammar(&random, depth: depth + 1)
        case 3: return "(" + grammar(&random, depth: depth + 1) + ")"
        case 4:
            let args = (0..<random.below(3)).map { _ in grammar(&random, depth: depth + 1) }
            return random.pick(functions) + "(" + args.joined(separator: ", ") + ")"
        case 5: return "[" + grammar(&random, depth: depth + 1) + ", " + grammar(&random, depth: depth + 1) + "]"
        default:
            return grammar(&random, depth: depth + 1) + " " + random.pick(operators) + " " + grammar(&random, depth: depth + 1)
        }
    }

    @Test(.enabled(if: DifferentialTests.oracleAvailable, "python3 with promptise 1.10.1 is needed: pip install --no-deps promptise==1.10.1"))
    func randomExpressionsAgree() throws {
        var random = Random(state: 20_250_101)
        var expressions: [String] = []
        for index in 0..<4500 {
            switch index % 3 {
            case 0: expressions.append(Self.characterSoup(&random))
            case 1: expressions.append(Self.soup(&random))
            default: expressions.append(Self.grammar(&random))
            }
        }
        let corpusFile = try DifferentialTests.resource("differential_corpus", "json")
        let corpus = try JSONDecoder().decode(DifferentialTests.Corpus.self, from: Data(contentsOf: corpusFile))
        let eventIndices = [0, 2, 3]  // pull_request, Unicode-and-numbers, no payload
        let cases = expressions.flatMap { expression in eventIndices.map { DifferentialTests.Case(expression: expression, event: $0) } }
        let output = try DifferentialTests.runPython(
            DifferentialTests.resource("promptise_oracle", "py"), [corpusFile.path], input: JSONEncoder().encode(cases))
        let expected = try JSONDecoder().decode([DifferentialTests.Verdict].self, from: output)
        try #require(expected.count == cases.count)

        var mismatches: [String] = []
        var outcomes = [0, 0, 0]  // refused, false, true
        for (index, testCase) in cases.enumerated() {
            let actual: DifferentialTests.Verdict
            do {
                let filter = try FilterExpression(testCase.expression)
                actual = .init(error: nil, result: filter.accepts(corpus.events[testCase.event].filterEvent))
            } catch {
                actual = .init(error: true, result: nil, message: error.message)
            }
            outcomes[actual.error == true ? 0 : (actual.result == true ? 2 : 1)] += 1
            if actual != expected[index] {
                mismatches.append(
                    "\(testCase.expression.debugDescription) on event \(testCase.event): promptise \(expected[index].text) "
                        + "(\(expected[index].message ?? "")), Swift \(actual.text) (\(actual.message ?? ""))")
            }
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) disagreements:\n" + mismatches.prefix(60).joined(separator: "\n")))
        #expect(outcomes.allSatisfy { $0 > 500 }, "refused / false / true: \(outcomes)")
    }
}
