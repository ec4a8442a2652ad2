import CairnCore
import CairnTriggers
import Foundation
import Testing

/// What compiling accepts and refuses, and how a refusal reads.
@Suite struct CompileTests {
    @Test(arguments: [
        "action == 'opened'", "payload['action'] == \"opened\"", "payload.pull_request.user.login", "labels[0]", "labels[-1]",
        "a < b <= c", "x in [1, 2]", "x not in (1,)", "x is None", "x is not None", "not x", "-x", "- - 5 == 5", "a and b or not c",
        "len(x) > 0", "str(x)", "int(x)", "float(x)", "bool()", "lower(x)", "upper(x)", "startswith(x, 'a')", "endswith(x, 'a')",
        "contains(x, 1)", "x.lower()", "x.upper()", "x.strip()", "x.startswith('a', 1, 2)", "x.endswith(('a', 'b'))", "'abc'.upper()",
        "{1, 2}", "[]", "()", "(1,)", "1, 2", "x[1, 2]", "True", "False", "None", "0x1F", "0o17", "0b1", "1_000", "1.5e-3", ".5", "5.",
        "'a' 'b'", "r'\\d'", "u'x'", "'\\N{BULLET}'", "'\\x41\\u0042\\U00000043\\101'", "\"\"\"triple\"\"\"", "(x ==\n 1)", "x # comment",
        "x \\\n == 1", "(len)(x)", "x.lower", "1 .real", "None.x", "ｌｅｎ(x)", "名前", "match", "type", "1or 2",
    ])
    func accepts(_ expression: String) throws {
        #expect(refusal(expression) == nil, "\(refusal(expression)?.message ?? "")")
    }

    @Test(arguments: [
        ("x + 1", "operator '+' is not allowed"), ("x - 1", "operator '-'"), ("x * 2", "operator '*'"), ("x / 2", "operator '/'"),
        ("x // 2", "operator '//'"), ("x % 2", "operator '%'"), ("x ** 2", "operator '**'"), ("x | 1", "operator '|'"),
        ("x << 1", "operator '<<'"), ("x @ y", "operator '@'"), ("+x", "unary '+'"), ("~x", "unary '~'"),
        ("lambda: True", "lambda is not allowed"), ("(lambda x: x)(1)", "lambda is not allowed"),
        ("[x for x in labels]", "comprehensions"), ("{x for x in labels}", "comprehensions"), ("(x for x in y)", "comprehensions"),
        ("len(x for x in y)", "comprehensions"), ("x if y else z", "conditional expressions"), ("(x := 1)", "assignment expressions"),
        ("{}", "dict literals"), ("{'a': 1}", "dict literals"), ("labels[0:1]", "slices"), ("labels[::2]", "slices"),
        ("labels[:1]", "slices"), ("[*labels]", "star expressions"), ("len(*labels)", "star arguments"), ("len(x=1)", "keyword arguments"),
        ("f'{x}'", "f-strings"), ("b'x'", "bytes"), ("1j", "complex numbers"), ("...", "Ellipsis"), ("await x", "'await' is not allowed"),
        ("(yield)", "'yield' is not allowed"),
        ("__import__('os')", "function '__import__' is not allowed"), ("_private", "name '_private' is not allowed"),
        ("__class__", "name '__class__'"), ("payload.__class__", "attribute '__class__' is not allowed"), ("payload._x", "attribute '_x'"),
        ("x.__len__()", "method '__len__' is not allowed"),
        ("eval('1')", "function 'eval' is not allowed (allowed: bool, contains, endswith, float, int, len, lower, startswith, str, upper)"),
        ("open('/etc/passwd')", "function 'open'"), ("payload.keys()", "method 'keys' is not allowed (allowed: endswith, lower, startswith, strip, upper)"),
        ("x.replace('a', 'b')", "method 'replace'"), ("len(x)(1)", "only named functions can be called"), ("x[0]()", "only named functions"),
        ("True()", "only named functions"),
    ])
    func refusesConstruct(_ expression: String, _ why: String) throws {
        let error = try #require(refusal(expression))
        #expect(error.message.contains(why), "\(error.message)")
        #expect(error.message.hasPrefix("Invalid filter_expression "))
        #expect(error.expression == expression)
    }

    @Test(arguments: [
        ("x ==", "invalid syntax"), ("== 1", "invalid syntax"), ("a b", "invalid syntax"), ("x = 1", "invalid syntax"),
        ("x === 1", "invalid syntax"), ("x <> 1", "invalid syntax"), ("not", "invalid syntax"), ("x and", "invalid syntax"),
        ("x.class", "invalid syntax"), ("x; y", "invalid syntax"), ("$", "invalid syntax"), ("x\ny", "invalid syntax"),
        ("'abc", "unterminated string literal (detected at line 1)"), ("'''abc", "unterminated triple-quoted string literal"),
        ("(x", "'(' was never closed"), ("x)", "unmatched ')'"), ("(x]", "closing parenthesis ']' does not match opening parenthesis '('"),
        ("01", "leading zeros in decimal integer literals are not permitted"), ("1__0", "invalid decimal literal"), ("1x", "invalid decimal literal"),
        ("0o8", "invalid digit '8' in octal literal"), ("0x", "invalid hexadecimal literal"), ("1.real", "invalid decimal literal"),
        ("'\\x4'", "truncated \\xXX escape"), ("'\\U00110000'", "illegal Unicode character"), ("'\\N{NO SUCH NAME}'", "unknown Unicode character name"),
        ("x \\ y", "unexpected character after line continuation character"), ("# c\n  x", "unexpected indent"),
        ("x\u{0B}y", "invalid non-printable character U+000B"), ("😀 == 1", "invalid character '😀' (U+1F600)"), ("a\0", "null bytes"),
        ("ur'x'", "invalid syntax"), ("b'x' 'y'", "cannot mix bytes and nonbytes literals"),
    ])
    func refusesSyntax(_ expression: String, _ why: String) throws {
        let error = try #require(refusal(expression))
        #expect(error.message.contains(why), "\(error.message)")
    }

    @Test func messageQuotesTheExpressionLikePythonAndGivesTheColumn() throws {
        let error = try #require(refusal("action == 'x' + 1"))
        let expected =
            #"Invalid filter_expression "action == 'x' + 1": operator '+' is not allowed: filters compare values but do no arithmetic"#
            + " (at column 15)"
        #expect(error.message == expected)
        #expect(error.column == 15)
        #expect(error.description == error.message)
        // Leading whitespace is stripped before parsing, but columns count in the text as given.
        #expect(refusal("  \n x + 1")?.column == 7)
    }

    @Test func emptyAndWhitespaceOnlyAreRefused() throws {
        for text in ["", "   ", "\n\t ", "\u{A0}\u{2003}", "\u{1C}"] {
            let error = try #require(refusal(text))
            #expect(error.message.contains("the expression is empty"))
        }
        #expect(refusal("# only a comment") != nil)
    }

    @Test func lengthLimitIsTwoThousandCodePoints() throws {
        let atLimit = "'" + String(repeating: "é", count: FilterExpression.maxLength - 7) + "' == 1"  // 2000 code points
        #expect(atLimit.unicodeScalars.count == 2000)
        #expect(refusal(atLimit) == nil)
        let overLimit = atLimit + " "
        let error = try #require(refusal(overLimit))
        #expect(error.message.contains("2001 characters long, more than the 2000 allowed"))
        #expect(error.message.count < 400)  // the echoed expression is shortened
    }

    @Test func nodeLimitCountsPythonAstNodes() throws {
        // Expression + BoolOp + And + n × (Name + Load) nodes.
        #expect(refusal(Array(repeating: "a", count: 98).joined(separator: " and ")) == nil)  // 199
        #expect(refusal(Array(repeating: "a", count: 99).joined(separator: " and ")).map { $0.message.contains("more than 200 elements") } == true)
        #expect(refusal(String(repeating: "not ", count: 98) + "a") == nil)  // 1 + 196 + 2
        #expect(refusal(String(repeating: "not ", count: 99) + "a") != nil)
        #expect(refusal(String(repeating: "-", count: 99) + "1") == nil)  // 1 + 198 + 1
        #expect(refusal(String(repeating: "-", count: 100) + "1") != nil)
        #expect(refusal(String(repeating: "-", count: 1500) + "1") != nil)
        #expect(refusal("a" + String(repeating: ".b", count: 990)) != nil)  // deep, but only counted, never evaluated
        // Parentheses add no node, but Python nests at most 200.
        #expect(refusal(String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200)) == nil)
        #expect(refusal(String(repeating: "(", count: 201) + "a" + String(repeating: ")", count: 201))?.message.contains("too many nested parentheses") == true)
        #expect(refusal(String(repeating: "[", count: 201) + String(repeating: "]", count: 201)) != nil)
    }

    @Test func expressionsCompareByTextAndRoundTripThroughCodable() throws {
        let filter = try FilterExpression("action == 'opened'")
        #expect(filter == (try FilterExpression("action == 'opened'")))
        #expect(filter != (try FilterExpression("action == 'closed'")))
        #expect(filter.text == "action == 'opened'" && filter.description == filter.text)
        let data = try JSONEncoder().encode([filter])
        #expect(String(decoding: data, as: UTF8.self) == #"["action == 'opened'"]"#)
        #expect(try JSONDecoder().decode([FilterExpression].self, from: data) == [filter])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([FilterExpression].self, from: Data(#"["x + 1"]"#.utf8)) }
    }
}
