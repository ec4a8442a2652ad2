import CairnCore
import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-Sent Events: a session's entries (`/v1/sessions/{id}/stream`) and every session's new
/// entries (`/v1/stream`).
///
/// Streams read the store by sequence number and never from an in-memory broadcast, so each
/// subscriber gets every entry exactly once and in order, whoever appended it; an append through
/// this server wakes them at once, appends by other processes within a poll interval. Idle
/// streams send a `: keep-alive` comment. Streams end when the server shuts down.
enum StreamRoutes {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let page = 256

    static func register(_ routes: RouteTable, _ api: APIServices) {
        routes.add(.get, "/v1/sessions/{id}/stream") { request, context in
            let id = try api.sessionID(context)
            var from = try api.integer(request, "from", fallback: 0)
            if let text = request.headers[lastEventID] {
                guard let last = Int(text.trimmingCharacters(in: .whitespaces)), last >= 0, last < Int.max else {
                    throw APIError.badRequest("Last-Event-ID must be the sequence number of the last entry received, not '\(text.prefix(40))'")
                }
                from = last + 1
            }
            _ = try await SessionLog(store: api.store).head(of: id)  // 404 before the stream starts
            let start = from
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await sessionStream(id, from: start, api: api, writer: &writer)
                    try await writer.finish(nil)
                })
        }

        routes.add(.get, "/v1/stream") { _, _ in
            let start = try await Positions.now(store: api.store)
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await globalStream(start, api: api, writer: &writer)
                    try await writer.finish(nil)
                })
        }
    }

    static let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"]

    private static func sessionStream(_ id: SessionID, from start: Int, api: APIServices, writer: inout any ResponseBodyWriter) async throws {
        let subscription = api.feed.subscribe(id)
        api.metrics.subscribers.record(api.feed.count)
        defer {
            api.feed.unsubscribe(subscription)
            api.metrics.subscribers.record(api.feed.count)
        }
        let log = SessionLog(store: api.store)
        var next = start
        var lastWrite = ContinuousClock.now
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        while !api.stopping.isSet {
            let entries = try await log.entries(of: id, from: next, limit: page)
            if !entries.isEmpty {
                var buffer = ByteBuffer()
                for entry in entries {
                    event(entry, session: id, id: String(entry.seq), body: try await api.store.body(of: entry), into: &buffer)
                    next = entry.seq + 1
                }
                try await writer.write(buffer)
                lastWrite = ContinuousClock.now
                if entries.count == page { continue }
            }
            try await idle(api: api, subscription: subscription, lastWrite: &lastWrite, writer: &writer)
        }
    }

    private static func globalStream(_ start: Positions, api: APIServices, writer: inout any ResponseBodyWriter) async throws {
        let subscription = api.feed.subscribe(nil)
        api.metrics.subscribers.record(api.feed.count)
        defer {
            api.feed.unsubscribe(subscription)
            api.metrics.subscribers.record(api.feed.count)
        }
        var positions = start
        var lastWrite = ContinuousClock.now
        var lastScan = ContinuousClock.now
        var changed: Set<SessionID> = []
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        while !api.stopping.isSet {
            // Signalled sessions are read at once; every poll interval all sessions are compared
            // with their known lengths, for appends by other processes and sessions created meanwhile.
            if ContinuousClock.now - lastScan >= api.pollInterval {
                changed.formUnion(try await positions.changed(store: api.store))
                lastScan = ContinuousClock.now
            }
            var buffer = ByteBuffer()
            for id in changed.sorted() {
                for entry in try await positions.advance(id, store: api.store) {
                    event(entry, session: id, id: "\(id.rawValue)/\(entry.seq)", body: try await api.store.body(of: entry), into: &buffer)
                }
            }
            changed = []
            if buffer.readableBytes > 0 {
                try await writer.write(buffer)
                lastWrite = ContinuousClock.now
            }
            changed = try await idle(api: api, subscription: subscription, lastWrite: &lastWrite, writer: &writer)
        }
    }

    /// Waits for a signal or the poll interval, sending a keep-alive comment when one is due.
    @discardableResult
    private static func idle(
        api: APIServices, subscription: ChangeFeed.Subscription, lastWrite: inout ContinuousClock.Instant,
        writer: inout any ResponseBodyWriter
    ) async throws -> Set<SessionID> {
        let changed = await subscription.wait(timeout: min(api.pollInterval, api.keepAlive))
        if changed.isEmpty, ContinuousClock.now - lastWrite >= api.keepAlive {
            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
            lastWrite = ContinuousClock.now
        }
        return changed
    }

    /// One `entry` event: `id: ...`, `event: entry`, `data:` the entry as `cairn log --json` shows it, plus `session`.
    static func event(_ entry: Entry, session: SessionID, id: String, body: Data, into buffer: inout ByteBuffer) {
        var object = EntryRendering.jsonObject(entry, body: body)
        object["session"] = session.rawValue
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        buffer.writeString("id: \(id)\nevent: entry\ndata: ")
        buffer.writeBytes(data)  // JSONSerialization escapes newlines inside strings, so this is one line
        buffer.writeString("\n\n")
    }
}

/// How far the global stream has delivered each session: its logical length when seen.
struct Positions: Sendable {
    var lengths: [SessionID: Int]

    /// Every session at its current length: the stream delivers only what is appended later.
    static func now(store: any Store) async throws -> Positions {
        var lengths: [SessionID: Int] = [:]
        for info in try await store.listSessions() {
            lengths[info.id] = try await store.ownHead(info.id).length
        }
        return Positions(lengths: lengths)
    }

    /// Sessions whose length differs from the known one (new sessions included).
    func changed(store: any Store) async throws -> Set<SessionID> {
        var result: Set<SessionID> = []
        for info in try await store.listSessions() {
            let length = try await store.ownHead(info.id).length
            if length != (lengths[info.id] ?? info.forkPoint) { result.insert(info.id) }
        }
        return result
    }

    /// The entries of `id` after the known position (a new session from its own first entry).
    mutating func advance(_ id: SessionID, store: any Store) async throws -> [Entry] {
        let from: Int
        if let known = lengths[id] {
            from = known
        } else {
            from = try await store.sessionInfo(id).forkPoint
        }
        let entries = try await store.readOwn(id, from: from, limit: nil)
        if let last = entries.last { lengths[id] = last.seq + 1 } else if lengths[id] == nil { lengths[id] = from }
        return entries
    }
}
