public import CairnCore
public import Foundation

extension S3Store {
    /// Writes `timers/<id>`: the due time in milliseconds since 1970, as decimal text.
    func putTimer(_ id: SessionID, due: Date) async throws {
        _ = try await client.putObject(layout.timer(id), body: Data(String(Timestamps.milliseconds(due)).utf8), contentType: "text/plain")
    }

    /// Keeps `timers/<id>` in step with an append that just landed.
    ///
    /// A sleep's timer was written before its batch; it is checked again afterwards because an
    /// append that cleared the previous sleep may have deleted it meanwhile. An append that ends a
    /// sleep deletes the timer, then looks at the log once more and restores the timer if a newer
    /// sleep landed in between. Together these keep a racing sleep from losing its timer.
    func afterAppend(_ id: SessionID, effect: TimerEffect, previous: Entry?) async throws {
        switch effect {
        case .set(let due):
            if try await client.headObject(layout.timer(id)) == nil {
                try await putTimer(id, due: due)
            }
        case .clear:
            guard previous?.event == .sleep else { return }
            try await client.deleteObject(layout.timer(id))
            let head = try await head(id, info: try await sessionInfo(id))
            if let wake = head.last?.wakeTime {
                try await putTimer(id, due: wake)
            }
        case .unchanged:
            return
        }
    }

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        let listing = try await client.listObjects(prefix: layout.timers)
        let grace = Double(options.staleTimerGrace.components.seconds)
        let found = try await concurrentMap(listing.objects, limit: Self.parallelRequests) { object -> DueTimer? in
            guard let id = self.layout.sessionID(ofTimer: object.key),
                case .object(let timer) = try await self.client.getObject(object.key),
                let millis = Int64(String(decoding: timer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            else {
                return nil
            }
            let due = Timestamps.date(milliseconds: millis)
            guard due <= now else { return nil }
            var last: Entry?
            do { last = try await self.ownHead(id).last } catch CairnError.sessionNotFound {}
            if let wake = last?.wakeTime {
                guard Timestamps.milliseconds(wake) != millis else { return DueTimer(session: id, due: due) }
                // The session sleeps until another time than the timer says: the log is the truth.
                try await self.putTimer(id, due: wake)
                return wake <= now ? DueTimer(session: id, due: wake) : nil
            }
            // Stale: the session moved on (after a crash between the append and the delete).
            // A young timer may belong to an append still in flight, so only old ones go.
            if let modified = object.lastModified, Date().timeIntervalSince(modified) > grace {
                try await self.client.deleteObject(object.key)
            }
            return nil
        }
        return found.compactMap { $0 }.sorted { $0.due == $1.due ? $0.session < $1.session : $0.due < $1.due }
    }
}
