import Foundation

/// Runs Python scripts as the reference implementation in differential tests.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `python3` on PATH, if any.
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Whether python3 is there and can import every one of `modules`.
    static func available(_ modules: String...) -> Bool {
        guard python != nil else { return false }
        let imports = modules.map { "import \($0)" }.joined(separator: "; ")
        return (try? run(imports.isEmpty ? "pass" : imports, input: Data())) != nil
    }

    /// Runs `script` with the path of a file holding `input` as `sys.argv[1]`, and returns what it
    /// printed. Throws when python3 is missing or the script fails.
    static func run(_ script: String, input: Data) throws -> Data {
        guard let python else { throw Failure(description: "python3 is not on PATH") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputFile = folder.appendingPathComponent("input.json")
        let errorFile = folder.appendingPathComponent("stderr.txt")
        try input.write(to: inputFile)
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, inputFile.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw Failure(description: "python3 exited with \(process.terminationStatus): \(errors)")
        }
        return printed
    }

    /// Runs `script` on `input` encoded as JSON and decodes what it prints as `Output`.
    static func run<Output: Decodable>(_ script: String, input: some Encodable, as type: Output.Type = Output.self) throws -> Output {
        try JSONDecoder().decode(Output.self, from: run(script, input: JSONEncoder().encode(input)))
    }
}
