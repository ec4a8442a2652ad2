public import CairnTriggers

/// Why a watcher could not be created or stopped running: `field` is the option concerned (`folder`,
/// `patterns[2]`, `debounce`), `value` its value as written.
public typealias FileWatchError = TriggerOptionError
