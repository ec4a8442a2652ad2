import CairnCore
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer TOKEN` on every request except the open paths (health checks).
/// Tokens are compared in constant time (their SHA-256 digests, byte by byte, without an early exit).
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The SHA-256 of the expected token, or nil to let every request through.
    let expected: [UInt8]?
    /// Paths answered without a token.
    let openPaths: Set<String>

    init(token: String?, openPaths: Set<String>) {
        expected = token.map { Self.digest($0) }
        self.openPaths = openPaths
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected, !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix),
            Self.equal(Self.digest(String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)), expected)
        else {
            var error = APIError(
                .unauthorized, code: request.uri.path.hasPrefix("/api/") ? "UNAUTHORIZED" : "unauthorized",
                header.isEmpty ? "this server requires 'Authorization: Bearer TOKEN'" : "the bearer token is not valid")
            error.headers = [.wwwAuthenticate: "Bearer realm=\"cairn\""]
            throw error
        }
        return try await next(request, context)
    }

    static func digest(_ text: String) -> [UInt8] {
        Array(Digest(of: Data(text.utf8)).hex.utf8)
    }

    /// Compares two equally long byte arrays without stopping at the first difference.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
