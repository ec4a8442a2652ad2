public import CairnCore
public import HTTPTypes
public import Hummingbird

/// The router of the HTTP API, recording every route it registers so tests can check them against
/// Docs/openapi.yaml. Paths use OpenAPI's template syntax (`/v1/sessions/{id}`), which Hummingbird
/// also understands.
public final class RouteTable {
    /// One registered route.
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        /// The method, upper case: `GET`, `POST`, ...
        public var method: String
        /// The path template, e.g. `/v1/sessions/{id}`.
        public var path: String

        public var description: String { "\(method) \(path)" }
    }

    /// The Hummingbird router the routes are added to.
    public let router: Router<CairnRequestContext>
    /// Every route added so far, in order.
    public private(set) var routes: [Route] = []

    init(router: Router<CairnRequestContext>) {
        self.router = router
    }

    /// Adds a route answered by `handler`.
    public func add(
        _ method: HTTPRequest.Method, _ path: String,
        handler: @escaping @Sendable (Request, CairnRequestContext) async throws -> Response
    ) {
        routes.append(Route(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
    }
}

/// Adds routes to the server from outside the `CairnServer` target, e.g. a frontend for agent
/// runs. Extensions are installed after the built-in routes, behind the same authentication and
/// JSON error handling, and their routes must appear in Docs/openapi.yaml like the others.
public protocol ServerExtension: Sendable {
    /// Registers the extension's routes; `services` gives the store, session operations and the driver.
    func addRoutes(to routes: RouteTable, services: APIServices) throws
    /// Called after each turn the driver gives `session`, once its outputs are committed.
    func turnEnded(_ session: SessionID)
}

extension ServerExtension {
    public func turnEnded(_ session: SessionID) {}
}
