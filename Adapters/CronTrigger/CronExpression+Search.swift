extension CronExpression {
    /// The first wall-clock time at or after `start` (local seconds since 1970-01-01 00:00:00) that the
    /// fields match, ignoring time zones; nil when none falls in a year up to `lastYear`.
    ///
    /// Works field by field: a month that does not match skips to the next matching month, a day to the
    /// next matching day, and so on, so the cost is bounded by the number of months and days searched,
    /// never by the number of seconds.
    func firstMatch(atOrAfter start: Int64, lastYear: Int) -> Int64? {
        var time = CivilTime(seconds: start)
        // Each pass either returns or moves `time` forward to the start of a later candidate unit;
        // an overflowing field (month 13, day 32, hour 24, ...) fails its lookup and carries upward.
        while time.year <= lastYear {
            guard let month = months.first(atOrAfter: time.month), month <= 12 else {
                time = CivilTime(year: time.year + 1, month: 1, day: 1, hour: 0, minute: 0, second: 0)
                continue
            }
            if month != time.month {
                time = CivilTime(year: time.year, month: month, day: 1, hour: 0, minute: 0, second: 0)
            }
            guard let day = firstDay(year: time.year, month: time.month, atOrAfter: time.day) else {
                time = CivilTime(year: time.year, month: time.month + 1, day: 1, hour: 0, minute: 0, second: 0)
                continue
            }
            if day != time.day {
                time = CivilTime(year: time.year, month: time.month, day: day, hour: 0, minute: 0, second: 0)
            }
            guard let hour = hours.first(atOrAfter: time.hour) else {
                time = nextDay(after: time)
                continue
            }
            if hour != time.hour {
                time.hour = hour
                time.minute = 0
                time.second = 0
            }
            guard let minute = minutes.first(atOrAfter: time.minute) else {
                time = nextHour(after: time)
                continue
            }
            if minute != time.minute {
                time.minute = minute
                time.second = 0
            }
            guard let second = seconds.first(atOrAfter: time.second) else {
                time.minute += 1
                time.second = 0
                if time.minute > 59 {
                    time = nextHour(after: time)
                }
                continue
            }
            time.second = second
            return time.seconds
        }
        return nil
    }

    private func firstDay(year: Int, month: Int, atOrAfter day: Int) -> Int? {
        guard month <= 12 else { return nil }
        let last = CivilTime.daysInMonth(year: year, month: month)
        guard day <= last else { return nil }
        return (day...last).first { dayMatches(year: year, month: month, day: $0) }
    }

    private func nextDay(after time: CivilTime) -> CivilTime {
        CivilTime(year: time.year, month: time.month, day: time.day + 1, hour: 0, minute: 0, second: 0)
    }

    private func nextHour(after time: CivilTime) -> CivilTime {
        time.hour >= 23 ? nextDay(after: time) : CivilTime(year: time.year, month: time.month, day: time.day, hour: time.hour + 1, minute: 0, second: 0)
    }
}
