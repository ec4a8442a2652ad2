import Testing

@testable import CairnFileWatchTrigger

@Suite struct SnapshotDiffTests {
    private func stat(_ inode: UInt64, size: Int64 = 1, mtime: Int64 = 100) -> FileStat {
        FileStat(size: size, modified: mtime, identity: FileStat.Identity(device: 1, inode: inode))
    }

    @Test func createdModifiedDeleted() {
        let old = ["keep": stat(1), "grow": stat(2), "gone": stat(3)]
        let new = ["keep": stat(1), "grow": stat(2, size: 9), "new": stat(4)]
        #expect(SnapshotDiff.changes(from: old, to: new) == [.modified("grow"), .created("new"), .deleted("gone")])
    }

    @Test func renameIsDetectedByInode() {
        #expect(SnapshotDiff.changes(from: ["a": stat(7)], to: ["d/b": stat(7)]) == [.moved("d/b", from: "a")])
    }

    @Test func reusedInodeWithNewMtimeIsNotAMove() {
        let changes = SnapshotDiff.changes(from: ["a": stat(7)], to: ["b": stat(7, mtime: 200)])
        #expect(changes == [.created("b"), .deleted("a")])
    }

    @Test func renameOverAnExistingFile() {
        let changes = SnapshotDiff.changes(from: ["a": stat(1), "b": stat(2)], to: ["a": stat(2)])
        #expect(changes == [.deleted("a"), .moved("a", from: "b")])
        var coalescer = BatchCoalescer()
        for change in changes { coalescer.add(change) }
        let coalesced = coalescer.drain()
        #expect(coalesced == [.moved("a", from: "b")])
    }

    @Test func chainedRenamesReplayInOrder() {
        // b -> c, then a -> b: the move out of b must come before the move onto it.
        let changes = SnapshotDiff.changes(from: ["a": stat(1), "b": stat(2)], to: ["b": stat(1), "c": stat(2)])
        #expect(changes == [.moved("c", from: "b"), .moved("b", from: "a")])
        var coalescer = BatchCoalescer()
        for change in changes { coalescer.add(change) }
        #expect(Set(coalescer.drain()) == [.moved("c", from: "b"), .moved("b", from: "a")])
    }

    @Test func swapIsModified() {
        let changes = SnapshotDiff.changes(from: ["a": stat(1), "b": stat(2)], to: ["a": stat(2), "b": stat(1)])
        #expect(changes == [.modified("a"), .modified("b")])
    }

    @Test func identicalSnapshotsHaveNoChanges() {
        #expect(SnapshotDiff.changes(from: ["a": stat(1)], to: ["a": stat(1)]) == [])
    }
}
