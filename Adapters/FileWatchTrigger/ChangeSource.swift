public import CairnTriggers

/// What a backend saw since it was last asked.
struct SourceOutput: Sendable {
    /// Raw changes in the order they happened; the coalescer folds them.
    var changes: [FileChange] = []
    /// Paths being written to that have no change to report yet; they keep the batch open.
    var activity: [String] = []
    /// Whether some changes come from a rescan rather than from events.
    var rescanned = false
    /// Set when watching cannot go on (the folder vanished); the changes before it are still valid.
    var failure: FileWatchError?
}

/// A backend: something asked at a fixed interval for the raw changes it has seen. `collect()` never blocks waiting
/// for changes, so the watch loop can run on the cooperative pool and sleep on its clock between calls.
protocol ChangeSource: AnyObject {
    /// How long the watch loop waits between two `collect()` calls.
    var interval: Duration { get }

    /// The changes seen since the last call; throws when the backend fails in a way the user must fix.
    func collect() throws(FileWatchError) -> SourceOutput
}

/// The error for a watched folder that is gone or no longer a folder.
func folderRemovedError(_ root: String) -> FileWatchError {
    FileWatchError(
        field: "folder", value: root,
        message: "the watched folder was deleted, moved or replaced; recreate it and start the watcher again")
}

/// The error for the kernel refusing another inotify watch or instance.
func inotifyLimitError(_ path: String, _ error: Errno) -> FileWatchError {
    FileWatchError(
        field: "backend", value: "inotify",
        message: "cannot watch \"\(path)\" (\(error.text)): the inotify limits fs.inotify.max_user_watches and "
            + "fs.inotify.max_user_instances are per user; raise them with sysctl, or use backend poll")
}
