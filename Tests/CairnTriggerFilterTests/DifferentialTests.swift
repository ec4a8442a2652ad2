import CairnCore
import CairnTriggers
import Foundation
import Testing

/// Runs the corpus through promptise 1.10.1 itself (python3) and through FilterExpression, and requires the
/// same verdict for every (expression, event) pair: refused by both, or the same truth value.
@Suite struct DifferentialTests {
    struct Corpus: Decodable {
        var expressions: [String]
        var events: [Event]
        /// Pairs known to differ, each with the reason (a limit of JSONValue, not of the filter).
        var divergences: [Divergence]
    }

    struct Divergence: Decodable, Hashable {
        var expression: String
        var event: Int
        var reason: String
    }

    struct Event: Decodable {
        var payload: JSONValue
        var metadata: [String: String]
        var triggerType: String
        var triggerID: String
        var eventID: String

        enum CodingKeys: String, CodingKey {
            case payload, metadata
            case triggerType = "trigger_type"
            case triggerID = "trigger_id"
            case eventID = "event_id"
        }

        var filterEvent: FilterEvent {
            FilterEvent(payload: payload, metadata: metadata, triggerType: triggerType, triggerID: triggerID, eventID: eventID)
        }
    }

    /// One pair; the event is an index into the corpus's events, which the oracle reads from the file itself.
    struct Case: Encodable {
        var expression: String
        var event: Int
    }

    struct Verdict: Decodable, Equatable {
        var error: Bool?
        var result: Bool?
        var message: String?

        static func == (lhs: Verdict, rhs: Verdict) -> Bool {
            (lhs.error ?? false) == (rhs.error ?? false) && lhs.result == rhs.result
        }

        var text: String { error == true ? "refused" : "\(result ?? false)" }
    }

    static func resource(_ name: String, _ ext: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources"))
    }

    /// Whether python3 can load promptise 1.10.1 (the oracle exits 3 when promptise is not installed).
    static let oracleAvailable: Bool = {
        guard let script = try? resource("promptise_oracle", "py"), let output = try? runPython(script, ["--version"], input: Data()) else {
            return false
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "1.10.1"
    }()

    static func runPython(_ script: URL, _ arguments: [String], input: Data) throws -> Data {
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("filter-oracle-\(UUID().uuidString).json")
        try input.write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return data
    }

    @Test(.enabled(if: oracleAvailable, "python3 with promptise 1.10.1 is needed: pip install --no-deps promptise==1.10.1"))
    func swiftAgreesWithPromptise() throws {
        let corpus = try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: Self.resource("differential_corpus", "json")))
        let corpusFile = try Self.resource("differential_corpus", "json")
        let cases = corpus.expressions.flatMap { expression in corpus.events.indices.map { Case(expression: expression, event: $0) } }
        let output = try Self.runPython(Self.resource("promptise_oracle", "py"), [corpusFile.path], input: JSONEncoder().encode(cases))
        let expected = try JSONDecoder().decode([Verdict].self, from: output)
        try #require(expected.count == cases.count)

        var compiled: [String: Result<FilterExpression, FilterError>] = [:]
        for expression in corpus.expressions where compiled[expression] == nil {
            compiled[expression] = Result { () throws(FilterError) in try FilterExpression(expression) }
        }
        struct Key: Hashable {
            var expression: String
            var event: Int
        }
        let known = Set(corpus.divergences.map { Key(expression: $0.expression, event: $0.event) })
        var knownSeen = 0
        var mismatches: [String] = []
        var refused = 0
        var passed = 0
        for (index, testCase) in cases.enumerated() {
            let actual: Verdict
            switch compiled[testCase.expression] {
            case .success(let filter)?: actual = Verdict(error: nil, result: filter.accepts(corpus.events[testCase.event].filterEvent))
            case .failure(let error)?: actual = Verdict(error: true, result: nil, message: error.message)
            case nil: actual = Verdict(error: nil, result: nil)
            }
            if actual.error == true { refused += 1 } else if actual.result == true { passed += 1 }
            let known = known.contains(Key(expression: testCase.expression, event: testCase.event))
            if known { knownSeen += 1 }
            if (actual != expected[index]) != known {
                let prefix = known ? "listed as a divergence but agrees: " : ""
                mismatches.append(
                    prefix + "\(testCase.expression.debugDescription) on event \(testCase.event): promptise \(expected[index].text) "
                        + "(\(expected[index].message ?? "")), Swift \(actual.text) (\(actual.message ?? ""))")
            }
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) disagreements:\n" + mismatches.prefix(80).joined(separator: "\n")))
        #expect(knownSeen == known.count)
        // The corpus exercises all three outcomes in quantity, so this test cannot pass vacuously.
        #expect(cases.count > 1500 && refused > 300 && passed > 200 && cases.count - refused - passed > 200)
    }
}
