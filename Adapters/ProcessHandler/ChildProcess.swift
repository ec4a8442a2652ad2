import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one child process in its own process group with piped stdin, stdout and stderr, a
/// timeout and cancellation. When the child exits, is timed out or is cancelled, the whole group
/// is killed, so a grandchild holding a pipe open can neither outlive the invocation nor hang it.
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

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    func run(stdin: Data) async throws -> Result {
        // Creating close-on-exec pipes and spawning happen under one lock, so a child spawned
        // concurrently by another invocation can never inherit this one's pipe ends.
        let (pid, input, output, errors) = try Self.spawnLock.withLock { _ in
            Self.closeOnExecEverything()
            Self.ignoreSIGPIPE
            var pipes: [[Int32]] = []
            do {
                for _ in 0..<3 { pipes.append(try Self.makePipe()) }
            } catch {
                pipes.joined().forEach { close($0) }
                throw error
            }
            let input = pipes[0], output = pipes[1], errors = pipes[2]
            do {
                let pid = try spawn(stdin: input[0], stdout: output[1], stderr: errors[1])
                close(input[0]); close(output[1]); close(errors[1])
                return (pid, input, output, errors)
            } catch {
                (input + output + errors).forEach { close($0) }
                throw error
            }
        }

        // Pipes are drained and fed on their own threads so a chatty or idle child never blocks us.
        async let stdoutData = Self.drain(output[0], sink: nil, tailOnly: false)
        async let stderrData = Self.drain(errors[0], sink: stderrSink, tailOnly: true)
        let writeEnd = input[1]
        Thread.detachNewThread {
            stdin.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = write(writeEnd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 { if errno == EINTR { continue }; break }  // EPIPE: the child did not read its input
                    done += n
                }
            }
            close(writeEnd)
        }

        enum Event: Sendable { case exited(Int32), expired, escalated }
        let (status, timedOut) = await withTaskCancellationHandler {
            await withTaskGroup(of: Event.self) { group in
                group.addTask { .exited(await Self.wait(pid)) }
                group.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return .escalated }
                    return .expired
                }
                var expired = false
                var status: Int32 = 0
                loop: while let event = await group.next() {
                    switch event {
                    case .exited(let code):
                        status = code
                        break loop
                    case .expired:
                        expired = true
                        kill(-pid, SIGTERM)
                        group.addTask {
                            do { try await Task.sleep(for: .seconds(2)) } catch { return .escalated }
                            kill(-pid, SIGKILL)
                            return .escalated
                        }
                    case .escalated:
                        continue
                    }
                }
                group.cancelAll()
                return (status, expired)
            }
        } onCancel: {
            kill(-pid, SIGKILL)
        }
        kill(-pid, SIGKILL)  // whatever the handler left running in its group
        let out = await stdoutData
        let err = await stderrData
        try Task.checkCancellation()
        let signalled = (status & 0x7F) != 0
        return Result(
            status: signalled ? status & 0x7F : (status >> 8) & 0xFF,
            signalled: signalled,
            timedOut: timedOut,
            stdout: out,
            stderrTail: String(decoding: err.suffix(Self.stderrTailBytes), as: UTF8.self))
    }

    static let spawnLock = Mutex(())

    /// A handler that exits without reading its stdin must give the writer EPIPE, not kill the runtime.
    static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Marks every open descriptor above stderr close-on-exec, so a handler inherits only its
    /// three pipes — not the object server's socket or the store's files, which would otherwise
    /// keep them open (and a handler orphaned by a killed runtime waiting) after the runtime dies.
    static func closeOnExecEverything() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let fd = Int32(name), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    private static func makePipe() throws -> [Int32] {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw SpawnError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fds
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        do {
            return try Spawn.start(
                executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
                descriptors: [(0, .duplicate(stdin)), (1, .duplicate(stdout)), (2, .duplicate(stderr))])
        } catch {
            throw SpawnError(description: "cannot start \(executable): \(error.reason)")
        }
    }

    /// Reaps the child on a thread of its own (waitpid blocks) and returns its wait status.
    static func wait(_ pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
    }

    static func drain(_ fd: Int32, sink: (@Sendable (Data) -> Void)?, tailOnly: Bool) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var collected = Data()
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 { if errno == EINTR { continue }; break }
                    if n == 0 { break }
                    let chunk = Data(buffer[0..<n])
                    sink?(chunk)
                    collected.append(chunk)
                    if tailOnly, collected.count > 4 * stderrTailBytes { collected = collected.suffix(stderrTailBytes) }
                }
                close(fd)
                continuation.resume(returning: collected)
            }
        }
    }
}
