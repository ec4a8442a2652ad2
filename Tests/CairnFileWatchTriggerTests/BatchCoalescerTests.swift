import Testing

@testable import CairnFileWatchTrigger

@Suite struct BatchCoalescerTests {
    private func coalesce(_ changes: [FileChange], filter: ChangeFilter = .everything) -> [FileChange] {
        var coalescer = BatchCoalescer(filter: filter)
        for change in changes { coalescer.add(change) }
        return coalescer.drain()
    }

    @Test func createdThenModifiedIsCreated() {
        #expect(coalesce([.created("a"), .modified("a"), .modified("a")]) == [.created("a")])
    }

    @Test func createdThenDeletedIsNothing() {
        #expect(coalesce([.created("a"), .modified("a"), .deleted("a")]) == [])
    }

    @Test func modifiedManyTimesIsOneModified() {
        #expect(coalesce([.modified("a"), .modified("a"), .modified("a")]) == [.modified("a")])
    }

    @Test func modifiedThenDeletedIsDeleted() {
        #expect(coalesce([.modified("a"), .deleted("a")]) == [.deleted("a")])
    }

    @Test func deletedThenRecreatedIsModified() {
        #expect(coalesce([.deleted("a"), .created("a"), .modified("a")]) == [.modified("a")])
    }

    @Test func renameChainIsOneMove() {
        #expect(coalesce([.moved("b", from: "a"), .moved("c", from: "b"), .modified("c")]) == [.moved("c", from: "a")])
    }

    @Test func movedBackIsNothingOrModified() {
        #expect(coalesce([.moved("b", from: "a"), .moved("a", from: "b")]) == [])
        #expect(coalesce([.moved("b", from: "a"), .modified("b"), .moved("a", from: "b")]) == [.modified("a")])
    }

    @Test func createdUnderTemporaryNameThenRenamedIsCreated() {
        #expect(coalesce([.created("a.tmp"), .modified("a.tmp"), .moved("a.csv", from: "a.tmp")]) == [.created("a.csv")])
    }

    @Test func movedThenDeletedIsDeletedAtOrigin() {
        #expect(coalesce([.moved("b", from: "a"), .deleted("b")]) == [.deleted("a")])
    }

    @Test func movedAwayThenNewFileAtOldPath() {
        #expect(coalesce([.moved("b", from: "a"), .created("a")]) == [.moved("b", from: "a"), .created("a")])
    }

    @Test func renameOntoATrackedFileReplacesIt() {
        #expect(coalesce([.modified("a"), .created("t"), .moved("a", from: "t")]) == [.modified("a")])
        #expect(coalesce([.created("t"), .deleted("a"), .moved("a", from: "t")]) == [.modified("a")])
        #expect(coalesce([.modified("a"), .moved("a", from: "b")]) == [.moved("a", from: "b")])
    }

    @Test func moveWithoutPreviousPathIsCreated() {
        #expect(coalesce([FileChange(kind: .moved, path: "a")]) == [.created("a")])
    }

    @Test func orderIsFirstTouch() {
        let result = coalesce([.created("z"), .deleted("m"), .modified("a"), .modified("z")])
        #expect(result == [.created("z"), .deleted("m"), .modified("a")])
    }

    @Test func drainStartsANewBatch() {
        var coalescer = BatchCoalescer()
        coalescer.add(.created("a"))
        #expect(coalescer.drain() == [.created("a")])
        #expect(coalescer.isEmpty)
        coalescer.add(.deleted("a"))
        #expect(coalescer.drain() == [.deleted("a")])
    }

    @Test func irrelevantChangesAreNotTracked() throws {
        let filter = ChangeFilter(patterns: [try GlobPattern("*.csv")], events: Set(FileChangeKind.allCases))
        var coalescer = BatchCoalescer(filter: filter)
        let accepted = [
            coalescer.add(.created("a.txt")),
            coalescer.add(.created("b.csv")),
            coalescer.add(.moved("c.txt", from: "b.csv")),
            coalescer.add(.modified("c.txt")),  // tracked now, though it does not match
            coalescer.add(.deleted("d.txt")),
        ]
        #expect(accepted == [false, true, true, true, false])
        #expect(coalescer.trackedCount == 1)
        let delivered = coalescer.drain()
        #expect(delivered == [])
    }

    @Test func renameAcrossThePatternIsCreatedOrDeleted() throws {
        let filter = ChangeFilter(patterns: [try GlobPattern("*.csv")], events: Set(FileChangeKind.allCases))
        #expect(coalesce([.moved("a.csv", from: "a.part")], filter: filter) == [.created("a.csv")])
        #expect(coalesce([.moved("a.bak", from: "a.csv")], filter: filter) == [.deleted("a.csv")])
        #expect(coalesce([.moved("b.csv", from: "a.csv")], filter: filter) == [.moved("b.csv", from: "a.csv")])
    }

    @Test func atomicSaveOverAWatchedFileIsModified() throws {
        let filter = ChangeFilter(patterns: [try GlobPattern("*.csv")], events: Set(FileChangeKind.allCases))
        let save: [FileChange] = [.created("r.csv.tmp"), .modified("r.csv.tmp"), .deleted("r.csv"), .moved("r.csv", from: "r.csv.tmp")]
        #expect(coalesce(save, filter: filter) == [.modified("r.csv")])
        #expect(coalesce(save) == [.modified("r.csv")])
    }
}
