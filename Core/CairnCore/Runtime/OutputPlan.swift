import Foundation

/// The outputs of one invocation turned into entries: what goes to the session itself (one
/// atomic batch), what starts child sessions, and what goes to other sessions.
struct OutputPlan: Sendable {
    var main: [EntryDraft] = []
    var forks: [EntryDraft] = []
    var crossSession: [(SessionID, EntryDraft)] = []

    /// Stores every body (blobs before entries) and classifies the outputs.
    /// - Throws: ``HandlerFailure`` with kind `invalid-output` for an output the runtime cannot accept.
    static func prepare(
        _ outputs: [HandlerOutput], for session: SessionID, snapshot: Int,
        store: any Store, fetchers: [any ObjectFetcher], now: Date
    ) async throws -> OutputPlan {
        var plan = OutputPlan()
        for (index, output) in outputs.enumerated() {
            func invalid(_ message: String) -> HandlerFailure {
                HandlerFailure(ErrorReport(message: "output \(index + 1): \(message)", kind: "invalid-output", snapshot: snapshot))
            }
            var data: Data
            switch output.body {
            case .data(let bytes):
                data = bytes
            case .uri(let text):
                guard let url = URL(string: text), let fetcher = fetchers.first(where: { $0.handles(url) }) else {
                    throw invalid("cannot fetch uri '\(text.prefix(200))': no fetcher for its scheme")
                }
                do { data = try await fetcher.fetch(url) } catch { throw invalid("\(error)") }
            }
            var header = output.header
            var event = EventKind.push
            switch ContentTypes.mediaType(header.contentType) {
            case ContentTypes.pause:
                if header.metadata[MetadataKeys.duration] == nil, let untilText = header.metadata[MetadataKeys.until] {
                    guard let until = Timestamps.parse(untilText) else { throw invalid("'\(untilText.prefix(60))' is not an RFC 3339 time") }
                    header.metadata[MetadataKeys.until] = Timestamps.format(until)
                    event = .sleep
                } else if let durationText = header.metadata[MetadataKeys.duration] {
                    let seconds: TimeInterval
                    do { seconds = try GoDuration.parse(durationText) } catch { throw invalid("\(error)") }
                    event = .sleep
                    header.metadata[MetadataKeys.until] = Timestamps.format(now.addingTimeInterval(seconds))
                } else {
                    event = .pause
                }
            case ContentTypes.finish:
                event = .finish
            case StepRecord.contentType:
                guard header.metadata["position"] != nil, header.metadata["kind"].flatMap(StepKind.init(rawValue:)) != nil else {
                    throw invalid("a step record needs metadata 'position' and a known 'kind'")
                }
                event = .step
            default:
                break
            }
            if event == .pause || event == .sleep || event == .finish {
                // A control output's body is its reason as text; the entry carries it as JSON.
                var fields: [String: JSONValue] = ["reason": .string(String(decoding: data, as: UTF8.self))]
                if let until = header.metadata[MetadataKeys.until], event == .sleep { fields["until"] = .string(until) }
                data = ControlRecord.body(event, fields)
                header.contentType = ContentTypes.json
            }
            let digest = try await store.put(data)
            let draft = EntryDraft(event: event, header: header, digest: digest, size: data.count, time: now, source: "handler")
            if let target = output.session, target != session {
                guard event == .push else { throw invalid("control and step outputs (pause, sleep, finish, step) cannot go to another session") }
                let targetHead: SessionHead
                do { targetHead = try await SessionLog(store: store).head(of: target) } catch { throw invalid("target session \(target) does not exist") }
                if targetHead.last?.event == .finish { throw invalid("target session \(target) is finished") }
                plan.crossSession.append((target, draft))
            } else if output.fork {
                guard event == .push else { throw invalid("a control or step output (pause, sleep, finish, step) cannot start a child session") }
                plan.forks.append(draft)
            } else {
                plan.main.append(draft)
            }
        }
        return plan
    }
}
