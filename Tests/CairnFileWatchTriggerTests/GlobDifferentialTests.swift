import Foundation
import Testing

@testable import CairnFileWatchTrigger

/// Compares ``GlobPattern`` with Python's wcmatch (`globmatch` with GLOBSTAR | DOTGLOB | MATCHBASE), which implements the
/// same rules: `*` within a component, `**` across components, dot files matched, slash-free patterns on the name.
@Suite struct GlobDifferentialTests {
    static let patterns = [
        "*.csv", "**/*.json", "a/*", "a/**", "**", "*", "?.txt", "[abc].txt", "[!abc].txt", "[^abc].txt", "[a-c]*",
        "a/**/b.txt", "**/b/*.txt", "x?y", "*.tar.gz", "data_[0-9][0-9].csv", "**/.*", ".*", "\\*.txt", "a/*/c.json",
        "*b*", "a**b", "**/a/**", "deep/**/d.csv", "[]]x", "[a-]x", "*.[ct]sv",
    ]
    static let paths = [
        "a.csv", "b.json", "a/b.json", "a/b/c.json", "a/b.txt", "a/x/b.txt", ".hidden.csv", "a/.h/b.json", "c.txt",
        "d.txt", "ab.txt", "x1y", "xy", "x/y", "file.tar.gz", "data_12.csv", "data_1a.csv", "*.txt", "b/c.txt", "a",
        "deep/a/b/c/d.csv", "deep/d.csv", "]x", "-x", "bx", "a.tsv", "aXb", "a/b", "q/a/r/s", ".git/config",
    ]

    static let peerAvailable: Bool = (try? runPeer(patterns: ["*"], paths: ["a"])) != nil

    @Test(.enabled(if: peerAvailable, "skipped: needs python3 with wcmatch (pip install wcmatch)"))
    func agreesWithWcmatch() throws {
        let expected = try #require(try Self.runPeer(patterns: Self.patterns, paths: Self.paths))
        for (row, pattern) in Self.patterns.enumerated() {
            let compiled = try GlobPattern(pattern)
            for (column, path) in Self.paths.enumerated() {
                #expect(compiled.matches(path) == expected[row][column], "pattern \(pattern) on path \(path)")
            }
        }
    }

    /// The peer's answers, one row per pattern; `nil` when python3 or wcmatch is missing.
    static func runPeer(patterns: [String], paths: [String]) throws -> [[Bool]]? {
        let script = """
            import json, sys
            from wcmatch import glob
            data = json.load(sys.stdin)
            flags = glob.GLOBSTAR | glob.DOTGLOB | glob.MATCHBASE
            print(json.dumps([[glob.globmatch(p, pat, flags=flags) for p in data["paths"]] for pat in data["patterns"]]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(["patterns": patterns, "paths": paths]))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try JSONDecoder().decode([[Bool]].self, from: data)
    }
}
