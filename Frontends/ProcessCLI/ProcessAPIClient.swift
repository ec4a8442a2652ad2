import AsyncHTTPClient
import CairnCore
import Foundation
import NIOCore
import NIOHTTP1

/// Why a `cairn process` command failed: the server's refusal (its code and message) or a
/// server that could not be reached.
public enum ProcessCLIError: Error, CustomStringConvertible, Sendable {
    /// The orchestration API refused the request.
    case refused(status: Int, code: String, message: String)
    /// Nothing answered at the server's address.
    case unreachable(server: String, reason: String)
    /// An answer that is not the API's JSON.
    case badAnswer(String)

    public var description: String {
        switch self {
        case .refused(let status, let code, let message):
            if code == "UNAUTHORIZED" { return "\(message) (\(status) \(code)): pass the server's token with --token or CAIRN_TOKEN" }
            return "\(message) (\(status) \(code))"
        case .unreachable(let server, let reason):
            return "cannot reach cairn serve at \(server) (\(reason)): start it with 'cairn serve', or point at it with --server URL or CAIRN_SERVER"
        case .badAnswer(let text): return "the server's answer is not the orchestration API's JSON: \(text.prefix(200))"
        }
    }
}

/// A small client of the orchestration API (`/api/v1`) of a running `cairn serve`.
struct ProcessAPIClient {
    /// The server's base URL, without a trailing `/`.
    let server: String
    /// The bearer token, if the server wants one.
    let token: String?

    /// Sends a request and decodes the JSON answer (a 204 gives an empty object).
    /// - Throws: ``ProcessCLIError``.
    func call(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, timeout: Double = 30) async throws -> JSONValue {
        var request = HTTPClientRequest(url: server + "/api/v1" + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.text))
        }
        let status: Int
        let text: String
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            status = Int(response.status.code)
            text = String(buffer: try await response.body.collect(upTo: 64 << 20))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw ProcessCLIError.unreachable(server: server, reason: "no answer within \(Int(timeout)) s")
        } catch {
            throw ProcessCLIError.unreachable(server: server, reason: "\(error)")
        }
        if status == 204 || text.isEmpty { return .object([:]) }
        guard let json = try? JSONValue(parsing: text) else { throw ProcessCLIError.badAnswer(text) }
        guard (200..<300).contains(status) else {
            throw ProcessCLIError.refused(
                status: status, code: json["error"]?["code"]?.stringValue ?? "HTTP_\(status)", message: json["error"]?["message"]?.stringValue ?? text)
        }
        return json
    }

    /// `/processes/NAME` with the name escaped for a path.
    static func path(_ name: String, _ rest: String = "") -> String {
        "/processes/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name) + rest
    }
}
