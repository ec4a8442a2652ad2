import CairnCore
import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Health, readiness and metrics.
enum SystemRoutes {
    /// Paths answered without a bearer token.
    static let openPaths: Set<String> = ["/v1/health", "/v1/ready"]

    static func register(_ routes: RouteTable, _ api: APIServices) {
        routes.add(.get, "/v1/health") { _, _ in
            JSONResponse.make(["status": "ok"])
        }

        routes.add(.get, "/v1/ready") { _, _ in
            do {
                _ = try await api.store.listSessions()
                return JSONResponse.make(["status": "ready"])
            } catch {
                throw APIError(.serviceUnavailable, code: "store_unavailable", "the store cannot be read: \(error)")
            }
        }

        routes.add(.get, "/metrics") { _, _ in
            api.metrics.queueDepth.record(api.driver.queue.depth)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: api.metrics.exposition())))
        }
    }
}
