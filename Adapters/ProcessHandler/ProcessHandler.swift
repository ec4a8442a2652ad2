public import CairnCore
public import Foundation
import Logging

/// Runs a handler as one process per invocation, speaking the pugmark wire protocol
/// (Docs/protocol.md), so handlers written with the `pugmark` Python SDK run unchanged.
///
/// Each invocation: the log goes to the child's stdin as JSON lines whose `url`s point at the
/// ``ObjectServer``; the child's stdout lines become the outputs. A non-zero exit, a signal, a
/// timeout or an invalid stdout line makes the invocation fail with a ``HandlerFailure`` carrying
/// the exit status and the tail of stderr; none of its outputs are kept.
public struct ProcessHandler: Handler {
    /// The command and its arguments.
    public let command: [String]
    /// Extra environment variables for the child (the runtime's own environment is inherited).
    public let environment: [String: String]
    /// The working directory of the child (the runtime's if nil).
    public let workingDirectory: String?
    /// How long one invocation may run before it is terminated (SIGTERM, then SIGKILL after 2 s).
    public let timeout: Duration
    /// Receives the child's stderr as it arrives; nil discards it (the tail is still kept for errors).
    public let stderrSink: (@Sendable (Data) -> Void)?
    private let server: ObjectServer
    private let executable: String

    /// Creates a handler that runs `command`.
    /// - Throws: `CairnError.invalidArgument` if the command is empty or not found on `PATH`.
    public init(
        command: [String], server: ObjectServer, environment: [String: String] = [:], workingDirectory: String? = nil,
        timeout: Duration = .seconds(300), stderrSink: (@Sendable (Data) -> Void)? = nil
    ) throws {
        guard let name = command.first, !name.isEmpty else {
            throw CairnError.invalidArgument("no handler command given; pass it after '--', e.g. cairn run -- python3 handler.py")
        }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        guard let executable = ChildProcess.resolve(name, path: path) else {
            throw CairnError.invalidArgument("handler command '\(name)' was not found or is not executable (searched PATH)")
        }
        self.command = command
        self.executable = executable
        self.server = server
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.stderrSink = stderrSink
    }

    public func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        let digests = Set(invocation.entries.compactMap(\.digest))
        let token = server.grant(blobs: invocation.blobs, digests: digests)
        defer { server.revoke(token) }

        let stdin = await Self.inputLines(for: invocation, server: server, token: token)

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        env["PUGMARK_SESSION_ID"] = invocation.session.id.rawValue
        env["PUGMARK_AGENT_ID"] = invocation.session.agent
        env["PUGMARK_SESSION_METADATA"] = Self.metadataJSON(invocation.session.metadata)
        env["CAIRN_SNAPSHOT"] = String(invocation.snapshot)

        let child = ChildProcess(
            executable: executable, arguments: Array(command.dropFirst()), environment: env,
            workingDirectory: workingDirectory, timeout: timeout, stderrSink: stderrSink)
        let result: ChildProcess.Result
        do {
            result = try await child.run(stdin: stdin)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw HandlerFailure(ErrorReport(message: "could not start '\(command[0])': \(error)", kind: "exit", snapshot: invocation.snapshot))
        }
        let tail = result.stderrTail.isEmpty ? nil : result.stderrTail
        if result.timedOut {
            throw HandlerFailure(
                ErrorReport(
                    message: "handler timed out after \(timeout) and was killed", kind: "timeout",
                    exitStatus: result.status, stderrTail: tail, snapshot: invocation.snapshot))
        }
        if result.signalled || result.status != 0 {
            let how = result.signalled ? "was killed by signal \(result.status)" : "exited with status \(result.status)"
            throw HandlerFailure(
                ErrorReport(
                    message: "handler \(how)", kind: "exit", exitStatus: result.status, stderrTail: tail, snapshot: invocation.snapshot))
        }
        do {
            return try WireFormat.parseOutputs(result.stdout)
        } catch {
            throw HandlerFailure(
                ErrorReport(
                    message: "\(error)", kind: "invalid-output", exitStatus: result.status, stderrTail: tail, snapshot: invocation.snapshot))
        }
    }

    /// The log of `invocation` as wire-protocol JSON lines whose URLs use `token` on `server`.
    static func inputLines(for invocation: Invocation, server: ObjectServer, token: String) async -> Data {
        var lines = Data()
        for entry in invocation.entries {
            var url = "", encoding = entry.header.contentEncoding
            if let digest = entry.digest {
                let producerEncoded = !entry.header.contentEncoding.isEmpty
                if !producerEncoded, let stored = try? await invocation.blobs.storedEncoding(of: digest) {
                    encoding = stored
                }
                url = server.url(token: token, digest: digest, decoded: producerEncoded)
            }
            lines.append(WireFormat.inputLine(for: entry, url: url, encoding: encoding))
        }
        return lines
    }

    static func metadataJSON(_ metadata: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
