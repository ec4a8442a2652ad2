import CairnFileWatchTrigger
import Testing

/// Patterns, recursion and event filtering on real files, for every backend.
@Suite struct RealFilePatternTests {
    @Test(arguments: allBackends)
    func csvPatternAtTopLevel(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.makeDirectory("sub")
        try await watching(testOptions(folder, backend, patterns: ["*.csv"])) { log in
            try folder.write("b.txt", "not csv")
            try folder.write("sub/c.csv", "below the top level, not watched without recursive")
            try folder.makeDirectory("newdir")
            try folder.write("a.csv", "x,y")
            #expect(await log.next() == [.created("a.csv")])
        }
    }

    @Test(arguments: allBackends)
    func globstarPatternAtAnyDepth(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.makeDirectory("d/e")
        try await watching(testOptions(folder, backend, patterns: ["**/*.json"], recursive: true)) { log in
            try folder.write("x.json", "{}")
            try folder.write("d/y.json", "{}")
            try folder.write("d/e/z.json", "{}")
            try folder.write("d/w.txt", "no")
            try folder.write("d/e/v.jsonl", "no")
            #expect(await log.next().map(Set.init) == [.created("x.json"), .created("d/y.json"), .created("d/e/z.json")])
        }
    }

    @Test(arguments: allBackends)
    func nameOnlyPatternInRecursiveMode(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.makeDirectory("d/e")
        try await watching(testOptions(folder, backend, patterns: ["*.csv"], recursive: true)) { log in
            try folder.write("top.csv", "1")
            try folder.write("d/e/deep.csv", "2")
            try folder.write("d/g.txt", "3")
            #expect(await log.next().map(Set.init) == [.created("top.csv"), .created("d/e/deep.csv")])
        }
    }

    @Test(arguments: allBackends)
    func recursiveWatchFollowsNewMovedAndRemovedSubfolders(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try await watching(testOptions(folder, backend, recursive: true)) { log in
            try folder.makeDirectory("new/inner")
            try folder.write("new/inner/a.txt", "a")
            #expect(await log.next() == [.created("new/inner/a.txt")])
            try folder.write("new/inner/b.txt", "b")
            #expect(await log.next() == [.created("new/inner/b.txt")])

            try folder.move(folder.path("new"), to: folder.path("renamed"))
            let moved: Set<FileChange> = [.moved("renamed/inner/a.txt", from: "new/inner/a.txt"), .moved("renamed/inner/b.txt", from: "new/inner/b.txt")]
            #expect(await log.next().map(Set.init) == moved)
            try folder.write("renamed/inner/c.txt", "still watched after the rename")
            #expect(await log.next() == [.created("renamed/inner/c.txt")])

            try folder.move(folder.path("renamed"), to: folder.outside + "/gone")
            let removed: Set<FileChange> = [.deleted("renamed/inner/a.txt"), .deleted("renamed/inner/b.txt"), .deleted("renamed/inner/c.txt")]
            #expect(await log.next().map(Set.init) == removed)
            try folder.write("../outside/gone/inner/outside.txt", "no longer watched")
            try folder.write("marker.txt", "m")
            #expect(await log.next() == [.created("marker.txt")])

            try folder.move(folder.outside + "/gone", to: folder.path("back"))
            let back = try #require(await log.next())
            #expect(Set(back.map(\.kind)) == [.created])
            #expect(Set(back.map(\.path)) == ["back/inner/a.txt", "back/inner/b.txt", "back/inner/c.txt", "back/inner/outside.txt"])
        }
    }

    @Test(arguments: allBackends)
    func onlyRequestedKindsAreDelivered(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        for name in ["old.txt", "gone.txt", "mv.txt"] { try folder.write(name, name) }
        try await watching(testOptions(folder, backend, events: [.created])) { log in
            try folder.append("old.txt", " more")
            try folder.remove("gone.txt")
            try folder.write("new.txt", "new")
            #expect(await log.next() == [.created("new.txt")])
            try folder.move(folder.path("mv.txt"), to: folder.path("renamed.txt"))
            #expect(await log.next() == [.created("renamed.txt")])  // without .moved, a rename is split into its halves
        }
    }

    @Test(arguments: allBackends)
    func modificationsAndDeletionsOnly(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        for name in ["old.txt", "gone.txt"] { try folder.write(name, name) }
        try await watching(testOptions(folder, backend, events: [.modified, .deleted])) { log in
            try folder.write("new.txt", "new")
            try folder.append("old.txt", " more")
            try folder.remove("gone.txt")
            #expect(await log.next().map(Set.init) == [.modified("old.txt"), .deleted("gone.txt")])
        }
    }
}
