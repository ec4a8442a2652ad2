/// Which mechanism a ``FileWatcher`` uses to see changes.
public enum FileWatchBackend: String, Sendable, Hashable {
    /// inotify on Linux (falling back to polling when the inotify instance or watch limit is reached), polling elsewhere.
    case auto
    /// Linux inotify: changes are seen as they happen. Only available on Linux.
    case inotify
    /// Snapshot diffing every ``FileWatchOptions/pollInterval``: works on any file system, including network mounts.
    case poll
}

/// What a ``FileWatcher`` watches and how it batches what it sees. ``FileWatcher/init(_:)`` validates every field.
public struct FileWatchOptions: Sendable, Hashable {
    /// The folder to watch; relative paths are resolved against the current directory, symbolic links are followed.
    public var folder: String
    /// Globs on the file's relative path; a change is delivered when any matches. Empty means every file.
    ///
    /// `*` and `?` match within one path component, `**` as a whole component matches any number of components
    /// (`**/*.csv` matches `a.csv` and `x/y/a.csv`; `dir/**` matches every file under `dir`), `[abc]`, `[a-z]` and `[!a]` (or `[^a]`) match one character, and `\`
    /// escapes the next character. A pattern without `/` matches the file's name at any depth; a leading `/` anchors a
    /// pattern at the folder (`/*.csv` matches only top-level files). Wildcards match names that start with `.`.
    /// Matching is case-sensitive.
    public var patterns: [String]
    /// The kinds of change to deliver. When `.moved` is not included, a rename is delivered as its `deleted` and
    /// `created` halves (each only if requested), so a `[.created]` watcher still sees files renamed into place.
    public var events: Set<FileChangeKind>
    /// Whether to watch subfolders too; subfolders created or moved in later are watched as they appear.
    /// Symbolic links to folders are not followed.
    public var recursive: Bool
    /// How long the folder must be quiet (no relevant change) before the collected changes are delivered.
    public var debounce: Duration
    /// The mechanism used to see changes.
    public var backend: FileWatchBackend
    /// How often the ``FileWatchBackend/poll`` backend rescans the folder; unused by inotify.
    public var pollInterval: Duration
    /// The most files one batch tracks; when reached, the batch is delivered at once and later changes start the next
    /// one, so nothing is dropped and no batch holds more than this many changes.
    public var maxPending: Int
    /// The longest a change waits for the folder to become quiet: a folder written to without pause still gets its
    /// changes delivered this long after the first one. Must be at least ``debounce``.
    public var maxDelay: Duration

    /// Creates options with the documented defaults: all files, all events, not recursive, 0.5 s debounce, automatic
    /// backend, 1 s poll interval, 1000 pending files, 10 s maximum delay.
    public init(
        folder: String,
        patterns: [String] = [],
        events: Set<FileChangeKind> = Set(FileChangeKind.allCases),
        recursive: Bool = false,
        debounce: Duration = .milliseconds(500),
        backend: FileWatchBackend = .auto,
        pollInterval: Duration = .seconds(1),
        maxPending: Int = 1000,
        maxDelay: Duration = .seconds(10)
    ) {
        self.folder = folder
        self.patterns = patterns
        self.events = events
        self.recursive = recursive
        self.debounce = debounce
        self.backend = backend
        self.pollInterval = pollInterval
        self.maxPending = maxPending
        self.maxDelay = maxDelay
    }
}
