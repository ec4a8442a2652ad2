import Testing

@testable import CairnFileWatchTrigger

@Suite struct DebouncedBatcherTests {
    private func batcher(debounce: Int = 200, maxDelay: Int = 1000, maxPending: Int = 100) -> DebouncedBatcher<TestInstant> {
        DebouncedBatcher(filter: .everything, debounce: .milliseconds(debounce), maxDelay: .milliseconds(maxDelay), maxPending: maxPending)
    }

    @Test func waitsUntilQuietForTheDebounce() {
        var batcher = batcher()
        batcher.add(.created("a"), at: .ms(0))
        batcher.add(.created("b"), at: .ms(150))
        #expect(batcher.deadline == .ms(350))
        let due1 = batcher.takeDue(now: .ms(349))
        #expect(due1 == nil)
        let batch = batcher.takeDue(now: .ms(350))
        #expect(batch == FileChangeBatch(changes: [.created("a"), .created("b")], cause: .quiet))
        #expect(batcher.deadline == nil)
    }

    @Test func activityWithoutChangesKeepsTheBatchOpen() {
        var batcher = batcher()
        batcher.add(.created("a"), at: .ms(0))
        batcher.touch("a", at: .ms(180))
        let due2 = batcher.takeDue(now: .ms(200))
        #expect(due2 == nil)
        let due3 = batcher.takeDue(now: .ms(380))
        #expect(due3?.changes == [.created("a")])
    }

    @Test func maxDelayCapsAFolderThatIsNeverQuiet() {
        var batcher = batcher(maxDelay: 500)
        for step in 0...6 { batcher.add(.modified("log"), at: .ms(step * 100)) }
        #expect(batcher.deadline == .ms(500))
        let batch = batcher.takeDue(now: .ms(600))
        #expect(batch?.cause == .maxDelay)
        #expect(batch?.changes == [.modified("log")])
    }

    @Test func fullBatchIsDueAtOnce() {
        var batcher = batcher(maxPending: 2)
        batcher.add(.created("a"), at: .ms(0))
        #expect(!batcher.isFull)
        batcher.add(.created("b"), at: .ms(0))
        #expect(batcher.isFull)
        let due4 = batcher.takeDue(now: .ms(0))
        #expect(due4 == FileChangeBatch(changes: [.created("a"), .created("b")], cause: .maxPending))
    }

    @Test func emptyDueBatchIsConsumedButNotDelivered() {
        var batcher = batcher()
        batcher.add(.created("a"), at: .ms(0))
        batcher.add(.deleted("a"), at: .ms(10))
        let due5 = batcher.takeDue(now: .ms(300))
        #expect(due5 == nil)
        #expect(batcher.deadline == nil)
    }

    @Test func irrelevantChangesDoNotOpenABatch() throws {
        let filter = ChangeFilter(patterns: [try GlobPattern("*.csv")], events: [.created])
        var batcher = DebouncedBatcher<TestInstant>(filter: filter, debounce: .milliseconds(100), maxDelay: .seconds(1), maxPending: 10)
        batcher.add(.created("a.txt"), at: .ms(0))
        batcher.touch("b.txt", at: .ms(0))
        #expect(batcher.deadline == nil)
    }

    @Test func rescanFlagBelongsToOneBatch() {
        var batcher = batcher()
        batcher.add(.created("a"), at: .ms(0))
        batcher.markRescanned()
        let due6 = batcher.takeDue(now: .ms(200))
        #expect(due6?.rescanned == true)
        batcher.add(.created("b"), at: .ms(300))
        let due7 = batcher.takeDue(now: .ms(500))
        #expect(due7?.rescanned == false)
    }
}
