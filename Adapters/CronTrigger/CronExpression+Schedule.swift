public import Foundation

extension CronExpression {
    /// The first fire strictly after `date`, matching wall-clock time in `timeZone`.
    ///
    /// Follows the daylight-saving rule in the type's documentation: a time skipped by a spring-forward
    /// gap fires once at the end of the gap; a time repeated by a fall-back fires in both passes only when
    /// the hour field is written with `*`. Fires land on whole seconds.
    ///
    /// - Returns: the fire, or nil when none occurs within `searchHorizonYears` years (the expression can
    ///   never fire, e.g. `0 0 30 2 *`) or when `date` lies outside the years 1-9999.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        let interval = date.timeIntervalSince1970
        // Years 1 through 9999, where calendar arithmetic and time zone data are meaningful.
        guard interval.isFinite, interval > -62_135_596_800, interval < 253_402_300_800 else { return nil }
        let lower = Int64(interval.rounded(.down)) + 1
        return firstFire(atOrAfter: lower, zone: ZoneClock(timeZone)).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The fires in the half-open interval (`after`, `through`], oldest first, at most `limit` of them.
    ///
    /// Use it to find fires missed during downtime: the count is capped by `limit`, and the newest fires
    /// beyond the cap are the ones left out. Returns an empty array when `limit <= 0` or `through <= after`.
    public func fires(after: Date, through: Date, in timeZone: TimeZone, limit: Int) -> [Date] {
        var result: [Date] = []
        var cursor = after
        while result.count < limit, let fire = next(after: cursor, in: timeZone), fire <= through {
            result.append(fire)
            cursor = fire
        }
        return result
    }

    /// The first fire at or after the instant `lower` (seconds since 1970), walking the zone's
    /// constant-offset segments between transitions.
    private func firstFire(atOrAfter lower: Int64, zone: ZoneClock) -> Int64? {
        let lastYear = CivilTime(seconds: lower + zone.offset(at: lower)).year + Self.searchHorizonYears
        // Start at the latest transition before `lower`, so an overlap `lower` falls in is recognised.
        var start = zone.lastTransition(before: lower) ?? lower
        // Each pass handles one segment; transitions are months apart, so this bound is never reached
        // for real zones and only stops a malformed zone from looping.
        for _ in 0..<1000 {
            let offset = zone.offset(at: start)
            let previousOffset = zone.offset(at: start - 1)
            let end = zone.transition(after: start)
            if start >= lower, previousOffset < offset,
                let skipped = firstMatch(atOrAfter: start + previousOffset, lastYear: lastYear), skipped < start + offset
            {
                return start  // a matching local time was skipped by the gap: fire once when it ends
            }
            // Local times before this were already lived through before the clocks went back.
            let repeatedUntil = previousOffset > offset ? start + previousOffset : Int64.min
            var from = max(start, lower) + offset
            while true {
                guard let match = firstMatch(atOrAfter: from, lastYear: lastYear) else { return nil }
                if let end, match >= end + offset { break }
                if match < repeatedUntil && !hourIsWildcard {
                    from = repeatedUntil
                    continue
                }
                return match - offset
            }
            guard let end, end > start else { return nil }
            start = end
        }
        return nil
    }
}

/// A time zone's UTC offsets and transitions in whole seconds since 1970.
struct ZoneClock {
    let timeZone: TimeZone

    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// Seconds to add to the instant to get local wall-clock seconds.
    func offset(at instant: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The first transition strictly after `instant`, or nil if the zone has none.
    func transition(after instant: Int64) -> Int64? {
        guard let date = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(instant))) else {
            return nil
        }
        let seconds = Int64(date.timeIntervalSince1970.rounded(.up))
        return seconds > instant ? seconds : nil
    }

    /// The latest transition in the two days before `instant` (longer ago, it no longer affects local time).
    func lastTransition(before instant: Int64) -> Int64? {
        var latest: Int64?
        var cursor = instant - 2 * 86_400
        while let next = transition(after: cursor), next < instant {
            latest = next
            cursor = next
        }
        return latest
    }
}
