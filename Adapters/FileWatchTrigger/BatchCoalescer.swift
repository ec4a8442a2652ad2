/// Folds a stream of raw file changes into the net change per file since the batch began. Pure: no I/O, no clock.
///
/// It tracks each file by where it was when the batch began (its origin), so that created-then-modified is `created`,
/// created-then-deleted is nothing, modified many times is one `modified`, deleted-then-recreated is `modified`,
/// a chain of renames is one `moved` from the first path to the last, a file created under a temporary name and
/// renamed into place is `created` under its final name (or `modified` when it replaced a file known to be there).
struct BatchCoalescer: Sendable {
    private struct Entry: Sendable {
        /// Where the file was when the batch began; `nil` when it did not exist then.
        var origin: String?
        var modified: Bool
        var order: Int
    }

    let filter: ChangeFilter
    /// Current path → the file now there.
    private var live: [String: Entry] = [:]
    /// Origin → the current path of the file that started there.
    private var currentPathOfOrigin: [String: String] = [:]
    /// Paths whose original file is gone (deleted, or moved and then deleted) → when that was first seen.
    private var removedOrigins: [String: Int] = [:]
    private var nextOrder = 0

    init(filter: ChangeFilter = .everything) {
        self.filter = filter
    }

    /// How many files the batch tracks; an upper bound on the number of changes ``drain()`` returns.
    var trackedCount: Int { live.count + removedOrigins.count }

    /// Whether nothing is tracked.
    var isEmpty: Bool { live.isEmpty && removedOrigins.isEmpty }

    /// Whether a change to `path` can affect what is delivered: it matches, or a tracked file is there.
    func isRelevant(_ path: String) -> Bool { filter.matches(path) || live[path] != nil }

    /// Folds `change` in; returns `false` (and changes nothing) when it cannot affect what is delivered.
    /// A `moved` change without `previousPath` is taken as `created`.
    @discardableResult
    mutating func add(_ change: FileChange) -> Bool {
        let path = change.path
        switch change.kind {
        case .created, .modified, .deleted:
            guard isRelevant(path) else { return false }
            if change.kind == .deleted {
                delete(path)
            } else {
                write(path, isCreation: change.kind == .created)
            }
        case .moved:
            guard let previous = change.previousPath, previous != path else {
                return add(.created(path))
            }
            guard isRelevant(previous) || isRelevant(path) else { return false }
            move(from: previous, to: path)
        }
        return true
    }

    /// Returns the net changes in first-touched order, filtered by the filter, and starts a new batch.
    mutating func drain() -> [FileChange] {
        var ordered: [(order: Int, change: FileChange)] = []
        for (path, entry) in live {
            switch entry.origin {
            case nil:
                // A new file where one stood when the batch began (replaced by a rename) is a modification.
                ordered.append((entry.order, removedOrigins[path] == nil ? .created(path) : .modified(path)))
            case path?:
                if entry.modified { ordered.append((entry.order, .modified(path))) }
            case let origin? where removedOrigins[path] != nil && !filter.matches(origin):
                // Renamed from an unwatched name over a file that stood here (an atomic save): a modification.
                ordered.append((entry.order, .modified(path)))
            case let origin?:
                ordered.append((entry.order, .moved(path, from: origin)))
            }
        }
        for (origin, order) in removedOrigins where currentPathOfOrigin[origin] == nil && live[origin] == nil {
            ordered.append((order, .deleted(origin)))
        }
        self = BatchCoalescer(filter: filter)
        return ordered.sorted { $0.order < $1.order }.flatMap { filter.project($0.change) }
    }

    private mutating func takeOrder() -> Int {
        defer { nextOrder += 1 }
        return nextOrder
    }

    /// Whether the file at `path` has not been touched in this batch (so, if it exists, it existed when the batch began).
    private func isUntouched(_ path: String) -> Bool {
        live[path] == nil && removedOrigins[path] == nil && currentPathOfOrigin[path] == nil
    }

    private mutating func write(_ path: String, isCreation: Bool) {
        if live[path] != nil {
            live[path]?.modified = true
        } else if !isCreation && isUntouched(path) {
            insert(Entry(origin: path, modified: true, order: takeOrder()), at: path)
        } else if let order = removedOrigins[path], currentPathOfOrigin[path] == nil {
            insert(Entry(origin: path, modified: true, order: order), at: path)
        } else {
            insert(Entry(origin: nil, modified: false, order: takeOrder()), at: path)
        }
    }

    private mutating func delete(_ path: String) {
        if let entry = live.removeValue(forKey: path) {
            guard let origin = entry.origin else { return }
            currentPathOfOrigin[origin] = nil
            if removedOrigins[origin] == nil { removedOrigins[origin] = entry.order }
        } else if isUntouched(path) {
            removedOrigins[path] = takeOrder()
        }
    }

    private mutating func move(from previous: String, to path: String) {
        let entry: Entry
        if let existing = live.removeValue(forKey: previous) {
            entry = existing
        } else if isUntouched(previous) {
            entry = Entry(origin: previous, modified: false, order: takeOrder())
        } else {
            entry = Entry(origin: nil, modified: false, order: takeOrder())
        }
        if live[path] != nil { delete(path) }
        insert(entry, at: path)
    }

    private mutating func insert(_ entry: Entry, at path: String) {
        live[path] = entry
        if let origin = entry.origin { currentPathOfOrigin[origin] = path }
    }
}
