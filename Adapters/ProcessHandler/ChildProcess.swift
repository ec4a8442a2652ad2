import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs one child process with piped stdin, stdout and stderr, a timeout and cancellation.
struct ChildProcess {
    struct Result {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stdout: Data
        var stderrTail: String
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String?
    var timeout: Duration
    /// Called with each chunk of stderr as it arrives (the handler's log).
    var stderrSink: (@Sendable (Data) -> Void)?
    static let stderrTailBytes = 4096

    /// Resolves a command name through `PATH` the way a shell would.
    static func resolve(_ command: String, path: String?) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    func run(stdin: Data) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors

        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            exited.continuation.yield()
            exited.continuation.finish()
        }
        try process.run()
        let pid = process.processIdentifier

        // Pipes are drained on their own threads so a chatty child never blocks on a full pipe.
        async let stdoutData: Data = Self.readAll(output.fileHandleForReading, sink: nil, tailOnly: false)
        async let stderrData: Data = Self.readAll(errors.fileHandleForReading, sink: stderrSink, tailOnly: true)
        let writer = Thread {
            let handle = input.fileHandleForWriting
            try? handle.write(contentsOf: stdin)  // EPIPE if the child does not read its input: fine
            try? handle.close()
        }
        writer.start()

        let timedOut = await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in exited.stream {}
                    return false
                }
                group.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return false }
                    return true
                }
                let expired = await group.next() ?? false
                if expired {
                    kill(pid, SIGTERM)
                    group.addTask {
                        do { try await Task.sleep(for: .seconds(2)) } catch { return true }
                        kill(pid, SIGKILL)
                        return true
                    }
                    _ = await group.next()
                }
                group.cancelAll()
                return expired
            }
        } onCancel: {
            kill(pid, SIGKILL)
        }
        process.waitUntilExit()
        let out = await stdoutData
        let err = await stderrData
        try Task.checkCancellation()
        return Result(
            status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            stdout: out,
            stderrTail: String(decoding: err.suffix(Self.stderrTailBytes), as: UTF8.self))
    }

    private static func readAll(_ handle: FileHandle, sink: (@Sendable (Data) -> Void)?, tailOnly: Bool) async -> Data {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var collected = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    sink?(chunk)
                    collected.append(chunk)
                    if tailOnly, collected.count > 4 * stderrTailBytes { collected = collected.suffix(stderrTailBytes) }
                }
                try? handle.close()
                continuation.resume(returning: collected)
            }
            thread.start()
        }
    }
}
