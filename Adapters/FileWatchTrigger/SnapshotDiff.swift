/// The changes between two snapshots of a folder. Pure: no I/O.
enum SnapshotDiff {
    /// Changes turning `old` into `new`, in an order that replays correctly one by one: moves first (a move out of a
    /// path before the move onto it, a rename over a file preceded by that file's deletion), then modifications and
    /// creations by path, then deletions by path.
    ///
    /// A file is `moved` when a path that vanished or changed identity held the same inode with the same size and
    /// mtime (a rename keeps all three; requiring size and mtime too keeps a reused inode number from faking a move).
    /// A path whose identity changed without such a source is `modified`, as is one whose size or mtime changed.
    /// Files that swapped places (a cycle of renames) are `modified`, as no order of single moves replays a cycle.
    static func changes(from old: [String: FileStat], to new: [String: FileStat]) -> [FileChange] {
        var vacated: [FileStat.Identity: [String]] = [:]
        for (path, stat) in old where new[path]?.identity != stat.identity {
            vacated[stat.identity, default: []].append(path)
        }
        for identity in vacated.keys { vacated[identity]?.sort(by: >) }

        func takeSource(for stat: FileStat) -> String? {
            guard var candidates = vacated[stat.identity],
                let index = candidates.lastIndex(where: { old[$0]?.size == stat.size && old[$0]?.modified == stat.modified })
            else { return nil }
            let source = candidates.remove(at: index)
            vacated[stat.identity] = candidates
            return source
        }

        var sourceOfDestination: [String: String] = [:]
        var writes: [FileChange] = []
        for path in new.keys.sorted() {
            guard let stat = new[path] else { continue }
            let previous = old[path]
            if previous == stat { continue }
            if previous?.identity != stat.identity, let source = takeSource(for: stat) {
                sourceOfDestination[path] = source
            } else {
                writes.append(previous == nil ? .created(path) : .modified(path))
            }
        }
        let (moves, cycled) = orderMoves(sourceOfDestination, replaced: Set(sourceOfDestination.keys.filter { old[$0] != nil }))
        writes.append(contentsOf: cycled.map(FileChange.modified))
        writes.sort { $0.path < $1.path }
        let sources = Set(sourceOfDestination.values)
        let deletions = old.keys.sorted().filter { new[$0] == nil && !sources.contains($0) }.map(FileChange.deleted)
        return moves + writes + deletions
    }

    /// Orders moves so that the move out of a path comes before the move onto it; destinations caught in a cycle are
    /// returned separately. A move onto a `replaced` path whose file did not move away first is preceded by that
    /// file's deletion, as a rename over a file deletes it.
    private static func orderMoves(
        _ sourceOfDestination: [String: String], replaced: Set<String>
    ) -> (moves: [FileChange], cycled: [String]) {
        var destinationOfSource: [String: String] = [:]
        for (destination, source) in sourceOfDestination { destinationOfSource[source] = destination }
        var done = Set<String>()
        var moves: [FileChange] = []
        var cycled: [String] = []
        for start in sourceOfDestination.keys.sorted() where !done.contains(start) {
            // chain[i + 1] is the destination of the move out of chain[i], so it must be replayed first.
            var chain = [start]
            var isCycle = false
            while let next = destinationOfSource[chain[chain.count - 1]], !done.contains(next) {
                if chain.contains(next) {
                    isCycle = true
                    break
                }
                chain.append(next)
            }
            done.formUnion(chain)
            if isCycle {
                cycled.append(contentsOf: chain)
                continue
            }
            for destination in chain.reversed() {
                guard let source = sourceOfDestination[destination] else { continue }
                if replaced.contains(destination) && destinationOfSource[destination] == nil { moves.append(.deleted(destination)) }
                moves.append(.moved(destination, from: source))
            }
        }
        return (moves, cycled)
    }
}
