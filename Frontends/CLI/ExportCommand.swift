import ArgumentParser
import CairnCore
import Foundation

/// `cairn export`: a session's whole history as a JSON fixture (`SessionHistory`), to replay a
/// workflow's new code against it in a test (`CairnTesting`'s `WorkflowReplayer`).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a session's whole history (information, log, bodies) as a JSON fixture.",
        discussion:
            "The fixture (format cairn.session-history/1) holds the session's id, agent, metadata and parent, and every entry of its log, inherited ones included, with its header and its body in base64 (JSON bodies also readable as body-json). Commit it and replay a workflow against it with CairnTesting's WorkflowReplayer; see Docs/workflows.md."
    )

    @OptionGroup var storeOption: StoreOption
    @OptionGroup var sessionOption: SessionOption
    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the fixture to FILE instead of stdout.", valueName: "FILE"))
    var output: String?

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let session = try context.session(sessionOption.session)
        let history = try await SessionHistory.export(session, from: context.store)
        var data = try history.jsonData()
        data.append(0x0A)
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CairnError.storage("cannot write \(output): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("exported \(history.entries.count) entries of session \(session) to \(output)\n".utf8))
    }
}
