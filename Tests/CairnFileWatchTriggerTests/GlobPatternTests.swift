import Testing

@testable import CairnFileWatchTrigger

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("*.csv", "a.csv", true),
        ("*.csv", "a.csv.tmp", false),
        ("*.csv", "dir/a.csv", true),  // no "/": matched against the name at any depth
        ("*.csv", ".hidden.csv", true),
        ("/*.csv", "a.csv", true),
        ("/*.csv", "dir/a.csv", false),
        ("dir/*.csv", "dir/a.csv", true),
        ("dir/*.csv", "dir/sub/a.csv", false),
        ("dir/*.csv", "other/dir/a.csv", false),
        ("**/*.json", "a.json", true),
        ("**/*.json", "x/y/z/a.json", true),
        ("**/*.json", "x/a.jsonl", false),
        ("dir/**", "dir/a", true),
        ("dir/**", "dir/a/b/c", true),
        ("dir/**", "dir", false),
        ("a/**/b.txt", "a/b.txt", true),
        ("a/**/b.txt", "a/x/y/b.txt", true),
        ("a/**/b.txt", "x/a/b.txt", false),
        ("**/**/x", "x", true),
        ("?.txt", "a.txt", true),
        ("?.txt", "ab.txt", false),
        ("x/?", "x/yz", false),
        ("[abc].txt", "b.txt", true),
        ("[abc].txt", "d.txt", false),
        ("[!abc].txt", "d.txt", true),
        ("[^abc].txt", "a.txt", false),
        ("data_[0-9][0-9].csv", "data_42.csv", true),
        ("data_[0-9][0-9].csv", "data_4x.csv", false),
        ("[]]", "]", true),
        ("[a-]", "-", true),
        ("\\*.txt", "*.txt", true),
        ("\\*.txt", "a.txt", false),
        ("a*b*c", "aXXbYYbZZc", true),
        ("a*b*c", "aXXbYYbZZ", false),
        ("*", "anything", true),
        ("a**b", "aXb", true),
        ("a**b", "a/b", false),
        ("r\u{E9}sum\u{E9}?.pdf", "r\u{E9}sum\u{E9}1.pdf", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) throws {
        #expect(try GlobPattern(pattern).matches(path) == expected, "\(pattern) on \(path)")
    }

    @Test(arguments: [
        ("", "cannot be empty"),
        ("/", "matches no file"),
        ("dir/", "trailing"),
        ("a//b", "empty path component"),
        ("[abc", "never closed"),
        ("[z-a]", "reversed"),
        ("abc\\", "escapes nothing"),
    ])
    func rejects(pattern: String, messagePart: String) {
        #expect {
            _ = try GlobPattern(pattern)
        } throws: { error in
            (error as? GlobPattern.SyntaxError)?.message.contains(messagePart) == true
        }
    }

    @Test func namesOnlyWhenThereIsNoSlash() throws {
        #expect(try GlobPattern("*.csv").matchesNameOnly)
        #expect(try !GlobPattern("/*.csv").matchesNameOnly)
        #expect(try !GlobPattern("**/*.csv").matchesNameOnly)
    }

    @Test func longNamesDoNotBlowUp() throws {
        let pattern = try GlobPattern("*a*a*a*a*a*a*b")
        let name = String(repeating: "a", count: 2000)
        #expect(!pattern.matches(name))
        #expect(pattern.matches(name + "b"))
    }
}
