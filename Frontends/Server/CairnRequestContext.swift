public import Hummingbird
public import NIOCore

/// The request context of every route: Hummingbird's basic context plus the peer's address
/// (webhook triggers check it against their source allowlist).
public struct CairnRequestContext: RequestContext {
    /// Hummingbird's storage (parameters, logger, ...).
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, if the channel has one.
    public let remoteAddress: SocketAddress?

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
