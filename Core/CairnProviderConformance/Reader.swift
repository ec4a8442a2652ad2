import CairnCore

/// Reading a provider's raw stream, checking its shape, and describing what was read.
enum Reader {
    /// The events of one stream, and the error it ended with, if any.
    struct Consumed: Sendable {
        let events: [ModelEvent]
        let error: (any Error)?
    }

    /// Reads `stream` to its end. Fails the check when an event follows `.stop`, when the stream
    /// does not end within the check's promptness after `.stop`, or when it yields again once
    /// ended; an error the stream throws is returned, not thrown.
    static func consume(_ stream: AsyncThrowingStream<ModelEvent, any Error>, _ check: Check, _ what: String) async throws -> Consumed {
        let race = Race<Consumed>()
        let promptness = check.promptness
        race.spawn {
            var events: [ModelEvent] = []
            var iterator = stream.makeAsyncIterator()
            do {
                while let event = try await iterator.next() {
                    if events.contains(where: isStop) {
                        return race.settle(.failure(check.failure("\(what): the stream went on after .stop with \(describe(event))")))
                    }
                    events.append(event)
                    guard isStop(event) else { continue }
                    race.spawn {
                        guard (try? await Task.sleep(for: promptness)) != nil else { return }
                        race.settle(.failure(check.failure("\(what): the stream did not end within \(promptness) after .stop")))
                    }
                }
                if let extra = try await iterator.next() {
                    return race.settle(.failure(check.failure("\(what): the stream yielded \(describe(extra)) after it had ended")))
                }
                race.settle(.success(Consumed(events: events, error: nil)))
            } catch {
                race.settle(.success(Consumed(events: events, error: error)))
            }
        }
        return try await race.value()
    }

    static func isStop(_ event: ModelEvent) -> Bool {
        if case .stop = event { true } else { false }
    }

    /// An event, briefly.
    static func describe(_ event: ModelEvent) -> String {
        switch event {
        case .text(let piece): ".text(\(quote(piece)))"
        case .toolCall(let call): ".toolCall(\(call.name), id \(quote(call.id)))"
        case .usage(let usage): ".usage(\(usage.inputTokens) in, \(usage.outputTokens) out)"
        case .stop(let reason): ".stop(\(reason.rawValue))"
        }
    }

    /// An error, with its type.
    static func describe(_ error: any Error) -> String { "\(type(of: error)) \(quote(String(describing: error), limit: 400))" }

    /// A stop reason's name, or `none`.
    static func name(_ stop: StopReason?) -> String { stop?.rawValue ?? "none" }

    /// `text` in quotes, cut at `limit` characters.
    static func quote(_ text: String, limit: Int = 80) -> String {
        "\"" + (text.count > limit ? String(text.prefix(limit)) + "…" : text) + "\""
    }

    /// Whether `text` contains `number` as a number of its own (not a part of a longer one,
    /// such as a port).
    static func mentions(_ number: Int, in text: String) -> Bool {
        let digits = Array(text.unicodeScalars)
        let needle = Array(String(number).unicodeScalars)
        guard digits.count >= needle.count else { return false }
        for start in 0...(digits.count - needle.count) where Array(digits[start..<start + needle.count]) == needle {
            let before = start == 0 ? nil : digits[start - 1]
            let after = start + needle.count == digits.count ? nil : digits[start + needle.count]
            if !(before.map(isDigit) ?? false) && !(after.map(isDigit) ?? false) { return true }
        }
        return false
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }
}
