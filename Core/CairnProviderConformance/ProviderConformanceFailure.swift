/// A provider failed a scenario of the conformance kit.
public struct ProviderConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// The scenario that failed.
    public let scenario: ProviderScenario
    /// What was wrong, with what the provider did instead.
    public let message: String

    /// Creates a failure.
    public init(scenario: ProviderScenario, message: String) {
        self.scenario = scenario
        self.message = message
    }

    /// `provider conformance 'SCENARIO': MESSAGE`.
    public var description: String { "provider conformance '\(scenario)': \(message)" }
}

/// How a scenario ended, when it did not fail.
public enum ProviderConformanceOutcome: Sendable, Hashable {
    /// The provider met every expectation of the scenario.
    case passed
    /// The harness cannot program the scenario (``ProviderConformanceHarness/unsupported``),
    /// so nothing was checked.
    case skipped(reason: String)
}
