import CairnAnthropic
import CairnCore
import CairnOpenAI
import CairnProviderConformance
import Testing

/// Runs `scenario`, which the harness must support.
func expectConformance(_ scenario: ProviderScenario, with harness: some ProviderConformanceHarness) async throws {
    #expect(try await ProviderConformance.run(scenario, with: harness) == .passed)
}

@Suite("Provider conformance: OpenAI-compatible provider against fakellm", .serialized)
struct OpenAIConformanceTests {
    static let harness = FakeLLMHarness(
        make: { baseURL, streaming in
            OpenAIProvider(
                configuration: .init(
                    baseURL: baseURL, apiKey: "test", timeout: .seconds(30), maxAttempts: 4,
                    initialBackoff: .milliseconds(10), streaming: streaming))
        }, streamsUsage: false)

    @Test(arguments: ProviderConformance.scenarios)
    func conformance(_ scenario: ProviderScenario) async throws {
        try await expectConformance(scenario, with: Self.harness)
    }
}

@Suite("Provider conformance: Anthropic provider against fakellm", .serialized)
struct AnthropicConformanceTests {
    static let harness = FakeLLMHarness(
        make: { baseURL, streaming in
            AnthropicProvider(
                configuration: .init(
                    baseURL: baseURL, apiKey: "test", timeout: .seconds(30), maxAttempts: 4,
                    initialBackoff: .milliseconds(10), streaming: streaming))
        }, streamsUsage: true)

    @Test(arguments: ProviderConformance.scenarios)
    func conformance(_ scenario: ProviderScenario) async throws {
        try await expectConformance(scenario, with: Self.harness)
    }
}

@Suite("Provider conformance: ScriptedProvider")
struct ScriptedConformanceTests {
    @Test(arguments: ProviderConformance.scenarios(supportedBy: ScriptedHarness()))
    func conformance(_ scenario: ProviderScenario) async throws {
        try await expectConformance(scenario, with: ScriptedHarness())
    }

    /// Reported as skipped in the console: the scenarios a scripted provider cannot be put through.
    @Test func unsupportedScenarios() throws {
        let skipped = ScriptedHarness().unsupported.keys.map(\.description).sorted()
        try #require(skipped.count == 4)
        try Test.cancel("skipped, ScriptedProvider cannot refuse a request with an HTTP status: \(skipped.joined(separator: ", "))")
    }

    @Test func scenariosItCannotProgramAreSkippedNotPassed() async throws {
        let outcomes = try await ProviderConformance.runAll(with: ScriptedHarness())
        for scenario in ProviderConformance.scenarios {
            let expected: ProviderConformanceOutcome =
                scenario.needsErrorInjection
                ? .skipped(reason: "ScriptedProvider plays turns; it cannot refuse a request with an HTTP status") : .passed
            #expect(outcomes[scenario] == expected, "\(scenario)")
        }
        #expect(outcomes.values.filter { $0 != .passed }.count == 4)
    }
}
