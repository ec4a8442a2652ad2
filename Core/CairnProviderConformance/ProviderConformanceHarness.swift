public import CairnCore

/// What a provider's author supplies to run the kit: providers programmed for each scenario.
///
/// A harness for an HTTP provider starts a fake server (fakellm, or its own) and programs it from
/// ``ProviderScenario/script``; a harness for an in-process provider builds one that plays the
/// script. Scenarios it cannot program (an in-process provider cannot answer with HTTP 429) go in
/// ``unsupported`` and are reported as skipped, never as passed.
public protocol ProviderConformanceHarness: Sendable {
    /// A provider whose answers to the next requests follow `scenario.script`, from its first
    /// reply on. The kit calls it once per run of a scenario, before sending anything.
    /// - Throws: anything; the kit reports it as a failure of the scenario.
    func provider(for scenario: ProviderScenario) async throws -> any ModelProvider

    /// The scenarios this harness cannot program, each with the reason, reported as
    /// ``ProviderConformanceOutcome/skipped(reason:)``. Default: none.
    var unsupported: [ProviderScenario: String] { get }

    /// The model name the kit puts in its requests. Default: `conformance-model`.
    var model: String { get }

    /// How long one scenario may take in all before it fails (retries and backoff included).
    /// Default: 30 seconds.
    var timeout: Duration { get }

    /// How soon a stream must end after its `.stop`, and after its consuming task is cancelled.
    /// Default: 2 seconds.
    var promptness: Duration { get }
}

extension ProviderConformanceHarness {
    /// No scenario is unsupported.
    public var unsupported: [ProviderScenario: String] { [:] }

    /// `conformance-model`.
    public var model: String { "conformance-model" }

    /// 30 seconds.
    public var timeout: Duration { .seconds(30) }

    /// 2 seconds.
    public var promptness: Duration { .seconds(2) }
}
