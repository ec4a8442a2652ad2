import ArgumentParser
import CairnCore
import Foundation

/// `cairn components`: what this build can assemble, by seam.
struct ComponentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "components",
        abstract: "List the stores, model providers, tools, handler kinds and trigger kinds this build of cairn offers.",
        discussion:
            "These are the names configuration files may use: store URL schemes (-b), model.provider and tools: in agent files, handler kinds in cairn serve's handlers:, trigger kinds in triggers:. A build composed with other adapters lists theirs."
    )

    @Flag(help: "Print JSON lines {seam, name, summary}.") var json = false

    func run() async throws {
        let rows = CairnCommand.components.catalog
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for row in rows {
                let line = try encoder.encode(["seam": row.seam, "name": row.name, "summary": row.summary])
                FileHandle.standardOutput.write(line + Data("\n".utf8))
            }
            return
        }
        let width = (rows.map(\.seam.count).max() ?? 0) + 2
        let nameWidth = (rows.map(\.name.count).max() ?? 0) + 2
        for row in rows {
            let line =
                row.seam.padding(toLength: width, withPad: " ", startingAt: 0) + row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + row.summary
            FileHandle.standardOutput.write(Data((line.trimmingCharacters(in: .whitespaces) + "\n").utf8))
        }
    }
}
