/// Why `cairn serve` cannot start, each with a message that says what to change.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file is malformed; the message names the key.
    case configuration(String)
    /// The server would listen beyond loopback without a bearer token.
    case tokenRequired(host: String)

    public var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .tokenRequired(let host):
            "refusing to listen on \(host) without a bearer token: set server.token_env (or server.token) in the configuration, "
                + "or listen on 127.0.0.1"
        }
    }
}
