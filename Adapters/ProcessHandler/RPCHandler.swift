public import AsyncHTTPClient
public import CairnCore
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Runs a handler as one long-lived process in pugmark's RPC mode (Docs/protocol.md), so handlers
/// written with `pugmark.http` (`serve(WSGIPugmark(handler))`) run unchanged.
///
/// The process receives a listening socket on 127.0.0.1 as file descriptor 3
/// (`PUGMARK_RPC_URL=fd://3`). Each invocation is `POST /?agent=&session=&snapshot=` with the
/// header `X-Pugmark-Session-Metadata` (a JSON object) and the log as JSON lines, exactly the
/// process mode's stdin; the response body holds the output lines. A process that dies is started
/// again, with backoff. A non-200 answer, a dropped connection or a timeout fails the invocation
/// with a ``HandlerFailure`` carrying the tail of the process's output; a timed-out process is
/// killed and restarted.
public struct RPCHandler: Handler {
    /// The command and its arguments.
    public let command: [String]
    /// How long one invocation may take before the process is killed and the invocation fails.
    public let timeout: Duration
    /// The largest response body accepted.
    public let maxResponseBytes: Int
    private let process: RPCProcess
    private let server: ObjectServer
    private let client: HTTPClient

    /// Creates the handler; the process starts on the first invocation.
    /// - Throws: `CairnError.invalidArgument` if the command is empty or not found on `PATH`;
    ///   an error if no listening socket can be made.
    public init(
        command: [String], server: ObjectServer, environment: [String: String] = [:], workingDirectory: String? = nil,
        timeout: Duration = .seconds(300), maxResponseBytes: Int = 64 << 20, stderrSink: (@Sendable (Data) -> Void)? = nil,
        client: HTTPClient = .shared, logger: Logger = Logger(label: "cairn.rpc-handler")
    ) throws {
        guard let name = command.first, !name.isEmpty else {
            throw CairnError.invalidArgument("no RPC handler command given, e.g. [\"python3\", \"rpc_handler.py\"]")
        }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        guard let executable = ChildProcess.resolve(name, path: path) else {
            throw CairnError.invalidArgument("RPC handler command '\(name)' was not found or is not executable (searched PATH)")
        }
        self.command = command
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.server = server
        self.client = client
        self.process = try RPCProcess(
            command: command, executable: executable, environment: environment, workingDirectory: workingDirectory,
            stderrSink: stderrSink, logger: logger)
    }

    /// The port of the listening socket the process serves on.
    public var port: Int { process.port }

    /// Stops the process and closes its socket.
    public func shutdown() async {
        await process.shutdown()
    }

    public func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        let digests = Set(invocation.entries.compactMap(\.digest))
        let token = server.grant(blobs: invocation.blobs, digests: digests)
        defer { server.revoke(token) }
        let body = await ProcessHandler.inputLines(for: invocation, server: server, token: token)

        func failure(_ message: String, kind: String) -> HandlerFailure {
            let tail = process.outputTail
            return HandlerFailure(
                ErrorReport(
                    message: message, kind: kind, stderrTail: tail.isEmpty ? nil : tail, snapshot: invocation.snapshot))
        }
        do {
            try await process.ensureRunning()
        } catch let error as CancellationError {
            throw error
        } catch {
            throw failure("RPC handler could not be started: \(error)", kind: "exit")
        }

        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "agent", value: invocation.session.agent),
            URLQueryItem(name: "session", value: invocation.session.id.rawValue),
            URLQueryItem(name: "snapshot", value: String(invocation.snapshot)),
        ]
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(process.port)/?\(components.percentEncodedQuery ?? "")")
        request.method = .POST
        request.headers.add(name: "X-Pugmark-Session-Metadata", value: ProcessHandler.metadataJSON(invocation.session.metadata))
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.headers.add(name: "Content-Length", value: String(body.count))
        request.body = .bytes(ByteBuffer(bytes: body))

        let response: HTTPClientResponse
        let output: ByteBuffer
        let restarts = await process.restarts
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            output = try await response.body.collect(upTo: maxResponseBytes)
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            await process.restart()
            throw failure("RPC handler did not answer within \(timeout); it was killed and is started again", kind: "timeout")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            // Killed because another invocation timed out: not this session's failure; it runs again.
            if await process.restarts != restarts {
                throw InvocationRestart(reason: "the RPC handler was restarted while this invocation ran (another one timed out)")
            }
            throw failure("RPC handler request failed: \(error)", kind: "exit")
        }
        let bytes = Data(output.readableBytesView)
        guard response.status == .ok else {
            let text = String(decoding: bytes.prefix(400), as: UTF8.self)
            throw failure("RPC handler answered \(response.status.code) \(response.status.reasonPhrase): \(text)", kind: "exit")
        }
        do {
            let outputs = try WireFormat.parseOutputs(bytes)
            await process.succeeded()
            return outputs
        } catch {
            throw failure("\(error)", kind: "invalid-output")
        }
    }
}
