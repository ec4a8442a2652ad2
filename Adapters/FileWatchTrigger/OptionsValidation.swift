public import CairnTriggers

extension FileWatcher {
    /// The canonical absolute path of `folder`, after checking it is a readable directory.
    static func validatedFolder(_ folder: String) throws(FileWatchError) -> String {
        guard !folder.isEmpty else {
            throw FileWatchError(field: "folder", value: folder, message: "no folder is given; set it to the path of the folder to watch")
        }
        let canonical: String
        switch FileSystem.canonicalPath(folder) {
        case .success(let path):
            canonical = path
        case .failure(let error):
            throw FileWatchError(field: "folder", value: folder, message: "cannot be found (\(error.text)); create it or fix the path")
        }
        guard case .directory? = FileSystem.entry(at: canonical) else {
            throw FileWatchError(field: "folder", value: folder, message: "is not a directory; give the folder that contains the files to watch")
        }
        guard FileSystem.canList(canonical) else {
            throw FileWatchError(field: "folder", value: folder, message: "cannot be listed; grant this process read and execute permission on it")
        }
        return canonical
    }

    /// Checks `events`, the durations, the pending limit and the backend.
    static func validateTiming(_ options: FileWatchOptions) throws(FileWatchError) {
        guard !options.events.isEmpty else {
            let kinds = FileChangeKind.allCases.map(\.rawValue).joined(separator: ", ")
            let message = "no kind of change is selected, so nothing would be delivered; list at least one of \(kinds)"
            throw FileWatchError(field: "events", value: "[]", message: message)
        }
        guard options.debounce >= .zero else {
            let message = "cannot be negative; use 0 to deliver changes as soon as they are seen"
            throw FileWatchError(field: "debounce", value: "\(options.debounce)", message: message)
        }
        guard options.pollInterval > .zero else {
            throw FileWatchError(field: "pollInterval", value: "\(options.pollInterval)", message: "must be positive, such as 1 second")
        }
        guard options.maxPending >= 1 else {
            throw FileWatchError(field: "maxPending", value: "\(options.maxPending)", message: "must be at least 1, such as 1000")
        }
        guard options.maxDelay >= options.debounce else {
            throw FileWatchError(
                field: "maxDelay", value: "\(options.maxDelay)",
                message: "is shorter than debounce (\(options.debounce)), so the folder could never be quiet long enough; make it at least debounce")
        }
        #if !os(Linux)
            if options.backend == .inotify {
                throw FileWatchError(field: "backend", value: "inotify", message: "is only available on Linux; use auto or poll")
            }
        #endif
    }
}
