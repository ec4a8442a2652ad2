import ArgumentParser
import CairnCLI
import CairnCore
import CairnTriggers
import Foundation

/// `cairn doctor`: checks what `cairn serve` would need — the configuration, the store, the
/// handlers' commands and files, the triggers, the model keys and the port — and says what is wrong.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check the configuration, store, handlers, triggers, model keys and port; say what is wrong.",
        discussion: """
            Prints one line per check: 'ok', 'note' or 'FAIL' with what to do. Exits with status 1 when a check fails. \
            Without -c it reads ./cairn.yaml when there is one.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("The configuration file (default: ./cairn.yaml if present).", valueName: "FILE"))
    var config: String?
    @OptionGroup var storeOption: StoreOption

    /// One finding.
    struct Finding {
        enum Level: String { case ok = "ok  ", note = "note", fail = "FAIL" }
        let level: Level
        let what: String
    }

    func run() async throws {
        var findings: [Finding] = []
        let components = CairnCommand.components
        let file = config ?? (FileManager.default.fileExists(atPath: "cairn.yaml") ? "cairn.yaml" : nil)
        var configuration = ServerConfiguration()
        if let file {
            let checked = Self.checkConfiguration(file: file, kinds: Set(components.names(.handler)))
            findings += checked.findings
            configuration = checked.configuration ?? configuration
        } else {
            findings.append(Finding(level: .note, what: "no configuration file: cairn serve runs with the defaults and no handlers ('cairn init' writes one)"))
        }
        findings += Self.checkStore(storeOption.store ?? configuration.store)
        for spec in configuration.handlers { findings += Self.check(spec) }
        findings += await Self.checkTriggers(configuration.triggers, components: components)
        findings += Self.checkModelKeys()
        findings.append(Self.checkPort(host: configuration.host, port: configuration.port))
        for finding in findings { print("\(finding.level.rawValue)  \(finding.what)") }
        let failed = findings.filter { $0.level == .fail }.count
        print(failed == 0 ? "no problems found" : "\(failed) problem\(failed == 1 ? "" : "s") found")
        if failed > 0 { throw ExitCode(1) }
    }

    /// Loads the file whole, and each section on its own so that every broken section is named.
    static func checkConfiguration(file: String, kinds: Set<String>) -> (findings: [Finding], configuration: ServerConfiguration?) {
        let path = CLIContext.absolutePath(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            return ([Finding(level: .fail, what: "cannot read the configuration file \(file)")], nil)
        }
        let text = String(decoding: data, as: UTF8.self)
        let base = (path as NSString).deletingLastPathComponent
        if let whole = try? ServerConfiguration.load(yaml: text, baseDirectory: base, kinds: kinds) {
            return ([Finding(level: .ok, what: "configuration \(file)")], whole)
        }
        guard case .object(let top)? = try? YAMLValue.parse(text, what: file) else {
            do { _ = try ServerConfiguration.load(yaml: text, baseDirectory: base, kinds: kinds) } catch {
                return ([Finding(level: .fail, what: "\(file): \(error)")], nil)
            }
            return ([], nil)
        }
        var parts: [(String, JSONValue)] = []
        for key in top.keys.sorted() {
            switch (key, top[key]) {
            case ("handlers", .object(let entries)?): parts += entries.keys.sorted().map { ("handlers", .object([$0: entries[$0] ?? .null])) }
            case ("triggers", .object(let entries)?): parts += entries.keys.sorted().map { ("triggers", .object([$0: entries[$0] ?? .null])) }
            default: parts.append((key, top[key] ?? .null))
            }
        }
        var findings: [Finding] = []
        var merged = ServerConfiguration()
        for (key, value) in parts {
            do {
                let part = try ServerConfiguration.load(yaml: JSONValue.object([key: value]).text, baseDirectory: base, kinds: kinds)
                merged.handlers += part.handlers
                merged.triggers += part.triggers
                if key == "server" { (merged.host, merged.port) = (part.host, part.port) }
                if key == "store" { merged.store = part.store }
            } catch {
                findings.append(Finding(level: .fail, what: "\(file): \(error)"))
            }
        }
        if findings.isEmpty {
            do { _ = try ServerConfiguration.load(yaml: text, baseDirectory: base, kinds: kinds) } catch {
                findings.append(Finding(level: .fail, what: "\(file): \(error)"))
            }
        }
        return (findings, merged)
    }

    static func checkStore(_ flag: String?) -> [Finding] {
        do {
            let context = try CLIContext(storeFlag: flag, create: false)
            return [Finding(level: .ok, what: "store \(context.storeURL)")]
        } catch let error as CairnError {
            if case .invalidArgument(let message) = error, message.hasPrefix("no Cairn store") {
                return [Finding(level: .note, what: "\(message) (cairn serve creates it)")]
            }
            return [Finding(level: .fail, what: "store: \(error)")]
        } catch {
            return [Finding(level: .fail, what: "store: \(error)")]
        }
    }

    /// A handler's command (found on PATH or as a path, executable), its cwd, or its file.
    static func check(_ spec: HandlerSpec) -> [Finding] {
        let entry = "handlers.\(spec.agent)"
        var findings: [Finding] = []
        if let cwd = spec.options["cwd"]?.stringValue, !isFolder(spec.resolve(path: cwd)) {
            findings.append(Finding(level: .fail, what: "\(entry).cwd: \(spec.resolve(path: cwd)) is not a folder"))
        }
        switch spec.value {
        case .array(let items):
            guard let program = items.first?.stringValue, !program.isEmpty else {
                return findings + [Finding(level: .fail, what: "\(entry).\(spec.kind): the command is empty")]
            }
            let folder = spec.options["cwd"]?.stringValue.map { spec.resolve(path: $0) } ?? spec.baseDirectory
            if let found = executable(program, relativeTo: folder) {
                findings.append(Finding(level: .ok, what: "\(entry): \(spec.kind) \(found)"))
            } else {
                findings.append(
                    Finding(
                        level: .fail,
                        what:
                            "\(entry).\(spec.kind): '\(program)' is not \(program.contains("/") ? "an executable file" : "on PATH"); install it or fix the path"
                    ))
            }
        case .string(let path):
            let resolved = spec.resolve(path: path)
            findings.append(
                FileManager.default.isReadableFile(atPath: resolved)
                    ? Finding(level: .ok, what: "\(entry): \(spec.kind) \(resolved)")
                    : Finding(level: .fail, what: "\(entry).\(spec.kind): \(resolved) does not exist or is not readable"))
        default:
            findings.append(Finding(level: .ok, what: "\(entry): \(spec.kind)"))
        }
        return findings
    }

    static func checkTriggers(_ triggers: [TriggerDefinition], components: Components) async -> [Finding] {
        let service = TriggerService(store: MemoryStore(), components: components, configured: [])
        var findings: [Finding] = []
        for trigger in triggers {
            do {
                try await service.validate(trigger)
                findings.append(Finding(level: .ok, what: "trigger \(trigger.name): \(trigger.kind)"))
            } catch {
                findings.append(Finding(level: .fail, what: "trigger \(trigger.name): \(error)"))
            }
        }
        return findings
    }

    /// The model providers' keys and base URLs, by the `NAME_API_KEY` / `NAME_BASE_URL` convention.
    static func checkModelKeys() -> [Finding] {
        let environment = ProcessInfo.processInfo.environment
        func set(_ name: String) -> Bool { !(environment[name] ?? "").isEmpty }
        var findings: [Finding] = []
        for provider in CairnCommand.components.names(.modelProvider) {
            let key = provider.uppercased() + "_API_KEY"
            let base = provider.uppercased() + "_BASE_URL"
            switch (set(key), set(base)) {
            case (true, _): findings.append(Finding(level: .ok, what: "\(provider): \(key) is set\(set(base) ? ", \(base)=\(environment[base] ?? "")" : "")"))
            case (false, true):
                findings.append(Finding(level: .note, what: "\(provider): \(base)=\(environment[base] ?? ""), no \(key) (fine for local servers)"))
            case (false, false):
                findings.append(Finding(level: .note, what: "\(provider): neither \(key) nor \(base) is set (fine if its agent files name both)"))
            }
        }
        return findings
    }

    /// Whether `host:port` can be bound now.
    static func checkPort(host: String, port: Int) -> Finding {
        guard port != 0 else { return Finding(level: .ok, what: "port 0: a free port is picked at start") }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            return Finding(level: .fail, what: "server.host: \(host) is not an address this machine can listen on")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return Finding(level: .note, what: "cannot test \(host):\(port) (no socket)") }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            let reason = errno == EADDRINUSE ? "in use (another cairn serve?)" : String(cString: strerror(errno))
            return Finding(level: .fail, what: "\(host):\(port) is \(reason); stop what holds it or set server.port (or pass --port)")
        }
        return Finding(level: .ok, what: "\(host):\(port) is free")
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    static func executable(_ program: String, relativeTo folder: String) -> String? {
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : (folder as NSString).appendingPathComponent(program)
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path), !isFolder(path) { return path }
        }
        return nil
    }
}
