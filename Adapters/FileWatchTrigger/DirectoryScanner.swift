/// Lists the files under a folder with their stats: the snapshot the polling backend diffs and inotify rescans with.
enum DirectoryScanner {
    /// Every non-directory entry under `root` (only the top level unless `recursive`), keyed by relative path.
    ///
    /// Symbolic links are reported as files and never followed. Subfolders that vanish or cannot be read while scanning
    /// are skipped; throws only when `root` itself cannot be listed.
    static func scan(root: String, recursive: Bool) -> Result<[String: FileStat], Errno> {
        var files: [String: FileStat] = [:]
        var pending: [String] = [""]
        var isRoot = true
        while let relative = pending.popLast() {
            let names: [String]
            switch FileSystem.names(in: FileSystem.join(root, relative)) {
            case .success(let listed):
                names = listed
            case .failure(let error):
                if isRoot { return .failure(error) }
                continue
            }
            isRoot = false
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                switch FileSystem.entry(at: FileSystem.join(root, child)) {
                case .directory?:
                    if recursive { pending.append(child) }
                case .file(let stat)?:
                    files[child] = stat
                case nil:
                    continue
                }
            }
        }
        return .success(files)
    }
}
