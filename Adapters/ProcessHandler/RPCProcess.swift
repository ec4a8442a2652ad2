import CairnCore
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps one long-lived RPC-mode handler process running (Docs/protocol.md).
///
/// The runtime owns a listening TCP socket on 127.0.0.1 for the whole life of the supervisor and
/// passes it to each child as file descriptor 3 with `PUGMARK_RPC_URL=fd://3`, so the port never
/// changes and requests queued while a child restarts wait in the socket's backlog. A child that
/// exits is started again on the next request, after a backoff that doubles with each consecutive
/// failure (0.1 s up to 30 s) and resets after a successful invocation.
actor RPCProcess {
    /// Why the process could not serve.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    let command: [String]
    let executable: String
    let environment: [String: String]
    let workingDirectory: String?
    let stderrSink: (@Sendable (Data) -> Void)?
    /// The port the listening socket is bound to.
    nonisolated let port: Int
    private let listener: Int32
    private let logger: Logger
    private let tail = OutputTail()

    private var pid: pid_t?
    private var starting: Task<Void, any Error>?
    private var failures = 0
    private var notBefore = ContinuousClock.now
    private var stopped = false
    /// Children this supervisor killed on purpose (their exit is not a failure).
    private var killed: Set<pid_t> = []

    init(
        command: [String], executable: String, environment: [String: String], workingDirectory: String?,
        stderrSink: (@Sendable (Data) -> Void)?, logger: Logger
    ) throws {
        self.command = command
        self.executable = executable
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stderrSink = stderrSink
        self.logger = logger
        (listener, port) = try Self.listen()
    }

    /// The last few kilobytes the child wrote to stdout or stderr.
    nonisolated var outputTail: String {
        tail.text
    }

    /// Starts the child if it is not running (waiting out the backoff first).
    /// - Throws: ``Unavailable`` if it is stopped or cannot be started; `CancellationError`.
    func ensureRunning() async throws {
        if stopped { throw Unavailable(description: "the RPC handler '\(command[0])' is shut down") }
        if pid != nil { return }
        if let starting { return try await starting.value }
        let task = Task { try await self.start() }
        starting = task
        defer { starting = nil }
        try await task.value
    }

    private func start() async throws {
        let wait = notBefore - ContinuousClock.now
        if wait > .zero { try await Task.sleep(for: wait) }
        if stopped { throw Unavailable(description: "the RPC handler '\(command[0])' is shut down") }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        env["PUGMARK_RPC_URL"] = "fd://3"
        let child = try spawn(environment: env)
        pid = child
        logger.info("RPC handler started", metadata: ["pid": "\(child)", "port": "\(port)", "command": "\(command.joined(separator: " "))"])
        Task { [weak self] in
            let status = await ChildProcess.wait(child)
            await self?.exited(child, status: status)
        }
    }

    private func exited(_ child: pid_t, status: Int32) {
        kill(-child, SIGKILL)  // whatever it left running in its group
        if pid == child { pid = nil }
        if killed.remove(child) != nil || stopped { return }
        failures += 1
        let delay = Duration.milliseconds(min(30_000, 100 << min(failures - 1, 9)))
        notBefore = ContinuousClock.now + delay
        logger.warning(
            "RPC handler exited; it is started again on the next invocation",
            metadata: [
                "pid": "\(child)", "status": "\(status)", "backoff": "\(delay)", "output": "\(outputTail.suffix(400))",
            ])
    }

    /// Records a successful invocation: the backoff starts again from its shortest delay.
    func succeeded() {
        failures = 0
    }

    /// How many times the child was killed on purpose by ``restart()``.
    private(set) var restarts = 0

    /// Kills the current child (for example after a timed-out request); the next request starts a new one.
    func restart() {
        guard let child = pid else { return }
        restarts += 1
        killed.insert(child)
        kill(-child, SIGKILL)
        pid = nil
    }

    /// Stops the child (SIGTERM, SIGKILL after `grace`) and closes the listening socket.
    func shutdown(grace: Duration = .seconds(2)) async {
        guard !stopped else { return }
        stopped = true
        starting?.cancel()
        if let child = pid {
            killed.insert(child)
            kill(-child, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while kill(child, 0) == 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
                if pid != child { break }
            }
            kill(-child, SIGKILL)
            pid = nil
        }
        close(listener)
    }

    // MARK: - Sockets and processes

    private static func listen() throws -> (Int32, Int) {
        var fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "cannot create a socket: \(String(cString: strerror(errno)))") }
        if fd <= 3 {
            // fd 3 is where the child expects it; keep ours elsewhere so dup2 always clears close-on-exec.
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            close(fd)
            fd = moved
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && Glibc.listen(fd, 128) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard ok else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw Unavailable(description: "cannot listen on 127.0.0.1 for the RPC handler: \(why)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func spawn(environment env: [String: String]) throws -> pid_t {
        try ChildProcess.spawnLock.withLock { _ in
            ChildProcess.closeOnExecEverything()
            ChildProcess.ignoreSIGPIPE
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw Unavailable(description: "cannot create a pipe: \(String(cString: strerror(errno)))") }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            defer { close(fds[1]) }
            do {
                let child = try posixSpawn(output: fds[1], environment: env)
                let reader = fds[0]
                let sink = stderrSink
                let tail = tail
                Thread.detachNewThread { Self.pump(reader, sink: sink, tail: tail) }
                return child
            } catch {
                close(fds[0])
                throw error
            }
        }
    }

    private func posixSpawn(output: Int32, environment env: [String: String]) throws -> pid_t {
        do {
            return try Spawn.start(
                executable, arguments: Array(command.dropFirst()), environment: env, workingDirectory: workingDirectory,
                descriptors: [(0, .null), (1, .duplicate(output)), (2, .duplicate(output)), (3, .duplicate(listener))])
        } catch {
            throw Unavailable(description: "cannot start \(executable): \(error.reason)")
        }
    }

    /// Copies the child's output to the sink and keeps its tail, until the pipe closes.
    private static func pump(_ fd: Int32, sink: (@Sendable (Data) -> Void)?, tail: OutputTail) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            let chunk = Data(buffer[0..<n])
            sink?(chunk)
            tail.append(chunk)
        }
        close(fd)
    }
}

/// The last few kilobytes a process wrote, shared with the thread that reads its output.
final class OutputTail: Sendable {
    private let data = Mutex(Data())

    /// Keeps `chunk`, dropping older output beyond a few kilobytes.
    func append(_ chunk: Data) {
        data.withLock { data in
            data.append(chunk)
            if data.count > 4 * ChildProcess.stderrTailBytes { data = data.suffix(ChildProcess.stderrTailBytes) }
        }
    }

    /// The tail as text.
    var text: String {
        String(decoding: data.withLock { $0.suffix(ChildProcess.stderrTailBytes) }, as: UTF8.self)
    }
}
