import CairnCore
import CairnProcesses
import CairnTriggers
import Foundation
public import HTTPTypes
public import Hummingbird
import Logging

/// An error answered as JSON: `{"error": {"code": "...", "message": "..."}}` with its status.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code, e.g. `session_not_found`.
    public var code: String
    /// What went wrong and what to do about it.
    public var message: String
    /// Extra response headers (e.g. `WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// 400: the request is malformed.
    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(["error": ["code": code, "message": message]], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The API error for any error thrown while answering.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ProcessError:
            return APIError(HTTPResponse.Status(code: error.status), code: error.code, error.message)
        case let error as ProcessConfigError:
            return APIError(.unprocessableContent, code: error.code == "UNSUPPORTED" ? "INVALID_CONFIG" : error.code, error.message)
        case let error as CairnError:
            switch error {
            case .invalidArgument(let message): return APIError(.badRequest, code: "invalid_argument", message)
            case .sessionNotFound: return APIError(.notFound, code: "session_not_found", error.description)
            case .blobNotFound: return APIError(.notFound, code: "object_not_found", error.description)
            case .sessionExists, .conflict: return APIError(.conflict, code: "conflict", error.description)
            case .corrupt, .storage, .unsupportedStore: return APIError(.internalServerError, code: "storage_error", error.description)
            }
        case let error as TriggerError:
            switch error {
            case .exists: return APIError(.conflict, code: "trigger_exists", error.description)
            case .notFound: return APIError(.notFound, code: "trigger_not_found", error.description)
            case .configured: return APIError(.conflict, code: "trigger_configured", error.description)
            case .invalid: return APIError(.badRequest, code: "invalid_trigger", error.description)
            }
        case let error as ComponentError:
            return APIError(.badRequest, code: "invalid_trigger", error.description)
        case let error as any HTTPResponseError:
            let code: String =
                switch error.status.code {
                case 404: "not_found"
                case 405: "method_not_allowed"
                case 413: "body_too_large"
                default: "http_\(error.status.code)"
                }
            var message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            if error.status.code == 404 { message = "no such route; see Docs/http-api.md" }
            if error.status.code == 413 { message = "the request body is larger than the server's body limit (server.body_limit)" }
            return APIError(error.status, code: code, message)
        default:
            return APIError(.internalServerError, code: "internal", "\(error)")
        }
    }
}

/// Answers every error of the routes after it as an ``APIError`` in JSON.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
