import CairnTestSupport
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small HTTP server on 127.0.0.1 (Python's http.server) for the HTTP tool and the crash test:
/// `/ok`, `/a`, `/redirect-in` (to `/ok`), `/redirect-out` (to `localhost`, another host),
/// `/slow` (the first request hangs for 5 minutes), and `/count/NAME` (how often NAME was hit).
enum TestHTTPServer {
    static let script = """
        import sys, time, collections, threading
        from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
        port = int(sys.argv[1])
        hits = collections.Counter()
        lock = threading.Lock()
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass
            def send(self, status, body, headers=()):
                data = body.encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_GET(self):
                path = self.path
                if path.startswith("/count/"):
                    with lock:
                        return self.send(200, str(hits["/" + path[len("/count/"):]]))
                with lock:
                    hits[path] += 1
                    count = hits[path]
                if path == "/ok":
                    self.send(200, "hello from the test server; auth=" + self.headers.get("Authorization", "-"))
                elif path == "/a":
                    self.send(200, "A")
                elif path == "/redirect-in":
                    self.send(302, "", [("Location", "/ok")])
                elif path == "/redirect-out":
                    self.send(302, "", [("Location", "http://localhost:%d/ok" % port)])
                elif path == "/slow":
                    if count == 1:
                        time.sleep(300)
                    self.send(200, "slow done")
                else:
                    self.send(404, "no such page")
        ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """

    /// The server, started on first use.
    static let shared: Result<LocalServer, any Error> = Result {
        let port = LocalServer.freePort()
        return try LocalServer(command: ["python3", "-c", script, String(port)], port: port)
    }

    /// How often `path` was requested.
    static func hits(_ path: String, server: LocalServer) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: try url(server.url + "/count" + path))
        return Int(String(decoding: data, as: UTF8.self)) ?? -1
    }

    static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text) else { throw LocalServerError(message: "bad URL \(text)") }
        return url
    }
}
