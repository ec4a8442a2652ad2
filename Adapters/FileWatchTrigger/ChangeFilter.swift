/// Decides which paths are relevant and projects coalesced changes onto the files and kinds a watcher delivers.
struct ChangeFilter: Sendable, Hashable {
    let patterns: [GlobPattern]
    let events: Set<FileChangeKind>

    /// A filter that delivers everything.
    static let everything = ChangeFilter(patterns: [], events: Set(FileChangeKind.allCases))

    /// Whether `path` matches any pattern (every path matches when there are none).
    func matches(_ path: String) -> Bool {
        patterns.isEmpty || patterns.contains { $0.matches(path) }
    }

    /// The changes the watcher delivers for `change`.
    ///
    /// A move is seen from the matching files' point of view: from a non-matching name to a matching one is `created`,
    /// the other way round is `deleted`. When `.moved` is not requested, a move is split into its `deleted` and
    /// `created` halves, each delivered only if requested.
    func project(_ change: FileChange) -> [FileChange] {
        guard change.kind == .moved, let previous = change.previousPath else {
            return matches(change.path) && events.contains(change.kind) ? [change] : []
        }
        var halves: [FileChange] = []
        let oldMatches = matches(previous)
        let newMatches = matches(change.path)
        if oldMatches && newMatches && events.contains(.moved) { return [change] }
        if oldMatches && events.contains(.deleted) { halves.append(.deleted(previous)) }
        if newMatches && events.contains(.created) { halves.append(.created(change.path)) }
        return halves
    }
}
