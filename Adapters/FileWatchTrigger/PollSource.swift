public import CairnTriggers

/// The polling backend: rescans the folder every interval and diffs the snapshot against the previous one.
final class PollSource: ChangeSource {
    let interval: Duration
    private let root: String
    private let recursive: Bool
    private var snapshot: [String: FileStat]

    /// Takes the first snapshot; throws when `root` cannot be listed.
    init(root: String, recursive: Bool, interval: Duration) throws(FileWatchError) {
        self.root = root
        self.recursive = recursive
        self.interval = interval
        switch DirectoryScanner.scan(root: root, recursive: recursive) {
        case .success(let files):
            snapshot = files
        case .failure(let error):
            throw FileWatchError(field: "folder", value: root, message: "cannot list the folder (\(error.text)); check that it exists and is readable")
        }
    }

    func collect() throws(FileWatchError) -> SourceOutput {
        var output = SourceOutput()
        switch DirectoryScanner.scan(root: root, recursive: recursive) {
        case .success(let files):
            output.changes = SnapshotDiff.changes(from: snapshot, to: files)
            snapshot = files
        case .failure(let error) where error.isMissing:
            output.changes = SnapshotDiff.changes(from: snapshot, to: [:])
            snapshot = [:]
            output.failure = folderRemovedError(root)
        case .failure(let error):
            throw FileWatchError(field: "folder", value: root, message: "cannot list the folder any more (\(error.text)); check its permissions")
        }
        return output
    }
}
