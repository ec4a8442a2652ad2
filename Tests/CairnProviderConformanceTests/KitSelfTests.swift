import CairnCore
import CairnProviderConformance
import Testing

/// A harness playing scripts in memory, with planted bugs, and tight limits.
struct PlayerHarness: ProviderConformanceHarness {
    var bugs: Set<ScriptPlayer.Bug> = []
    var timeout: Duration { .seconds(5) }
    var promptness: Duration { .seconds(1) }

    func provider(for scenario: ProviderScenario) async throws -> any ModelProvider { ScriptPlayer(scenario.script, bugs: bugs) }
}

/// The kit catches what it claims to: a correct provider passes, each planted bug fails the
/// scenario meant to catch it, with a message saying what was wrong.
@Suite("The provider conformance kit itself")
struct KitSelfTests {
    @Test(arguments: ProviderConformance.scenarios)
    func aCorrectProviderPassesEveryScenario(_ scenario: ProviderScenario) async throws {
        #expect(try await ProviderConformance.run(scenario, with: PlayerHarness()) == .passed)
    }

    @Test(arguments: [
        (ScriptPlayer.Bug.eventAfterStop, ProviderScenario.stopEndsStream, "went on after .stop"),
        (.holdsStreamOpen, .stopEndsStream, "did not end within 1.0 seconds after .stop"),
        (.noStop, .streamedText, "ended without .stop"),
        (.onePiece, .streamedText, "came in 1 text piece"),
        (.noUsage, .usage, "reported no usage"),
        (.blankCallID, .toolCall, "id is blank"),
        (.mangledArguments, .toolCall, "arguments are not JSON"),
        (.dropsToolResults, .toolResult, "did the tool result reach the server?"),
        (.noRetries, .transientFailure, "HTTP 429"),
        (.retriesClientErrors, .badRequest, "was retried"),
        (.retriesClientErrors, .unauthorized, "was retried"),
        (.statusNotNamed, .persistentFailure, "does not name the status 503"),
        (.slowToCancel, .cancellation, "went on for more than 1.0 seconds after the task was cancelled"),
        (.wrongErrorOnCancel, .cancellation, "connection reset by peer"),
    ])
    func eachPlantedBugIsCaught(_ bug: ScriptPlayer.Bug, _ scenario: ProviderScenario, _ expected: String) async {
        let failure = await #expect(throws: ProviderConformanceFailure.self) {
            try await ProviderConformance.run(scenario, with: PlayerHarness(bugs: [bug]))
        }
        #expect(failure?.scenario == scenario)
        #expect(failure?.description.contains(expected) == true, "\(String(describing: failure))")
    }

    @Test func aStreamThatNeverEndsRunsOutOfTime() async {
        struct Silent: ModelProvider {
            func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
                AsyncThrowingStream { continuation in
                    let task = Task {
                        try? await Task.sleep(for: .seconds(3600))
                        continuation.finish()
                    }
                    continuation.onTermination = { _ in task.cancel() }
                }
            }
        }
        struct Harness: ProviderConformanceHarness {
            var timeout: Duration { .milliseconds(200) }
            func provider(for scenario: ProviderScenario) async throws -> any ModelProvider { Silent() }
        }
        let failure = await #expect(throws: ProviderConformanceFailure.self) { try await ProviderConformance.run(.usage, with: Harness()) }
        #expect(failure?.description.contains("did not finish within 0.2 seconds") == true, "\(String(describing: failure))")
    }

    @Test func aHarnessThatThrowsFailsAndAnUnsupportedScenarioIsSkippedWithoutAProvider() async throws {
        struct Harness: ProviderConformanceHarness {
            var unsupported: [ProviderScenario: String] { [.usage: "no usage here"] }
            func provider(for scenario: ProviderScenario) async throws -> any ModelProvider { throw ModelProviderError("no server") }
        }
        #expect(try await ProviderConformance.run(.usage, with: Harness()) == .skipped(reason: "no usage here"))
        let failure = await #expect(throws: ProviderConformanceFailure.self) { try await ProviderConformance.run(.toolCall, with: Harness()) }
        #expect(failure?.description.contains("the harness made no provider") == true && failure?.description.contains("no server") == true)
    }

    @Test func noMarkerIsPartOfAnother() {
        let markers = ProviderConformance.scenarios.map(\.script.marker)
        for (i, a) in markers.enumerated() { for (j, b) in markers.enumerated() where i != j { #expect(!a.contains(b)) } }
    }
}
