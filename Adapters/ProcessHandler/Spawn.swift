import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `posix_spawn` the way every handler process is started: in a process group of its own (so it
/// and its children can be signalled together), with SIGPIPE, SIGINT and SIGTERM at their
/// defaults and no signal blocked, and with the given descriptors in place.
enum Spawn {
    /// What a descriptor of the child is.
    enum Descriptor {
        /// A copy of one of ours.
        case duplicate(Int32)
        /// `/dev/null`, read-only.
        case null
    }

    /// Starts `executable` with `arguments` (without the program name) and `environment`, in
    /// `workingDirectory` if given (through `/bin/sh`, which `cd`s and execs: posix_spawn cannot
    /// change directory portably), with `descriptors` (child fd → what it is).
    /// - Returns: the child's pid.
    /// - Throws: ``Failure`` with the error text of posix_spawn.
    static func start(
        _ executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        descriptors: [(Int32, Descriptor)]
    ) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in descriptors {
            switch descriptor {
            case .duplicate(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDONLY, 0)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGPIPE, SIGINT, SIGTERM] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var program = executable, argumentList = [executable] + arguments
        if let workingDirectory {
            program = "/bin/sh"
            argumentList = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", workingDirectory, executable] + arguments
        }
        let argv = argumentList.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard code == 0 else { throw Failure(reason: String(cString: strerror(code))) }
        return pid
    }

    /// Why a process could not be started.
    struct Failure: Error {
        /// The system's error text.
        let reason: String
    }
}
