import CairnFileWatchTrigger
import CairnTriggers
import Testing

/// Real files in a temporary folder, for every backend. Each step waits (up to 10 s) for the batch it causes.
@Suite struct RealFileTests {
    @Test(arguments: allBackends)
    func createModifyDelete(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.write("old.txt", "v1")
        try await watching(testOptions(folder, backend)) { log in
            try folder.write("new.txt", "hello")
            #expect(await log.next() == [.created("new.txt")])
            try folder.append("old.txt", " v2")
            #expect(await log.next() == [.modified("old.txt")])
            try folder.remove("new.txt")
            #expect(await log.next() == [.deleted("new.txt")])
        }
    }

    @Test(arguments: allBackends)
    func renamesWithinIntoAndOutOfTheFolder(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.write("a.txt", "a")
        try folder.write("b.txt", "b")
        try await watching(testOptions(folder, backend)) { log in
            try folder.move(folder.path("a.txt"), to: folder.path("c.txt"))
            #expect(await log.next() == [.moved("c.txt", from: "a.txt")])
            try folder.move(folder.path("b.txt"), to: folder.outside + "/b.txt")
            #expect(await log.next() == [.deleted("b.txt")])
            try folder.move(folder.outside + "/b.txt", to: folder.path("back.txt"))
            #expect(await log.next() == [.created("back.txt")])
        }
    }

    @Test(arguments: allBackends)
    func burstOfFiftyFilesIsOneBatch(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try await watching(testOptions(folder, backend)) { log in
            let names = (0..<50).map { "file-\($0).dat" }
            for name in names { try folder.write(name, "payload \(name)") }
            let batch = try #require(await log.next())
            #expect(batch.count == 50)
            #expect(Set(batch) == Set(names.map(FileChange.created)))
        }
    }

    @Test(arguments: allBackends)
    func changesWithinABatchAreCoalesced(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.write("edited.txt", "v1")
        try await watching(testOptions(folder, backend)) { log in
            try folder.write("scratch.txt", "temporary")
            try folder.write("kept.txt", "one")
            try folder.append("kept.txt", " two")
            try folder.append("edited.txt", " v2")
            try folder.append("edited.txt", " v3")
            try folder.remove("scratch.txt")
            #expect(await log.next().map(Set.init) == [.created("kept.txt"), .modified("edited.txt")])
        }
    }

    @Test(arguments: allBackends)
    func atomicSaveIsAModification(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.write("report.csv", "old")
        try await watching(testOptions(folder, backend, patterns: ["*.csv"])) { log in
            try folder.write("report.csv.tmp", "new contents")
            try folder.move(folder.path("report.csv.tmp"), to: folder.path("report.csv"))
            #expect(await log.next() == [.modified("report.csv")])
        }
    }

    @Test(arguments: allBackends)
    func folderRemovalEndsTheWatchWithAnError(backend: FileWatchBackend) async throws {
        let folder = try TempFolder()
        try folder.write("a.txt", "a")
        let log = BatchLog()
        let watcher = try FileWatcher(testOptions(folder, backend))
        let (ready, readySignal) = AsyncStream<Void>.makeStream()
        let outcome = await withTaskGroup(of: FileWatchError?.self) { group in
            group.addTask {
                defer { readySignal.finish() }
                do throws(FileWatchError) {
                    try await watcher.run(onReady: { readySignal.yield() }, onBatch: { log.append($0) })
                    return nil
                } catch {
                    return error
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))  // The bound: cancels a watcher that never notices.
                return nil
            }
            for await _ in ready { break }
            try? folder.remove("")
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(outcome?.field == "folder")
        #expect(outcome?.message.contains("deleted") == true)
        #expect(await log.next(timeout: .zero) == [.deleted("a.txt")])
    }
}
