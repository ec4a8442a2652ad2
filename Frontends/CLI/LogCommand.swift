import ArgumentParser
import CairnCore
import Foundation

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print a session's log.",
        discussion:
            "Readable by default, one entry per line; -A adds control entries (start, pause, sleep, wake, error, ...). --json prints one JSON object per entry with seq, event, name, content-type, metadata, size, digest, time, source and the body as body (JSON or text) or body-base64."
    )

    @OptionGroup var storeOption: StoreOption
    @OptionGroup var sessionOption: SessionOption
    @Flag(name: .customShort("A"), help: "Include control entries.") var all = false
    @Flag(help: "One JSON object per entry.") var json = false
    @Option(help: ArgumentHelp("Start at this sequence number.", valueName: "SEQ")) var from: Int = 0

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let session = try context.session(sessionOption.session)
        guard from >= 0 else { throw CairnError.invalidArgument("--from must be 0 or more, not \(from)") }
        let log = SessionLog(store: context.store)
        var position = from
        let page = 1000
        while true {
            let entries = try await log.entries(of: session, from: position, limit: page)
            for entry in entries where json || all || !entry.event.isControl {
                let body = try await context.sessions.body(of: entry)
                if json {
                    FileHandle.standardOutput.write(EntryRendering.jsonLine(entry, body: body))
                } else {
                    print(EntryRendering.readable(entry, body: body))
                }
            }
            if entries.count < page { break }
            position += entries.count
        }
    }
}
