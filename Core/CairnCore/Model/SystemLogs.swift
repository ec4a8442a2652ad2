import Crypto
public import Foundation

/// Sessions that hold the runtime's own records (a trigger's fires, the triggers added at
/// runtime, ...) rather than an agent's conversation.
///
/// Their agent names start with `cairn.`: no handler is ever invoked on them, and listings hide
/// them unless asked. Their ids are derived from a name, so every process that opens one store
/// finds the same log without coordination.
public enum SystemLogs {
    /// The agent-name prefix reserved for system logs.
    public static let agentPrefix = "cairn."

    /// Whether `agent` names a system log (and so is never invoked).
    public static func isSystem(agent: String) -> Bool { agent.hasPrefix(agentPrefix) }

    /// The id of the system log called `name` (the same in every process).
    public static func id(of name: String) -> SessionID {
        SessionID.derived(from: "cairn.system-log\n\(name)", at: Date(timeIntervalSince1970: 0))
    }
}

extension SessionInfo {
    /// Whether this session is a system log (see ``SystemLogs``).
    public var isSystem: Bool { SystemLogs.isSystem(agent: agent) }
}

extension SessionID {
    /// A session id determined by `key`: the time part is `time` (so ids still sort by time) and
    /// the other 80 bits are the first 80 bits of the SHA-256 of `key`. The same key and time give
    /// the same id in every process, which makes creating the session an idempotent claim.
    public static func derived(from key: String, at time: Date) -> SessionID {
        var bits = DerivedBits(hash: Array(SHA256.hash(data: Data(key.utf8))))
        return generate(at: time, using: &bits)
    }
}

/// Feeds ``SessionID/generate(at:using:)`` 5 bits per call from a hash, in order.
private struct DerivedBits: RandomNumberGenerator {
    let hash: [UInt8]
    var bit = 0

    init(hash: [UInt8]) { self.hash = hash }

    mutating func next() -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<5 {
            let byte = hash[(bit / 8) % hash.count]
            value = value << 1 | UInt64((byte >> (7 - UInt8(bit % 8))) & 1)
            bit += 1
        }
        return value
    }
}
