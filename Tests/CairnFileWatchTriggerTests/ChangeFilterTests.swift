import Testing

@testable import CairnFileWatchTrigger

@Suite struct ChangeFilterTests {
    private func filter(_ patterns: [String], _ events: Set<FileChangeKind>) throws -> ChangeFilter {
        ChangeFilter(patterns: try patterns.map { try GlobPattern($0) }, events: events)
    }

    @Test func keepsOnlyRequestedKinds() throws {
        let onlyCreated = try filter([], [.created])
        #expect(onlyCreated.project(.created("a")) == [.created("a")])
        #expect(onlyCreated.project(.modified("a")) == [])
        #expect(onlyCreated.project(.deleted("a")) == [])
    }

    @Test func moveIsSplitWhenMovedIsNotRequested() throws {
        #expect(try filter([], [.created]).project(.moved("b", from: "a")) == [.created("b")])
        #expect(try filter([], [.deleted]).project(.moved("b", from: "a")) == [.deleted("a")])
        #expect(try filter([], [.created, .deleted]).project(.moved("b", from: "a")) == [.deleted("a"), .created("b")])
        #expect(try filter([], [.modified]).project(.moved("b", from: "a")) == [])
    }

    @Test func anyPatternMatches() throws {
        let csvOrJSON = try filter(["*.csv", "**/*.json"], Set(FileChangeKind.allCases))
        #expect(csvOrJSON.matches("x/a.csv"))
        #expect(csvOrJSON.matches("x/a.json"))
        #expect(!csvOrJSON.matches("x/a.txt"))
        #expect(try filter([], [.created]).matches("anything/at/all"))
    }
}
