import ArgumentParser
import CairnCore
import Foundation

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a workflow session's step timeline: position, kind, name, attempts, duration and outcome of each step.")

    @OptionGroup var storeOption: StoreOption
    @Argument(help: ArgumentHelp("The session (default: the current one).", valueName: "ID")) var id: String?

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let session = try context.session(id)
        let log = SessionLog(store: context.store)
        let head = try await log.head(of: session)
        print("session   \(session)")
        print("status    \(try await SessionLog.status(of: head, blobs: context.store))")
        var rows: [[String]] = [["SEQ", "POSITION", "KIND", "NAME", "ATTEMPTS", "DURATION", "OUTCOME", "TIME"]]
        var failures: [String] = []
        for entry in try await log.entries(of: session) where entry.event == .step {
            guard let record = StepRecord(entry: entry, body: try await context.store.body(of: entry)) else { continue }
            rows.append([
                "#\(entry.seq)", record.position, record.kind.rawValue, record.name, String(record.attempts),
                "\(record.durationMilliseconds) ms", record.succeeded ? "ok" : "error", Timestamps.format(entry.time),
            ])
            if !record.succeeded { failures.append("  \(record.position) \(record.name): \(record.errorMessage)") }
        }
        if rows.count == 1 {
            print("steps     none recorded")
            return
        }
        print("steps     \(rows.count - 1)")
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map {
                $0.offset == row.count - 1 ? $0.element : $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
        if !failures.isEmpty {
            print("failed steps:")
            failures.forEach { print($0) }
        }
    }
}
