import CairnCore
import CairnTriggers
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Answers POST requests to the paths of webhook triggers before authentication (senders prove
/// themselves with signatures, not the server's token) and before routing.
struct IngressMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext
    /// Finds the trigger endpoint of a path.
    let lookup: @Sendable (String) -> TriggerIngress?
    /// Called with each recorded fire's session (the driver's notify).
    let recorded: @Sendable (SessionID) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let ingress = lookup(request.uri.path) else { return try await next(request, context) }
        guard request.method == .post else {
            return Self.response(IngressResponse(status: 405, headers: [("Allow", "POST")], body: .object(["error": .string("send POST")])))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ingress.bodyLimit)
        } catch is NIOTooManyBytesError {
            return Self.response(
                IngressResponse(status: 413, body: .object(["error": .string("the body is larger than \(ingress.bodyLimit) bytes")])))
        }
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        let answer = await ingress.receive(
            IngressRequest(headers: headers, body: Data(body.readableBytesView), remoteAddress: context.remoteAddress?.ipAddress))
        if case .string(let text)? = answer.body["session"], let session = try? SessionID(text) { recorded(session) }
        return Self.response(answer)
    }

    static func response(_ answer: IngressResponse) -> Response {
        var response = JSONResponse.make(TriggerJSON.jsonObject(answer.body), status: HTTPResponse.Status(code: answer.status))
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }
}
