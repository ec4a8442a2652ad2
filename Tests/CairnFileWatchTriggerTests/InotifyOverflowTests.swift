#if os(Linux)
    import Glibc
    import Testing

    @testable import CairnFileWatchTrigger

    /// The inotify backend's recovery from a queue overflow: a rescan diffed against what it knew.
    @Suite struct InotifyOverflowTests {
        private let overflow = InotifyEvent(watch: -1, mask: UInt32(bitPattern: IN_Q_OVERFLOW), cookie: 0, name: "")

        @Test func overflowIsRepairedByARescanDiff() throws {
            let folder = try TempFolder()
            try folder.makeDirectory("sub")
            for name in ["a.txt", "b.txt", "sub/c.txt"] { try folder.write(name, name) }
            let source = try InotifySource(root: folder.watched, recursive: true, interval: .milliseconds(10))

            try folder.remove("a.txt")
            try folder.append("b.txt", " grown")
            try folder.write("d.txt", "new")
            try folder.move(folder.path("sub/c.txt"), to: folder.path("sub/e.txt"))
            try folder.makeDirectory("later")
            try folder.write("later/f.txt", "in a folder made while events were lost")
            let repaired = source.process([overflow])

            #expect(repaired.rescanned)
            #expect(repaired.failure == nil)
            let expected: Set<FileChange> = [
                .deleted("a.txt"), .modified("b.txt"), .created("d.txt"), .moved("sub/e.txt", from: "sub/c.txt"), .created("later/f.txt"),
            ]
            #expect(Set(repaired.changes) == expected)

            // The rescan also watched the folder made meanwhile: its events arrive as usual.
            try folder.write("later/g.txt", "after the rescan")
            let after = try source.collect()
            #expect(after.changes.contains(.created("later/g.txt")))
            #expect(!after.rescanned)
        }

        @Test func fileMovedOutIsDeletedAfterOneMoreDrain() throws {
            let folder = try TempFolder()
            try folder.write("a.txt", "a")
            let source = try InotifySource(root: folder.watched, recursive: false, interval: .milliseconds(10))
            try folder.move(folder.path("a.txt"), to: folder.outside + "/a.txt")
            let first = try source.collect()
            #expect(first.changes == [])  // MOVED_FROM waits for a MOVED_TO that may come in the next read
            let second = try source.collect()
            #expect(second.changes == [.deleted("a.txt")])
        }
    }
#endif
