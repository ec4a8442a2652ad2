public import CairnTriggers

#if os(Linux)
    import Glibc

    /// The inotify backend: turns kernel events on every watched directory into raw changes on files.
    ///
    /// It keeps the set of known files so that a directory moved or deleted as a whole reports each file in it, and so
    /// that a queue overflow can be repaired by rescanning and diffing. A `MOVED_FROM` waits one extra drain of the
    /// queue for its `MOVED_TO` (same cookie); unpaired, it means the file left the folder and is reported as deleted.
    final class InotifySource: ChangeSource {
        /// Why the backend could not start; resource limits let the automatic backend fall back to polling.
        struct SetupError: Error {
            var error: FileWatchError
            var isResourceLimit: Bool
        }

        private struct PendingMove {
            var path: String
            var isDirectory: Bool
            var cycle: Int
        }

        let interval: Duration
        private let root: String
        private let recursive: Bool
        private let inotify: InotifyDescriptor
        private var watches = InotifyWatchTable()
        private var known: [String: FileStat] = [:]
        private var pendingMoves: [UInt32: PendingMove] = [:]
        private var cycle = 0

        /// Watches `root` (and, if `recursive`, every folder below it) and records the files present now.
        init(root: String, recursive: Bool, interval: Duration) throws(SetupError) {
            self.root = root
            self.recursive = recursive
            self.interval = interval
            do {
                inotify = try InotifyDescriptor()
            } catch {
                throw SetupError(error: inotifyLimitError(root, error), isResourceLimit: error.code == EMFILE || error.code == ENFILE)
            }
            switch watches.watchTree("", root: root, recursive: recursive, using: inotify) {
            case .success(let files):
                known = files
            case .failure(let error) where error.code == ENOSPC:
                throw SetupError(error: inotifyLimitError(root, error), isResourceLimit: true)
            case .failure(let error):
                let message = "cannot watch the folder (\(error.text)); check that it exists and is readable"
                throw SetupError(error: FileWatchError(field: "folder", value: root, message: message), isResourceLimit: false)
            }
        }

        func collect() throws(FileWatchError) -> SourceOutput {
            do {
                return process(try inotify.readAvailable())
            } catch {
                throw FileWatchError(field: "backend", value: "inotify", message: "reading inotify events failed (\(error.text)); use backend poll")
            }
        }

        /// Turns one drain of the queue into changes; unpaired `MOVED_FROM`s from the previous drain become deletions.
        func process(_ events: [InotifyEvent]) -> SourceOutput {
            cycle += 1
            var output = SourceOutput()
            for event in events {
                if event.has(IN_Q_OVERFLOW) {
                    rescan(into: &output)
                    return output
                }
                handle(event, into: &output)
                if output.failure != nil { return output }
            }
            for (cookie, move) in pendingMoves where move.cycle < cycle {
                pendingMoves[cookie] = nil
                removed(move.path, isDirectory: move.isDirectory, into: &output)
            }
            return output
        }

        private func handle(_ event: InotifyEvent, into output: inout SourceOutput) {
            guard let directory = watches.directory(of: event.watch) else { return }
            if event.has(IN_IGNORED) {
                watches.forget(event.watch)
                if directory.isEmpty { stop(with: folderRemovedError(root), reportingDeletions: true, into: &output) }
                return
            }
            guard !event.name.isEmpty else {
                // A subfolder's own DELETE_SELF and MOVE_SELF are handled through its parent's events.
                if directory.isEmpty && (event.has(IN_DELETE_SELF) || event.has(IN_MOVE_SELF)) {
                    stop(with: folderRemovedError(root), reportingDeletions: true, into: &output)
                }
                return
            }
            let path = directory.isEmpty ? event.name : directory + "/" + event.name
            let isDirectory = event.has(IN_ISDIR)
            if isDirectory && !recursive { return }
            if event.has(IN_CREATE) {
                appeared(path, isDirectory: isDirectory, byRename: false, into: &output)
            } else if event.has(IN_CLOSE_WRITE) {
                if case .file(let stat)? = FileSystem.entry(at: FileSystem.join(root, path)) { known[path] = stat }
                output.changes.append(.modified(path))
            } else if event.has(IN_MODIFY) {
                output.activity.append(path)
            } else if event.has(IN_DELETE) {
                removed(path, isDirectory: isDirectory, into: &output)
            } else if event.has(IN_MOVED_FROM) {
                pendingMoves[event.cookie] = PendingMove(path: path, isDirectory: isDirectory, cycle: cycle)
            } else if event.has(IN_MOVED_TO) {
                if let move = pendingMoves.removeValue(forKey: event.cookie) {
                    moved(from: move.path, to: path, isDirectory: isDirectory, into: &output)
                } else {
                    appeared(path, isDirectory: isDirectory, byRename: true, into: &output)
                }
            }
        }

        /// A file or folder appeared (created or moved in): a new folder is watched, then listed, so files that landed
        /// in it before its watch existed are reported too.
        private func appeared(_ path: String, isDirectory: Bool, byRename: Bool, into output: inout SourceOutput) {
            guard isDirectory else {
                if byRename { replaceKnown(path, into: &output) }
                if case .file(let stat)? = FileSystem.entry(at: FileSystem.join(root, path)) { known[path] = stat }
                output.changes.append(.created(path))
                return
            }
            switch watches.watchTree(path, root: root, recursive: recursive, using: inotify) {
            case .success(let files):
                for path in files.keys.sorted() {
                    known[path] = files[path]
                    output.changes.append(.created(path))
                }
            case .failure(let error) where error.code == ENOSPC:
                stop(with: inotifyLimitError(FileSystem.join(root, path), error), reportingDeletions: false, into: &output)
            case .failure:
                return  // The folder vanished again; its events will say so.
            }
        }

        /// A file or folder disappeared (deleted or moved out): every known file under a folder is reported deleted.
        private func removed(_ path: String, isDirectory: Bool, into output: inout SourceOutput) {
            guard isDirectory else {
                known[path] = nil
                output.changes.append(.deleted(path))
                return
            }
            let prefix = path + "/"
            for file in known.keys.filter({ $0.hasPrefix(prefix) }).sorted() {
                known[file] = nil
                output.changes.append(.deleted(file))
            }
            for (_, watch) in watches.watches(under: path) {
                inotify.removeWatch(watch)  // A folder moved out is still alive: stop hearing about it.
                watches.forget(watch)
            }
        }

        private func moved(from old: String, to new: String, isDirectory: Bool, into output: inout SourceOutput) {
            guard isDirectory else {
                replaceKnown(new, into: &output)
                if let stat = known.removeValue(forKey: old) { known[new] = stat }
                output.changes.append(.moved(new, from: old))
                return
            }
            let prefix = old + "/"
            for file in known.keys.filter({ $0.hasPrefix(prefix) }).sorted() {
                let target = new + "/" + file.dropFirst(prefix.count)
                known[target] = known.removeValue(forKey: file)
                output.changes.append(.moved(target, from: file))
            }
            for (directory, watch) in watches.watches(under: old) {
                watches.register(watch, at: new + directory.dropFirst(old.count))
            }
        }

        /// A rename onto a known file replaces it without an event of its own: report it deleted so the coalescer
        /// sees a replacement (`modified`) rather than a new file.
        private func replaceKnown(_ path: String, into output: inout SourceOutput) {
            if known.removeValue(forKey: path) != nil { output.changes.append(.deleted(path)) }
        }

        /// After a queue overflow events were lost: re-watch every folder, rescan, and report the difference.
        private func rescan(into output: inout SourceOutput) {
            _ = try? inotify.readAvailable(maxReads: 64)
            pendingMoves = [:]
            let oldWatches = watches.allWatches
            watches.removeAll()
            switch watches.watchTree("", root: root, recursive: recursive, using: inotify) {
            case .success(let files):
                output.changes.append(contentsOf: SnapshotDiff.changes(from: known, to: files))
                output.rescanned = true
                known = files
                for watch in oldWatches where watches.directory(of: watch) == nil { inotify.removeWatch(watch) }
            case .failure(let error) where error.isMissing:
                stop(with: folderRemovedError(root), reportingDeletions: true, into: &output)
            case .failure(let error) where error.code == ENOSPC:
                stop(with: inotifyLimitError(root, error), reportingDeletions: false, into: &output)
            case .failure(let error):
                let message = "cannot watch the folder any more (\(error.text)); check its permissions"
                stop(with: FileWatchError(field: "folder", value: root, message: message), reportingDeletions: false, into: &output)
            }
        }

        /// Ends watching with `error`; when the folder is gone, every file still known is reported deleted first.
        private func stop(with error: FileWatchError, reportingDeletions: Bool, into output: inout SourceOutput) {
            if reportingDeletions {
                output.changes.append(contentsOf: known.keys.sorted().map(FileChange.deleted))
                known = [:]
            }
            output.failure = error
        }
    }
#endif
