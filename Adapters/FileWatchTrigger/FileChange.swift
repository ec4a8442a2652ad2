/// The kind of change a ``FileChange`` reports.
public enum FileChangeKind: String, Sendable, Hashable, CaseIterable {
    /// A file appeared: it was created in the folder or moved in from outside it.
    case created
    /// A file's contents changed: with inotify a writer closed it after writing; when polling, its size, mtime or inode changed.
    case modified
    /// A file disappeared: it was deleted or moved out of the folder.
    case deleted
    /// A file was renamed within the folder; ``FileChange/previousPath`` holds its old path.
    case moved
}

/// One coalesced change to a file in the watched folder.
///
/// Paths are relative to the watched folder and `/`-separated; directories themselves are never reported,
/// only the files (any non-directory entry) inside them.
public struct FileChange: Sendable, Hashable, CustomStringConvertible {
    /// What happened to the file.
    public var kind: FileChangeKind
    /// The file's path relative to the watched folder (its new path for ``FileChangeKind/moved``).
    public var path: String
    /// For ``FileChangeKind/moved``, the path the file had before; `nil` for every other kind.
    public var previousPath: String?

    /// Creates a change; `previousPath` is meaningful only for ``FileChangeKind/moved``.
    public init(kind: FileChangeKind, path: String, previousPath: String? = nil) {
        self.kind = kind
        self.path = path
        self.previousPath = previousPath
    }

    /// A ``FileChangeKind/created`` change of `path`.
    public static func created(_ path: String) -> FileChange { FileChange(kind: .created, path: path) }

    /// A ``FileChangeKind/modified`` change of `path`.
    public static func modified(_ path: String) -> FileChange { FileChange(kind: .modified, path: path) }

    /// A ``FileChangeKind/deleted`` change of `path`.
    public static func deleted(_ path: String) -> FileChange { FileChange(kind: .deleted, path: path) }

    /// A ``FileChangeKind/moved`` change: the file at `previousPath` is now at `path`.
    public static func moved(_ path: String, from previousPath: String) -> FileChange {
        FileChange(kind: .moved, path: path, previousPath: previousPath)
    }

    /// `created a.csv`, `moved old.csv -> new.csv`, and so on.
    public var description: String {
        if let previousPath {
            return "\(kind.rawValue) \(previousPath) -> \(path)"
        }
        return "\(kind.rawValue) \(path)"
    }
}

/// One debounced batch delivered by ``FileWatcher/runBatches(onReady:onBatch:)``, with why it was delivered.
public struct FileChangeBatch: Sendable, Hashable {
    /// Why a batch was delivered when it was.
    public enum Cause: String, Sendable, Hashable {
        /// The folder was quiet for ``FileWatchOptions/debounce``.
        case quiet
        /// Changes kept coming for ``FileWatchOptions/maxDelay`` since the batch's first change.
        case maxDelay
        /// The batch reached ``FileWatchOptions/maxPending`` tracked files; later changes go to the next batch.
        case maxPending
        /// Watching cannot go on (the folder disappeared, or a watch limit was reached): this is the last batch, and
        /// ``FileWatcher/run(onReady:onBatch:)`` throws right after it.
        case stopping
    }

    /// The coalesced changes, never empty, in the order their files were first touched.
    public var changes: [FileChange]
    /// Why the batch was delivered now.
    public var cause: Cause
    /// `true` when some changes were reconstructed by rescanning the folder after the kernel's event queue overflowed.
    /// Such changes are diffs of two snapshots: a file created and deleted in between is missed, and a file renamed and
    /// written in between shows as deleted plus created.
    public var rescanned: Bool

    /// Creates a batch.
    public init(changes: [FileChange], cause: Cause, rescanned: Bool = false) {
        self.changes = changes
        self.cause = cause
        self.rescanned = rescanned
    }
}
