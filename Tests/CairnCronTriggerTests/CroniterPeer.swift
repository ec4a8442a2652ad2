import Foundation

/// Runs Python's croniter in one `python3` process: JSON requests on stdin, JSON answers on stdout.
enum CroniterPeer {
    struct Request: Codable {
        var expr: String
        var start: Int64
        var count: Int
    }

    struct Answer: Codable {
        var fires: [Int64]
        var error: String?
    }

    static let script = """
        import json, sys
        from datetime import datetime, timezone
        from croniter import croniter
        answers = []
        for request in json.load(sys.stdin):
            fires = []
            error = None
            try:
                it = croniter(request["expr"], datetime.fromtimestamp(request["start"], timezone.utc))
                for _ in range(request["count"]):
                    fires.append(int(it.get_next(datetime).timestamp()))
            except Exception as exc:
                error = type(exc).__name__ + ": " + str(exc)
            answers.append({"fires": fires, "error": error})
        json.dump(answers, sys.stdout)
        """

    /// Whether `python3` can import croniter here (install it with `pip install croniter`).
    static let isAvailable: Bool = (try? run(arguments: ["-c", "import croniter"], input: Data()).status) == 0

    static func answers(_ requests: [Request]) throws -> [Answer] {
        let result = try run(arguments: ["-c", script], input: try JSONEncoder().encode(requests))
        guard result.status == 0 else {
            throw PeerFailure(message: "python3 exited with \(result.status): \(String(decoding: result.error, as: UTF8.self))")
        }
        return try JSONDecoder().decode([Answer].self, from: result.output)
    }

    struct PeerFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static func run(arguments: [String], input: Data) throws -> (status: Int32, output: Data, error: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Python reads all of stdin before writing, so writing first and then draining stdout cannot deadlock.
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output, error)
    }
}
