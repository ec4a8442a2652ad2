public import CairnTriggers

/// Why a cron expression or a time zone name was refused. `field` is the part at fault: "second",
/// "minute", "hour", "day of month", "month", "day of week", "expression" (the whole text, e.g. a
/// wrong number of fields) or "time zone"; `value` quotes the offending text.
public typealias CronError = TriggerOptionError
