import CairnCore

/// The provider conformance kit: checks that a ``ModelProvider`` (ours or a third party's,
/// whatever its wire format) behaves as the agent loop relies on, by its answers alone.
///
/// It is framework-neutral: ``run(_:with:)`` throws ``ProviderConformanceFailure`` when the
/// provider fails a scenario and returns ``ProviderConformanceOutcome/skipped(reason:)`` for a
/// scenario the harness cannot program. In Swift Testing, one test per scenario the harness
/// supports, and one that reports the others as skipped (a cancelled case of a parameterised test
/// is not singled out in the console):
///
/// ```swift
/// @Test(arguments: ProviderConformance.scenarios(supportedBy: MyHarness()))
/// func conformance(_ scenario: ProviderScenario) async throws {
///     _ = try await ProviderConformance.run(scenario, with: MyHarness())
/// }
///
/// @Test func unsupportedScenarios() throws {
///     let skipped = MyHarness().unsupported.map { "\($0.key): \($0.value)" }.sorted()
///     if !skipped.isEmpty { try Test.cancel("skipped: \(skipped.joined(separator: "; "))") }
/// }
/// ```
///
/// In XCTest, `throw XCTSkip(reason)` for a skipped scenario, or call ``runAll(with:)``.
public enum ProviderConformance {
    /// Every scenario, in a stable order.
    public static let scenarios: [ProviderScenario] = ProviderScenario.allCases

    /// The scenarios `harness` can program (every scenario not in its
    /// ``ProviderConformanceHarness/unsupported``), in a stable order: the arguments of a
    /// parameterised test.
    public static func scenarios(supportedBy harness: some ProviderConformanceHarness) -> [ProviderScenario] {
        let unsupported = harness.unsupported
        return scenarios.filter { unsupported[$0] == nil }
    }

    /// Runs `scenario` against the provider `harness` makes for it, within the harness's
    /// ``ProviderConformanceHarness/timeout``.
    /// - Returns: ``ProviderConformanceOutcome/passed``, or ``ProviderConformanceOutcome/skipped(reason:)``
    ///   when the harness lists the scenario as unsupported (then the harness is not asked for a provider).
    /// - Throws: ``ProviderConformanceFailure`` naming the scenario and what the provider did
    ///   wrong (including a harness that throws, and a scenario that runs out of time);
    ///   `CancellationError` when the calling task is cancelled.
    public static func run(_ scenario: ProviderScenario, with harness: some ProviderConformanceHarness) async throws -> ProviderConformanceOutcome {
        if let reason = harness.unsupported[scenario] { return .skipped(reason: reason) }
        let provider: any ModelProvider
        do {
            provider = try await harness.provider(for: scenario)
        } catch {
            throw ProviderConformanceFailure(scenario: scenario, message: "the harness made no provider: \(Reader.describe(error))")
        }
        let check = Check(scenario: scenario, provider: provider, model: harness.model, promptness: harness.promptness)
        let timeout = harness.timeout
        try await Race<Void>.within(timeout, or: { check.failure("the scenario did not finish within \(timeout) (a stream that never ends?)") }) {
            try await body(of: scenario)(check)
        }
        return .passed
    }

    /// Runs every scenario in order, stopping at the first failure.
    /// - Returns: the outcome of each scenario (passed or skipped).
    /// - Throws: the first ``ProviderConformanceFailure``.
    @discardableResult
    public static func runAll(with harness: some ProviderConformanceHarness) async throws -> [ProviderScenario: ProviderConformanceOutcome] {
        var outcomes: [ProviderScenario: ProviderConformanceOutcome] = [:]
        for scenario in scenarios { outcomes[scenario] = try await run(scenario, with: harness) }
        return outcomes
    }

    private static func body(of scenario: ProviderScenario) -> @Sendable (Check) async throws -> Void {
        switch scenario {
        case .streamedText: AnswerChecks.streamedText
        case .toolCall: AnswerChecks.toolCall
        case .toolResult: AnswerChecks.toolResult
        case .usage: AnswerChecks.usage
        case .transientFailure: FailureChecks.transientFailure
        case .persistentFailure: FailureChecks.persistentFailure
        case .badRequest, .unauthorized: FailureChecks.clientError
        case .cancellation: CancellationCheck.run
        case .stopEndsStream: AnswerChecks.stopEndsStream
        }
    }
}
