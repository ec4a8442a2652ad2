/// Errors raised by Core and the stores, each with a message a user can act on.
public enum CairnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The caller passed something malformed; the message names it.
    case invalidArgument(String)
    /// No session with this id exists in the store.
    case sessionNotFound(SessionID)
    /// A session with this id already exists.
    case sessionExists(SessionID)
    /// No blob with this digest exists in the store.
    case blobNotFound(Digest)
    /// A compare-and-swap append lost: the log was not at the expected length.
    case conflict(session: SessionID, expected: Int, actual: Int)
    /// Stored data failed a checksum or could not be decoded; the message says where.
    case corrupt(String)
    /// The storage medium failed (I/O error, permission, disk full); the message says which operation.
    case storage(String)
    /// The store URL is not understood.
    case unsupportedStore(String)

    /// Whether the error is the storage's (a failed medium, damaged data, a vanished session), as
    /// opposed to a refused request: runtimes retry or skip these rather than blame a handler.
    public var isInfrastructure: Bool {
        switch self {
        case .storage, .corrupt, .sessionNotFound, .blobNotFound: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .sessionNotFound(let id): "no session \(id) in this store"
        case .sessionExists(let id): "session \(id) already exists"
        case .blobNotFound(let digest): "no object with digest \(digest) in this store"
        case .conflict(let id, let expected, let actual):
            "session \(id) changed concurrently: expected \(expected) entries, found \(actual)"
        case .corrupt(let message): "corrupt data: \(message)"
        case .storage(let message): "storage error: \(message)"
        case .unsupportedStore(let message): message
        }
    }
}
