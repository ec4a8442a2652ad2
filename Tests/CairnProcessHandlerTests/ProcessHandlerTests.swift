import CairnCore
import CairnFileStore
import CairnProcessHandler
import Foundation
import Testing

@Suite("Process handler")
struct ProcessHandlerTests {
    let store = MemoryStore()
    var sessions: Sessions { Sessions(store: store) }

    func handler(_ script: String, timeout: Duration = .seconds(30), server: ObjectServer) throws -> ProcessHandler {
        try ProcessHandler(command: ["/bin/sh", "-c", script], server: server, timeout: timeout)
    }

    func lastError(_ id: SessionID) async throws -> ErrorReport? {
        let entries = try await SessionLog(store: store).entries(of: id)
        guard let last = entries.last, last.event == .error else { return nil }
        return ErrorReport.decode(try await sessions.body(of: last))
    }

    @Test func outputsBecomeEntriesAndTheEnvironmentIsSet() async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await sessions.create(agent: "echoer", metadata: ["team": "a"], source: "test")
        let script = #"""
            cat > /dev/null
            if [ "$CAIRN_SNAPSHOT" = 1 ]; then
              data=$(printf '%s|%s|%s' "$PUGMARK_SESSION_ID" "$PUGMARK_AGENT_ID" "$PUGMARK_SESSION_METADATA" | base64 -w0)
              printf '{"data":"%s","name":"env","content-type":"text/plain","metadata":{"k":"v"}}\n' "$data"
            else
              printf '{"data":"","content-type":"application/vnd.pugmark.pause+text"}\n'
            fi
            """#
        let runtime = Runtime(store: store, handler: try handler(script, server: server))
        let report = try await runtime.drive(session.id)
        #expect(report.status == .paused(reason: ""))
        let entries = try await SessionLog(store: store).entries(of: session.id)
        #expect(entries.map(\.event) == [.start, .push, .pause])
        #expect(entries[1].header == ObjectHeader(contentType: "text/plain", name: "env", metadata: ["k": "v"]))
        let text = String(decoding: try await sessions.body(of: entries[1]), as: UTF8.self)
        #expect(text == "\(session.id)|echoer|{\"team\":\"a\"}")
    }

    @Test func aNonZeroExitRecordsTheStatusAndStderrTailOnly() async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await sessions.create(source: "test")
        let script = #"cat >/dev/null; printf '{"data":"aGk="}\n'; echo "something broke" >&2; exit 3"#
        let report = try await Runtime(store: store, handler: try handler(script, server: server)).drive(session.id)
        #expect(report.invocations == 1)
        let error = try #require(try await lastError(session.id))
        #expect(error.kind == "exit" && error.exitStatus == 3)
        #expect(error.stderrTail?.contains("something broke") == true)
        #expect(try await SessionLog(store: store).entries(of: session.id).map(\.event) == [.start, .error])
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        (#"{"name":"x"}"#, "neither 'data' nor 'uri'"),
        (#"{"data":"%%%"}"#, "'data' must be base64"),
        (#"{"data":"","metadata":{"n":1}}"#, "metadata 'n' must be a string"),
        (#"{"data":"","session":"nope"}"#, "'session' is not a session id"),
        (#"{"data":"","uri":"file:///x"}"#, "both 'data' and 'uri'"),
    ])
    func invalidOutputLinesFailTheInvocation(_ line: String, _ expected: String) async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await sessions.create(source: "test")
        let script = "cat >/dev/null; printf '%s\\n' '{\"data\":\"b2s=\"}' '\(line)'"
        _ = try await Runtime(store: store, handler: try handler(script, server: server)).drive(session.id)
        let error = try #require(try await lastError(session.id))
        #expect(error.kind == "invalid-output")
        #expect(error.message.contains("line 2") && error.message.contains(expected), "\(error.message)")
        #expect(try await SessionLog(store: store).entries(of: session.id).count == 2)
    }

    @Test func aHungHandlerIsKilledAfterItsTimeout() async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await sessions.create(source: "test")
        let runtime = Runtime(store: store, handler: try handler("exec sleep 30", timeout: .milliseconds(300), server: server))
        let started = ContinuousClock.now
        _ = try await runtime.drive(session.id)
        #expect(ContinuousClock.now - started < .seconds(20))
        let error = try #require(try await lastError(session.id))
        #expect(error.kind == "timeout")
    }

    @Test func bodiesAreServedInTheirStoredEncodingOnlyDuringTheInvocation() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-ph-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fileStore = try FileStore(root: folder)
        let fileSessions = Sessions(store: fileStore)
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await fileSessions.create(source: "test")
        let big = Data(String(repeating: "compress me ", count: 10_000).utf8)
        try await fileSessions.push(big, header: ObjectHeader(contentType: "text/plain"), to: session.id, source: "test")
        // The handler fetches the body with curl-free POSIX tools: python3 is on every test machine.
        let script = #"""
            python3 -c '
            import sys, json, urllib.request, base64
            lines = [json.loads(l) for l in sys.stdin if l.strip()]
            last = lines[-1]
            if last["event"] != "push" or last["name"] == "info":
                print(json.dumps({"data": "", "content-type": "application/vnd.pugmark.pause+text"})); sys.exit(0)
            raw = urllib.request.urlopen(last["url"]).read()
            info = {"encoding": last["content-encoding"], "served": len(raw), "size": last["size"], "url": last["url"]}
            print(json.dumps({"data": base64.b64encode(json.dumps(info).encode()).decode(), "content-type": "application/json", "name": "info"}))
            '
            """#
        _ = try await Runtime(store: fileStore, handler: try handler(script, server: server)).drive(session.id)
        let entries = try await SessionLog(store: fileStore).entries(of: session.id)
        let info = try #require(entries.first { $0.header.name == "info" })
        let decoded = try JSONSerialization.jsonObject(with: try await fileSessions.body(of: info)) as? [String: Any]
        #expect(decoded?["encoding"] as? String == "zstd")
        #expect(decoded?["size"] as? Int == big.count)
        #expect((decoded?["served"] as? Int ?? .max) < big.count / 10)
        // After the invocation the token is revoked.
        let urlText = try #require(decoded?["url"] as? String)
        let url = try #require(URL(string: urlText))
        let revoked = try await fetchStatus(url)
        #expect(revoked == 404)
    }

    @Test func aTimeoutAlsoKillsGrandchildrenThatHoldThePipes() async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await sessions.create(source: "test")
        let runtime = Runtime(store: store, handler: try handler("cat >/dev/null; sleep 300 & wait", timeout: .milliseconds(300), server: server))
        let started = ContinuousClock.now
        _ = try await runtime.drive(session.id)
        // Far below the 300 s the child sleeps (a loaded machine can take seconds to reap it).
        #expect(ContinuousClock.now - started < .seconds(120))
        #expect(try await lastError(session.id)?.kind == "timeout")
    }

    @Test func backgroundProcessesLeftByAHandlerDoNotHoldUpTheInvocation() async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        let session = try await sessions.create(source: "test")
        let script = #"cat >/dev/null; (sleep 300 &); printf '{"data":"","content-type":"application/vnd.pugmark.pause+text"}\n'"#
        let started = ContinuousClock.now
        let report = try await Runtime(store: store, handler: try handler(script, server: server)).drive(session.id)
        // Far below the 300 s the background process sleeps: the invocation did not wait for it.
        #expect(ContinuousClock.now - started < .seconds(120))
        #expect(report.status == .paused(reason: ""))
    }

    @Test func nullKeysCountAsAbsentAndForkMustBeABoolean() throws {
        let outputs = try WireFormat.parseOutputs(Data(#"{"data":"aGk=","uri":null,"name":null,"metadata":null,"fork":false}"#.utf8))
        #expect(outputs == [HandlerOutput(header: ObjectHeader(), body: .data(Data("hi".utf8)))])
        #expect(throws: WireFormat.InvalidOutput.self) { try WireFormat.parseOutputs(Data(#"{"data":"","fork":1}"#.utf8)) }
    }

    @Test func aMissingCommandIsAClearError() async throws {
        let server = try await ObjectServer.start()
        defer { Task { await server.shutdown() } }
        #expect(throws: CairnError.self) { try ProcessHandler(command: ["no-such-handler-binary"], server: server) }
        #expect(throws: CairnError.self) { try ProcessHandler(command: [], server: server) }
    }
}

/// The HTTP status of a GET, using only POSIX sockets-free tooling: python3's urllib.
func fetchStatus(_ url: URL) async throws -> Int {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", "-c",
        """
        import urllib.request, urllib.error, sys
        try:
            print(urllib.request.urlopen(sys.argv[1]).status)
        except urllib.error.HTTPError as e:
            print(e.code)
        """, url.absoluteString,
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    return Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}
