#if os(Linux)
    import Glibc

    /// Which directory each inotify watch descriptor stands for, kept in step as directories are renamed and removed.
    struct InotifyWatchTable {
        private var directoryOfWatch: [Int32: String] = [:]
        private var watchOfDirectory: [String: Int32] = [:]

        /// The relative directory `watch` stands for, if it is still registered.
        func directory(of watch: Int32) -> String? { directoryOfWatch[watch] }

        /// Every registered watch descriptor.
        var allWatches: Set<Int32> { Set(directoryOfWatch.keys) }

        /// The watches of `directory` and of every directory below it.
        func watches(under directory: String) -> [(directory: String, watch: Int32)] {
            let prefix = directory + "/"
            return watchOfDirectory.filter { $0.key == directory || $0.key.hasPrefix(prefix) }.map { ($0.key, $0.value) }
        }

        /// Records that `watch` stands for `directory`, replacing any older path of the same watch.
        mutating func register(_ watch: Int32, at directory: String) {
            forget(watch)
            directoryOfWatch[watch] = directory
            watchOfDirectory[directory] = watch
        }

        /// Drops `watch` (the kernel removed it, or the watcher did).
        mutating func forget(_ watch: Int32) {
            guard let directory = directoryOfWatch.removeValue(forKey: watch) else { return }
            if watchOfDirectory[directory] == watch { watchOfDirectory[directory] = nil }
        }

        /// Drops every watch.
        mutating func removeAll() {
            directoryOfWatch = [:]
            watchOfDirectory = [:]
        }

        /// Watches folder `top` under `root` and the folders below it (if `recursive`), returning the files found.
        ///
        /// Each folder is watched before it is listed, so a file that lands meanwhile is either listed or seen by an
        /// event. Fails when `top` itself cannot be watched or listed, or on the watch limit (`ENOSPC`); other
        /// subfolders that fail (they vanished, or are unreadable) are skipped.
        mutating func watchTree(
            _ top: String, root: String, recursive: Bool, using inotify: InotifyDescriptor
        ) -> Result<[String: FileStat], Errno> {
            var files: [String: FileStat] = [:]
            var pending = [top]
            while let relative = pending.popLast() {
                let isTop = relative == top
                let absolute = FileSystem.join(root, relative)
                switch inotify.addWatch(absolute) {
                case .success(let watch):
                    register(watch, at: relative)
                case .failure(let error):
                    if isTop || error.code == ENOSPC { return .failure(error) }
                    continue
                }
                let names: [String]
                switch FileSystem.names(in: absolute) {
                case .success(let listed): names = listed
                case .failure(let error):
                    if isTop { return .failure(error) }
                    continue
                }
                for name in names {
                    let child = relative.isEmpty ? name : relative + "/" + name
                    switch FileSystem.entry(at: FileSystem.join(root, child)) {
                    case .directory?: if recursive { pending.append(child) }
                    case .file(let stat)?: files[child] = stat
                    case nil: continue
                    }
                }
            }
            return .success(files)
        }
    }
#endif
