/// What tools report to the model when they refuse or fail (shared by every tool adapter).
public enum ToolError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The path leaves the allowed folder.
    case outsideFolder(String)
    /// The argument is missing or has the wrong type.
    case badArgument(String)
    /// The host is not on the allowlist.
    case hostNotAllowed(String)
    /// The request failed.
    case requestFailed(String)

    public var description: String {
        switch self {
        case .outsideFolder(let path): "the path '\(path)' is outside the folder this tool may read"
        case .badArgument(let message): "bad arguments: \(message)"
        case .hostNotAllowed(let url): "requests to \(url) are not allowed: the host is not on the allowed hosts list"
        case .requestFailed(let message): "the request failed: \(message)"
        }
    }
}
