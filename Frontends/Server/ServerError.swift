/// Why `cairn serve` cannot start, each with a message that says what to change.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file is malformed; the message names the key.
    case configuration(String)
    /// The server would listen beyond loopback without a bearer token.
    case tokenRequired(host: String)
    /// The address could not be bound: in use, not permitted, or not an address of this machine.
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .tokenRequired(let host):
            "refusing to listen on \(host) without a bearer token: set server.token_env (or server.token) in the configuration, "
                + "or listen on 127.0.0.1"
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
