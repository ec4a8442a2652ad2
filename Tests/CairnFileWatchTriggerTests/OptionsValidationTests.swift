import CairnTriggers
import Foundation
import Testing

@testable import CairnFileWatchTrigger

@Suite struct OptionsValidationTests {
    private func rejected(_ options: FileWatchOptions) -> FileWatchError? {
        do {
            _ = try FileWatcher(options)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsAFolderAndResolvesIt() throws {
        let folder = try TempFolder()
        let watcher = try FileWatcher(FileWatchOptions(folder: folder.watched + "/./"))
        #expect(watcher.options.folder == folder.watched)
        #expect(watcher.options.events == Set(FileChangeKind.allCases))
        #expect(watcher.options.debounce == .milliseconds(500))
        #expect(watcher.options.pollInterval == .seconds(1))
        #expect(watcher.options.maxPending == 1000)
        #expect(!watcher.options.recursive)
    }

    @Test func rejectsAMissingFolder() throws {
        let folder = try TempFolder()
        let error = rejected(FileWatchOptions(folder: folder.watched + "/nope"))
        #expect(error?.field == "folder")
        #expect(error?.value == folder.watched + "/nope")
        #expect(error?.message.contains("cannot be found") == true)
        #expect(rejected(FileWatchOptions(folder: ""))?.field == "folder")
    }

    @Test func rejectsAFile() throws {
        let folder = try TempFolder()
        try folder.write("plain.txt", "x")
        let error = rejected(FileWatchOptions(folder: folder.path("plain.txt")))
        #expect(error?.field == "folder")
        #expect(error?.message.contains("not a directory") == true)
    }

    @Test func namesTheBadPattern() throws {
        let folder = try TempFolder()
        let error = rejected(FileWatchOptions(folder: folder.watched, patterns: ["*.csv", "[abc"]))
        #expect(error?.field == "patterns[1]")
        #expect(error?.value == "[abc")
        #expect(error?.description.hasPrefix("patterns[1] \"[abc\": ") == true)
    }

    @Test func rejectsBadNumbers() throws {
        let temp = try TempFolder()
        let folder = temp.watched
        #expect(rejected(FileWatchOptions(folder: folder, events: []))?.field == "events")
        #expect(rejected(FileWatchOptions(folder: folder, debounce: .milliseconds(-1)))?.field == "debounce")
        #expect(rejected(FileWatchOptions(folder: folder, pollInterval: .zero))?.field == "pollInterval")
        #expect(rejected(FileWatchOptions(folder: folder, maxPending: 0))?.field == "maxPending")
        #expect(rejected(FileWatchOptions(folder: folder, debounce: .seconds(2), maxDelay: .seconds(1)))?.field == "maxDelay")
        #expect(rejected(FileWatchOptions(folder: folder, debounce: .zero, maxDelay: .zero)) == nil)
    }
}
