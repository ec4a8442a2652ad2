"""`cairn serve` end to end: the real server on 127.0.0.1, driven over real HTTP, with handlers
written with the real pugmark SDK (process mode and RPC mode)."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import HANDLERS, PYTHON, cairn_bin
from serve_support import Server, sse_events, wait_for


def config(handlers: Dict[str, str] = {}, server: str = "") -> str:
    text = "server:\n  poll_interval_ms: 100\n" + server
    if handlers:
        text += "handlers:\n" + "".join(f"  {agent}:\n    {spec}\n" for agent, spec in handlers.items())
    return text


def answered(server: Server, sid: str) -> bool:
    """Whether the session is paused after a handler's answer (whether or not the handler's first
    invocation, on `start`, was overtaken by the push and discarded)."""
    log = server.entries(sid)
    return log[-1]["event"] == "pause" and log[-2]["source"] == "handler" and log[-2]["event"] == "push"


def command(name: str) -> str:
    return f"command: [{PYTHON}, {HANDLERS / (name + '.py')}]"


def test_readme_flow_over_http(serve):
    server = serve(config({"echo": command("echo_counted")}))
    session = server.create(agent="echo", metadata={"team": "docs"})
    assert session["agent"] == "echo" and session["metadata"] == {"team": "docs"} and session["parent"] is None
    wait_for(lambda: server.session(session["id"])["status"] == "paused", "the handler's pause after start")

    pushed = server.push(session["id"], {"text": "hello"}, metadata={"kind": "input"}, name="question")
    assert pushed["seq"] == 2 and pushed["source"] == "api" and pushed["name"] == "question"
    wait_for(lambda: [e["event"] for e in server.entries(session["id"])][-1:] == ["pause"]
             and len(server.entries(session["id"])) == 5, "the echo and the pause")

    log = server.entries(session["id"])
    assert [e["event"] for e in log] == ["start", "pause", "push", "push", "pause"]
    echo = log[3]
    assert echo["source"] == "handler" and echo["body"] == {"echo": {"text": "hello"}}
    assert echo["metadata"] == {"answers": "2"}

    # Without all=true control entries are left out, as in `cairn log` without -A.
    visible = server.request("GET", f"/v1/sessions/{session['id']}/entries").json()
    assert [e["seq"] for e in visible["entries"]] == [2, 3] and visible["length"] == 5

    # The body by digest, and by entry with its content type.
    raw = server.request("GET", f"/v1/objects/{echo['digest']}")
    assert raw.status == 200 and json.loads(raw.body) == {"echo": {"text": "hello"}}
    typed = server.request("GET", f"/v1/sessions/{session['id']}/entries/3/body")
    assert typed.status == 200 and typed.headers["Content-Type"] == "application/json"
    assert typed.body == raw.body

    # Fork after the question: the child inherits 0...2 and is driven on its own (the handler pauses on a fork).
    child = server.request("POST", f"/v1/sessions/{session['id']}/fork", {"at": 2})
    assert child.status == 201, child
    child = child.json()
    assert child["parent"] == session["id"] and child["fork-point"] == 3
    wait_for(lambda: server.session(child["id"])["status"] == "paused", "the child's answer")
    assert [e["event"] for e in server.entries(child["id"])] == ["start", "pause", "push", "fork", "pause"]

    listed = server.request("GET", "/v1/sessions?agent=echo&limit=1").json()
    assert [s["id"] for s in listed["sessions"]] == [session["id"]] and listed["next-cursor"] == session["id"]
    rest = server.request("GET", f"/v1/sessions?agent=echo&cursor={listed['next-cursor']}").json()
    assert [s["id"] for s in rest["sessions"]] == [child["id"]] and rest["next-cursor"] is None
    assert server.request("GET", "/v1/sessions?status=pending").json()["sessions"] == []

    woken = server.request("POST", f"/v1/sessions/{session['id']}/wake")
    assert woken.status == 201 and woken.json()["event"] == "wake"
    wait_for(lambda: server.entries(session["id"])[-1]["event"] == "pause" and len(server.entries(session["id"])) == 7,
             "the pause after the wake")


def test_sse_every_entry_exactly_once_with_concurrent_writers_and_reconnect(serve, tmp_path):
    server = serve(config())
    sid = server.create()["id"]
    writers, per_writer, cli_pushes = 4, 25, 5
    total = 1 + writers * per_writer + cli_pushes
    received: List[Dict] = []

    def write(index: int):
        for n in range(per_writer):
            server.push(sid, {"writer": index, "n": n})

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    # Another process appends to the same store: the stream finds those entries by polling.
    for n in range(cli_pushes):
        subprocess.run([cairn_bin(), "push", "-b", server.store, "--session", sid],
                       input=json.dumps({"cli": n}).encode(), check=True, timeout=60, cwd=tmp_path,
                       stdout=subprocess.DEVNULL)

    # First connection: read part of the log, then drop the connection.
    for event in sse_events(server.base, f"/v1/sessions/{sid}/stream"):
        if "data" in event:
            received.append(event)
            if len(received) == 40:
                break
    # Reconnect where we left off, while the writers may still be pushing.
    last = received[-1]["id"]
    for event in sse_events(server.base, f"/v1/sessions/{sid}/stream", headers={"Last-Event-ID": last}):
        if "data" in event:
            received.append(event)
            if len(received) == total:
                break
    for thread in threads:
        thread.join(timeout=60)

    seqs = [int(e["id"]) for e in received]
    assert seqs == list(range(total)), "each entry exactly once, in order, across the reconnect"
    bodies = [json.loads(e["data"]) for e in received]
    assert all(b["session"] == sid and b["seq"] == int(e["id"]) for b, e in zip(bodies, received))
    pushed = sorted((b["body"].get("writer", -1), b["body"].get("n", b["body"].get("cli"))) for b in bodies[1:])
    assert pushed == sorted([(w, n) for w in range(writers) for n in range(per_writer)] + [(-1, n) for n in range(cli_pushes)])

    # ?from= resumes too, and the stream stays open with keep-alives until the client leaves.
    tail = []
    for event in sse_events(server.base, f"/v1/sessions/{sid}/stream?from={total - 2}"):
        if "data" in event:
            tail.append(int(event["id"]))
            if len(tail) == 2:
                break
    assert tail == [total - 2, total - 1]


def test_global_stream_delivers_new_entries_of_every_session(serve):
    server = serve(config())
    before = server.create()["id"]
    seen: List[Dict] = []
    ready = threading.Event()

    def listen():
        for event in sse_events(server.base, "/v1/stream"):
            if "comment" in event or "retry" in event:
                ready.set()
            if "data" in event:
                seen.append(json.loads(event["data"]))
                if len(seen) == 3:
                    return

    listener = threading.Thread(target=listen)
    listener.start()
    wait_for(ready.is_set, "the stream to open")
    server.push(before, {"n": 1})
    after = server.create()["id"]
    server.push(after, {"n": 2})
    listener.join(timeout=30)
    assert [(e["session"], e["event"]) for e in seen] == [(before, "push"), (after, "start"), (after, "push")]


def test_sessions_without_a_handler_stay_pending(serve):
    server = serve(config({"echo": command("echo_counted")}))
    other = server.create(agent="other")["id"]
    echo = server.create(agent="echo")["id"]
    server.push(other, {"text": "anyone?"}, metadata={"kind": "input"})
    server.push(echo, {"text": "hi"}, metadata={"kind": "input"})
    wait_for(lambda: answered(server, echo), "the echo session's answer")
    # The driver has scanned every session several times by now (poll interval 100 ms).
    assert server.session(other)["status"] == "pending"
    assert [e["event"] for e in server.entries(other)] == ["start", "push"]


def test_bearer_token_is_required_and_checked(serve):
    server = serve(config(server="  token_env: CAIRN_TEST_TOKEN\n"), env={"CAIRN_TEST_TOKEN": "s3cret-token"}, token="s3cret-token")
    assert server.request("GET", "/v1/health", token=None).status == 200
    assert server.request("GET", "/v1/ready", token=None).status == 200
    missing = server.request("GET", "/v1/sessions", token=None)
    assert missing.status == 401 and missing.json()["error"]["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = server.request("GET", "/v1/sessions", token="s3cret-tokem")
    assert wrong.status == 401
    assert server.request("GET", "/metrics", token=None).status == 401
    assert server.request("POST", "/v1/sessions", {}, token=None).status == 401
    assert server.request("GET", "/v1/sessions").status == 200
    assert server.create()["id"]
    with pytest.raises(AssertionError, match="401"):
        next(sse_events(server.base, "/v1/stream"))


def test_refuses_to_listen_beyond_loopback_without_a_token(tmp_path):
    (tmp_path / "cairn.yaml").write_text("server:\n  host: 0.0.0.0\n  port: 0\n")
    result = subprocess.run([cairn_bin(), "serve", "--config", str(tmp_path / "cairn.yaml"), "-b", f"file://{tmp_path}/store"],
                            cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert b"refusing to listen on 0.0.0.0 without a bearer token" in result.stderr
    result = subprocess.run([cairn_bin(), "serve", "-b", f"file://{tmp_path}/store", "--host", "0.0.0.0", "--port", "0"],
                            cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode != 0 and b"refusing" in result.stderr


def test_bad_requests_get_json_errors(serve):
    server = serve(config({"done": command("finisher")}, server="  body_limit: 1024\n"))
    sid = server.create()["id"]

    def error(reply, status: int, code: str):
        assert reply.status == status, reply
        assert reply.headers["Content-Type"] == "application/json"
        assert reply.json()["error"]["code"] == code, reply
        assert reply.json()["error"]["message"]

    error(server.request("POST", f"/v1/sessions/{sid}/entries", b"x" * 2000, headers={"Content-Type": "text/plain"}), 413, "body_too_large")
    error(server.request("POST", "/v1/sessions", "{not json", headers={"Content-Type": "application/json"}), 400, "malformed_json")
    error(server.request("POST", "/v1/sessions", "[1]", headers={"Content-Type": "application/json"}), 400, "malformed_json")
    error(server.request("POST", "/v1/sessions", {"agent": 3}), 400, "bad_request")
    error(server.request("POST", "/v1/sessions", {"colour": "red"}), 400, "bad_request")
    error(server.request("POST", "/v1/sessions", "agent=x", headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    error(server.request("POST", f"/v1/sessions/{sid}/entries", b"{}", headers={"X-Cairn-Metadata": "{oops"}), 400, "malformed_json")
    error(server.request("POST", f"/v1/sessions/{sid}/entries", b"{}", headers={"X-Cairn-Metadata": '{"n": 1}'}), 400, "invalid_argument")
    error(server.request("GET", f"/v1/sessions/{sid}/entries?from=-1"), 400, "bad_request")
    error(server.request("GET", f"/v1/sessions/{sid}/entries?limit=abc"), 400, "bad_request")
    error(server.request("GET", f"/v1/sessions/{sid}/stream", headers={"Last-Event-ID": "x"}), 400, "bad_request")
    error(server.request("POST", f"/v1/sessions/{sid}/fork", {"at": 5}), 400, "bad_request")
    error(server.request("GET", "/v1/sessions/../../etc"), 404, "not_found")
    error(server.request("GET", "/v1/sessions/not-an-id"), 400, "invalid_session_id")
    error(server.request("GET", "/v1/sessions/01JD3Q8Z6N4W5X7Y8Z9A0B1C2D"), 404, "session_not_found")
    error(server.request("GET", "/v1/objects/" + "0" * 64), 404, "object_not_found")
    error(server.request("GET", "/v1/objects/..%2F..%2Fetc%2Fpasswd"), 400, "invalid_digest")
    error(server.request("GET", f"/v1/sessions/{sid}/entries/99/body"), 404, "entry_not_found")
    error(server.request("DELETE", "/v1/sessions"), 404, "not_found")
    error(server.request("GET", "/v2/anything"), 404, "not_found")

    # A finished session refuses pushes and wakes with 409.
    done = server.create(agent="done")["id"]
    server.push(done, {"kind": "stop"})
    wait_for(lambda: server.session(done)["status"] == "finished", "the session to finish")
    error(server.request("POST", f"/v1/sessions/{done}/entries", b"{}", headers={"Content-Type": "application/json"}), 409, "session_finished")
    error(server.request("POST", f"/v1/sessions/{done}/wake"), 409, "session_finished")


@pytest.mark.parametrize("grace", ["10", "0.2"], ids=["in-flight-finishes", "in-flight-abandoned"])
def test_graceful_shutdown_mid_work_then_restart_continues(serve, tmp_path, grace):
    count_file, started_file = tmp_path / "count.txt", tmp_path / "started"
    text = config({"echo": command("echo_counted")}, server=f"  concurrency: 2\n  shutdown_grace_seconds: {grace}\n")
    env = {"COUNT_FILE": str(count_file)}
    server = serve(text, env=env)
    sessions = [server.create(agent="echo")["id"] for _ in range(4)]
    wait_for(lambda: all(server.session(s)["status"] == "paused" for s in sessions), "the first pauses")

    # Restart with slow answers; push one input to each session (each acknowledged with 201).
    assert server.stop() == 0
    server = serve(text, env={**env, "SLOW_SECONDS": "1.5", "STARTED_FILE": str(started_file)})
    acknowledged = {s: server.push(s, {"text": s}, metadata={"kind": "input"})["seq"] for s in sessions}
    wait_for(started_file.exists, "an invocation to be in flight")
    assert server.stop(signal.SIGTERM) == 0, server.stderr()

    server = serve(text, env=env)
    for s in sessions:
        wait_for(lambda: server.session(s)["status"] == "paused" and len(server.entries(s)) == 5, f"session {s} answered")
    for s in sessions:
        log = server.entries(s)
        assert [e["event"] for e in log] == ["start", "pause", "push", "push", "pause"], log
        assert log[acknowledged[s]]["body"] == {"text": s} and log[acknowledged[s]]["source"] == "api"
        answers = [e for e in log if e["source"] == "handler" and e["event"] == "push"]
        assert [a["body"] for a in answers] == [{"echo": {"text": s}}], "each output exactly once"


def test_rpc_mode_handler_with_the_real_pugmark_http_server(serve):
    server = serve(config({"rpc": f"rpc: [{PYTHON}, {HANDLERS / 'rpc_echo.py'}]"}))
    sid = server.create(agent="rpc", metadata={"team": "ops"})["id"]
    wait_for(lambda: server.session(sid)["status"] == "paused", "the RPC handler's first pause")
    server.push(sid, {"kind": "input", "text": "over rpc"})
    wait_for(lambda: server.entries(sid)[-1]["event"] == "pause" and len(server.entries(sid)) == 5, "the RPC answer")
    first = server.entries(sid)[3]["body"]
    assert first["echo"] == "OVER RPC" and first["agent"] == "rpc" and first["session"] == sid
    assert first["snapshot"] == 3 and first["entries"] == 3 and first["metadata"] == {"team": "ops"}
    assert first["rpc_url"] == "fd://3"

    # The same process answers the next invocation.
    server.push(sid, {"kind": "input", "text": "again"})
    wait_for(lambda: len(server.entries(sid)) == 8, "the second RPC answer")
    assert server.entries(sid)[6]["body"]["pid"] == first["pid"]

    # A process that dies mid-request fails that invocation and is started again for the next one.
    server.push(sid, {"kind": "die"})
    wait_for(lambda: server.session(sid)["status"] == "failed", "the failed invocation")
    assert "RPC handler" in server.entries(sid)[-1]["body"]["message"]
    server.push(sid, {"kind": "input", "text": "reborn"})
    wait_for(lambda: server.entries(sid)[-1]["event"] == "pause" and server.entries(sid)[-2]["name"] == "echo", "the restarted answer")
    reborn = server.entries(sid)[-2]["body"]
    assert reborn["echo"] == "REBORN" and reborn["pid"] != first["pid"]


def test_metrics_in_prometheus_text_format(serve):
    server = serve(config({"echo": command("echo_counted")}))
    sid = server.create(agent="echo")["id"]
    server.push(sid, {"text": "m"}, metadata={"kind": "input"})
    wait_for(lambda: answered(server, sid), "the answer")
    reply = server.request("GET", "/metrics")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
    values = {}
    for line in reply.body.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    assert values["cairn_invocations_total"] >= 2
    assert values["cairn_appended_entries_total"] >= 4
    assert values["cairn_invocation_duration_seconds_count"] >= 2
    assert "cairn_driver_queue_depth" in values and "cairn_append_duration_seconds_count" in values
