import CairnCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The local HTTP server from which handler processes fetch object bodies (Docs/protocol.md).
///
/// It listens on 127.0.0.1 only. Each invocation gets a random token; a URL is
/// `http://127.0.0.1:PORT/o/TOKEN/DIGEST` and serves only the digests of that invocation's log,
/// in their stored encoding, while the invocation runs. `GET /` answers `OK`.
public final class ObjectServer: Sendable {
    struct Grant: Sendable {
        let blobs: any BlobStore
        let digests: Set<Digest>
    }

    private let channel: any Channel
    private let grants = Mutex<[String: Grant]>([:])

    /// The port it listens on.
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts a server on 127.0.0.1 and an ephemeral port.
    /// - Throws: NIO errors if it cannot bind.
    public static func start() async throws -> ObjectServer {
        let box = Mutex<ObjectServer?>(nil)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ObjectRequestHandler(server: { box.withLock { $0 } }))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw CairnError.storage("the object server could not read its own port")
        }
        let server = ObjectServer(channel: channel, port: port)
        box.withLock { $0 = server }
        return server
    }

    /// Stops listening.
    public func shutdown() async {
        try? await channel.close()
    }

    /// Allows fetching `digests` from `blobs` under a new token until `revoke` is called.
    func grant(blobs: any BlobStore, digests: Set<Digest>) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        grants.withLock { $0[token] = Grant(blobs: blobs, digests: digests) }
        return token
    }

    func revoke(_ token: String) {
        _ = grants.withLock { $0.removeValue(forKey: token) }
    }

    /// The URL of a body for an invocation's token.
    func url(token: String, digest: Digest, decoded: Bool) -> String {
        "http://127.0.0.1:\(port)/o/\(token)/\(digest.hex)" + (decoded ? "?decoded=1" : "")
    }

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var body: Data
        var contentType = "text/plain; charset=utf-8"
    }

    func respond(method: HTTPMethod, uri: String) async -> Response {
        guard method == .GET || method == .HEAD else { return Response(status: .methodNotAllowed, body: Data("only GET\n".utf8)) }
        let pathAndQuery = uri.split(separator: "?", maxSplits: 1)
        let parts = pathAndQuery.first.map { $0.split(separator: "/", omittingEmptySubsequences: true) } ?? []
        if parts.isEmpty { return Response(status: .ok, body: Data("OK".utf8)) }
        guard parts.count == 3, parts[0] == "o", let digest = try? Digest(hex: String(parts[2])),
            let grant = grants.withLock({ $0[String(parts[1])] }), grant.digests.contains(digest)
        else { return Response(status: .notFound, body: Data("no such object\n".utf8)) }
        let decoded = pathAndQuery.count == 2 && pathAndQuery[1].contains("decoded=1")
        do {
            let bytes = decoded ? try await grant.blobs.get(digest) : try await grant.blobs.getStored(digest).bytes
            return Response(status: .ok, body: bytes, contentType: "application/octet-stream")
        } catch {
            return Response(status: .internalServerError, body: Data("\(error)\n".utf8))
        }
    }
}

/// Answers one HTTP request at a time on a connection.
final class ObjectRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: @Sendable () -> ObjectServer?
    private var head: HTTPRequestHead?

    init(server: @escaping @Sendable () -> ObjectServer?) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head, let server = server() else { return }
            self.head = nil
            let keepAlive = head.isKeepAlive
            let isHead = head.method == .HEAD
            let promise = context.eventLoop.makePromise(of: ObjectServer.Response.self)
            promise.completeWithTask { await server.respond(method: head.method, uri: head.uri) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                let (handler, context) = bound.value
                handler.write(response, keepAlive: keepAlive, omitBody: isHead, context: context)
            }
        }
    }

    private func write(_ response: ObjectServer.Response, keepAlive: Bool, omitBody: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        if !omitBody {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
