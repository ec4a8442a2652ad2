import CairnCore
import CairnS3Store
import CairnTestSupport
import Foundation
import Testing

@Suite("S3 client retries against a flaky local server")
struct S3ClientRetryTests {
    /// Answers 503 SlowDown to the first two requests for each path (every request for paths
    /// containing "always"), then 200. For paths containing "landed" it plays a conditional PUT
    /// whose first attempt is stored but answered 500: the retry gets 412, and HEAD shows the
    /// first attempt's write token. Paths containing "taken" answer 412 at once.
    static let flakyServer = """
        import http.server, sys, threading
        counts = {}
        tokens = {}
        lock = threading.Lock()
        TOKEN = "x-amz-meta-cairn-write-token"
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with lock:
                    key = self.command + " " + self.path
                    counts[key] = counts.get(key, 0) + 1
                    n = counts[key]
                    if self.command == "PUT" and n == 1:
                        tokens[self.path] = self.headers.get(TOKEN, "")
                headers = {}
                if "landed" in self.path and self.command == "PUT":
                    status, body = (500, b"<Error><Code>InternalError</Code><Message>oops</Message></Error>") if n == 1 else (412, b"")
                elif "landed" in self.path and self.command == "HEAD":
                    status, body, headers = 200, b"", {"ETag": '"landed"', TOKEN: tokens.get(self.path, "")}
                elif "taken" in self.path:
                    status, body = 412, b"<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>"
                elif "always" in self.path or n <= 2:
                    status, body = 503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
                else:
                    status, body, headers = 200, b"", {"ETag": '"etag-%d"' % n}
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            do_GET = do_PUT = do_HEAD = do_DELETE = answer
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """

    @Test func serverErrorsAreRetriedWithBackoffThenSucceedOrNameTheFailure() async throws {
        let port = LocalServer.freePort()
        let server = try LocalServer(command: ["python3", "-c", Self.flakyServer, "\(port)"], port: port)
        defer { server.stop() }
        let configuration = S3ClientConfiguration(
            bucket: "flaky", region: "us-east-1", endpoint: URL(string: server.url), credentials: S3Fixture.credentials,
            maxAttempts: 3, baseBackoff: .milliseconds(10), requestTimeout: .seconds(10))
        let client = S3Client(configuration: configuration)
        let result = try await client.putObject("some/key", body: Data("x".utf8), contentType: "text/plain")
        #expect(result == .written(etag: "\"etag-3\""))
        #expect(client.requestCounters.attempts == 3)
        #expect(client.requestCounters["PUT"] == 1)

        do {
            _ = try await client.putObject("always/failing", body: Data("x".utf8), contentType: "text/plain")
            Issue.record("a request that always gets 503 succeeded")
        } catch CairnError.storage(let message) {
            #expect(message.contains("PUT") && message.contains("s3://flaky/always/failing") && message.contains("503"), "\(message)")
            #expect(message.contains("SlowDown") && message.contains("Please reduce your request rate"), "\(message)")
        }
        #expect(client.requestCounters.attempts == 6)
    }

    @Test func aConditionalPutWhoseLostAnswerLandedIsRecognizedByItsWriteToken() async throws {
        let port = LocalServer.freePort()
        let server = try LocalServer(command: ["python3", "-c", Self.flakyServer, "\(port)"], port: port)
        defer { server.stop() }
        let configuration = S3ClientConfiguration(
            bucket: "flaky", region: "us-east-1", endpoint: URL(string: server.url), credentials: S3Fixture.credentials,
            maxAttempts: 3, baseBackoff: .milliseconds(10), requestTimeout: .seconds(10))
        let client = S3Client(configuration: configuration)
        // 500 (stored), then 412 on the retry: HEAD finds this request's own token, so it was written.
        let landed = try await client.putObject("landed/key", body: Data("x".utf8), contentType: "text/plain", condition: .ifNoneMatch)
        #expect(landed == .written(etag: "\"landed\""))
        #expect(client.requestCounters["HEAD"] == 1)
        // A plain 412 is a refusal: no retry, no HEAD.
        let attempts = client.requestCounters.attempts
        let taken = try await client.putObject("taken/key", body: Data("x".utf8), contentType: "text/plain", condition: .ifNoneMatch)
        #expect(taken == .preconditionFailed)
        #expect(client.requestCounters.attempts == attempts + 1 && client.requestCounters["HEAD"] == 1)
    }

    @Test func connectionErrorsAreRetriedAndThenNamed() async throws {
        let port = LocalServer.freePort()  // nothing listens there
        let configuration = S3ClientConfiguration(
            bucket: "gone", region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:\(port)"), credentials: S3Fixture.credentials,
            maxAttempts: 2, baseBackoff: .milliseconds(10), requestTimeout: .seconds(1))
        let client = S3Client(configuration: configuration)
        do {
            _ = try await client.headObject("k")
            Issue.record("a request to a closed port succeeded")
        } catch CairnError.storage(let message) {
            #expect(message.contains("HEAD") && message.contains("s3://gone/k") && message.contains("2 attempts"), "\(message)")
        }
        #expect(client.requestCounters.attempts == 2)
    }
}
