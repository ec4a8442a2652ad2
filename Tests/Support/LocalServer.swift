import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A server process for tests, listening on 127.0.0.1, started through a small watchdog wrapper
/// that kills it when the test process dies (even by SIGKILL), and stopped by PID at exit.
public final class LocalServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The wrapper's process id (the server is its child).
    public let pid: Int32
    private let process: Process

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Python run as the wrapper: starts argv[1:], stops it on SIGTERM or when its parent (the test
    /// process) goes away.
    private static let watchdog = """
        import os, signal, subprocess, sys, time
        # Threads of the test process block signals, and a spawned process inherits that mask.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        parent = os.getppid()
        child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        def stop(*_):
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
            os._exit(0)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while child.poll() is None:
            if os.getppid() != parent:
                stop()
            time.sleep(0.2)
        """

    /// Starts `command` (which must listen on `port`) and waits until the port accepts connections.
    /// - Throws: ``LocalServerError`` if it exits or does not listen within `readyTimeout`.
    public init(command: [String], port: Int, readyTimeout: Duration = .seconds(20)) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.watchdog] + command
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.port = port
        self.pid = process.processIdentifier
        LocalServer.register(pid)
        let deadline = ContinuousClock.now + readyTimeout
        while !Self.accepts(port: port) {
            guard process.isRunning else {
                LocalServer.unregister(pid)
                throw LocalServerError(
                    message: "\(command.joined(separator: " ")) exited with status \(process.terminationStatus) before listening on port \(port)")
            }
            guard ContinuousClock.now < deadline else {
                stop()
                throw LocalServerError(message: "\(command.joined(separator: " ")) did not listen on port \(port) within \(readyTimeout)")
            }
            usleep(100_000)
        }
    }

    /// Stops the server (SIGTERM to the wrapper, which stops its child) and waits up to 10 s for
    /// it, then kills the wrapper.
    public func stop() {
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        LocalServer.unregister(pid)
    }

    /// A port on 127.0.0.1 that was free a moment ago.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 0
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    // Every wrapper still running when the test process exits normally is stopped by an atexit handler.
    private static let running = Mutex<Set<Int32>>([])
    private static let installExitHandler: Void = {
        atexit {
            for pid in LocalServer.running.withLock({ $0 }) { kill(pid, SIGTERM) }
        }
    }()

    private static func register(_ pid: Int32) {
        _ = installExitHandler
        running.withLock { _ = $0.insert(pid) }
    }

    private static func unregister(_ pid: Int32) {
        running.withLock { _ = $0.remove(pid) }
    }
}

/// A test server could not be started.
public struct LocalServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// An error saying `message`.
    public init(message: String) { description = message }
}

/// The `moto[server]` S3 server (PyPI) shared by every test of one test process, started on first
/// use on a free port, installed with pip if missing.
public enum MotoServer {
    private static let server: Result<LocalServer, any Error> = Result {
        try ensureInstalled()
        let port = LocalServer.freePort()
        return try LocalServer(command: ["python3", script, "\(port)"], port: port)
    }

    /// `serial_moto.py` beside this file: moto serving one request at a time, so its conditional
    /// writes are atomic as S3's are.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("serial_moto.py").path

    /// The shared server.
    /// - Throws: ``LocalServerError`` if moto cannot be installed or started.
    public static func shared() throws -> LocalServer {
        try server.get()
    }

    /// A bucket name no other test uses.
    public static func uniqueBucket(_ hint: String = "cairn") -> String {
        "\(hint)-\(UUID().uuidString.lowercased().prefix(18))"
    }

    /// Environment variables for processes that talk to moto (it accepts any keys).
    public static let environment = ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"]

    private static func ensureInstalled() throws {
        if run(["python3", "-c", "import moto.server, flask, flask_cors"]) == 0 { return }
        guard run(["python3", "-m", "pip", "install", "-q", "moto[server]"]) == 0 else {
            throw LocalServerError(message: "moto[server] is not installed and 'python3 -m pip install moto[server]' failed; run 'make python-deps'")
        }
    }

    private static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
