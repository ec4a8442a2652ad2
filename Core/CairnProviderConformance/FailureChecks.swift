import CairnCore

/// The scenarios in which the server refuses requests: retried, given up, or failed at once.
enum FailureChecks {
    static func transientFailure(_ check: Check) async throws {
        let answer = try await check.answer(check.newRequest(), "the answer after a 429 and a 500")
        try check.requireText(answer, Fixtures.recovered, "the answer after a 429 and a 500")
    }

    static func persistentFailure(_ check: Check) async throws {
        try await requireRefusal(check, status: 503, retried: false)
    }

    static func clientError(_ check: Check) async throws {
        guard case .failure(let status, _)? = check.scenario.script.replies.first else { throw check.failure("the script refuses nothing") }
        try await requireRefusal(check, status: status, retried: true)
    }

    /// Requires the stream to throw an error naming `status` and the script's message. With
    /// `retried`, the script answers a second request with text, which tells a retry apart.
    static func requireRefusal(_ check: Check, status: Int, retried: Bool) async throws {
        guard case .failure(_, let message)? = check.scenario.script.replies.first else { throw check.failure("the script refuses nothing") }
        let what = "a request refused with \(status)"
        let consumed = try await Reader.consume(check.provider.stream(check.newRequest()), check, what)
        guard let error = consumed.error else {
            let answer = Answer(consumed.events)
            if retried && answer.text == Fixtures.retriedClientError {
                throw check.failure("\(what) was retried (the provider got the scripted second reply); a client error must fail at once")
            }
            throw check.failure("\(what) did not fail: the stream gave \(answer.summary)")
        }
        try check.require(!(error is CancellationError), "\(what) failed with CancellationError, expected the provider's error")
        let description = String(describing: error)
        try check.require(
            Reader.mentions(status, in: description),
            "the error of \(what) does not name the status \(status): \(Reader.describe(error))")
        try check.require(
            description.contains(message),
            "the error of \(what) does not give the server's message \(Reader.quote(message)): \(Reader.describe(error))")
    }
}
