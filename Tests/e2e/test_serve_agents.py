"""Agent runs over HTTP: `cairn serve` with `agent_file:` handlers, runs streamed as Server-Sent
Events, conversations, a governance pause resumed over HTTP, cancelling a run whose model hangs,
and a server killed mid-run that continues it after a restart without repeating model calls."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import threading
from pathlib import Path
from typing import Dict, List


from conftest import PYTHON, REPO
from serve_support import Server, sse_events, wait_for

EXAMPLE = REPO / "Examples" / "agents"


def setup_agents(tmp_path: Path, budget_turns: int = 6) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "agents")
    path = tmp_path / "agents" / "assistant.yaml"
    path.write_text(path.read_text().replace("per_run: {turns: 6,", f"per_run: {{turns: {budget_turns},"))


def config(extra_handlers: str = "") -> str:
    return ("server:\n  poll_interval_ms: 100\n  keepalive_seconds: 1\nhandlers:\n"
            "  assistant:\n    agent_file: agents/assistant.yaml\n" + extra_handlers)


def run_events(server: Server, path: str, body: Dict, status: int = 200) -> List[Dict]:
    events = []
    for event in sse_events(server.base, path, method="POST", body=body, status=status):
        if "comment" in event:
            continue
        events.append({"event": event["event"], **json.loads(event["data"])})
        if event["event"] == "done":
            break
    return events


def test_a_run_streams_its_events_and_a_conversation_continues(serve, tmp_path):
    setup_agents(tmp_path)
    server = serve(config())
    events = run_events(server, "/v1/agents/assistant/runs", {"input": "What changed in 0.3?", "metadata": {"team": "docs"}}, 201)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "session" and kinds[-1] == "done"
    assert {"text", "tool_call", "tool_result", "usage", "reply"} <= set(kinds)
    session = events[0]["session"]
    assert events[-1]["status"] == "replied" and events[-1]["session"] == session
    assert "".join(e["text"] for e in events if e["event"] == "text").endswith("(release-notes.md).")
    assert [e["name"] for e in events if e["event"] == "tool_call"] == ["list_files", "read_file"]
    assert all(e["cost"] > 0 for e in events if e["event"] == "usage")
    info = server.session(session)
    assert info["agent"] == "assistant" and info["metadata"] == {"team": "docs"} and info["status"] == "paused"

    second = run_events(server, f"/v1/sessions/{session}/messages", {"message": "And before that?"})
    assert [e["text"] for e in second if e["event"] == "reply"] == [
        "Before that, 0.2 added the SQLite and S3 stores and work pools (release-notes.md)."]
    steps = [e["name"] for e in server.entries(session) if e["event"] == "step"]
    assert sum(1 for s in steps if s.startswith("model turn")) == 4

    # Errors: unknown agent, a session of another agent, malformed bodies.
    assert server.request("POST", "/v1/agents/nobody/runs", {"input": "x"}).status == 404
    plain = server.create(agent="echo")["id"]
    reply = server.request("POST", f"/v1/sessions/{plain}/messages", {"message": "x"})
    assert reply.status == 404 and reply.json()["error"]["code"] == "unknown_agent"
    assert server.request("POST", "/v1/agents/assistant/runs", {"prompt": "x"}).status == 400
    assert server.request("POST", f"/v1/sessions/{session}/cancel").status == 409
    # A resume is refused unless governance paused the run (it would approve a later pause).
    refused = server.request("POST", f"/v1/sessions/{session}/resume", {"note": "early"})
    assert refused.status == 409 and refused.json()["error"]["code"] == "not_paused"
    # A Last-Event-ID at the top of the range is a bad request, not a crash.
    overflow = server.request("GET", f"/v1/sessions/{session}/stream", headers={"Last-Event-ID": "9223372036854775807"})
    assert overflow.status == 400
    assert server.request("GET", "/v1/health").status == 200


def test_a_governance_pause_is_streamed_and_resumed_over_http(serve, tmp_path):
    setup_agents(tmp_path, budget_turns=2)
    server = serve(config())
    events = run_events(server, "/v1/agents/assistant/runs", {"input": "What changed?"}, 201)
    decisions = [e for e in events if e["event"] == "governance"]
    assert [d["action"] for d in decisions] == ["warn", "pause"]
    assert decisions[-1]["before"] == "model turn 3" and "over the limit of 2" in decisions[-1]["reason"]
    assert events[-1]["status"] == "paused" and "'resume'" in events[-1]["reason"]
    session = events[0]["session"]
    resumed = run_events(server, f"/v1/sessions/{session}/resume", {"note": "approved by grace"})
    assert resumed[-1]["status"] == "replied"
    assert any(e["event"] == "reply" and e["text"].startswith("Version 0.3") for e in resumed)


class HangingModel:
    """An OpenAI-compatible endpoint on 127.0.0.1 that never answers: each request is counted,
    then held until the test ends."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.requests = 0
        self.connections: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            self.requests += 1

    def close(self):
        for connection in self.connections:
            connection.close()
        self.listener.close()


def test_cancelling_a_run_stops_it_and_the_session_pauses(serve, tmp_path):
    model = HangingModel()
    try:
        (tmp_path / "slow.yaml").write_text(
            f'name: slow\nmodel: {{provider: openai, name: m, base_url: "http://127.0.0.1:{model.port}/v1", max_attempts: 1}}\n')
        server = serve(config("  slow:\n    agent_file: slow.yaml\n") if (tmp_path / "agents").exists()
                       else "server:\n  poll_interval_ms: 100\nhandlers:\n  slow:\n    agent_file: slow.yaml\n")
        started = server.request("POST", "/v1/agents/slow/runs?stream=false", {"input": "hello"})
        assert started.status == 202
        session = started.json()["session"]
        wait_for(lambda: model.requests == 1, "the model request")
        follower: List[Dict] = []
        subscribed = threading.Event()

        def follow():
            for event in sse_events(server.base, f"/v1/sessions/{session}/events"):
                if event.get("comment") == "subscribed":
                    subscribed.set()
                elif event.get("event") == "done":
                    follower.append(json.loads(event["data"]))

        thread = threading.Thread(target=follow)
        thread.start()
        assert subscribed.wait(30), "the follower's stream did not start"
        cancelled = server.request("POST", f"/v1/sessions/{session}/cancel")
        assert cancelled.status == 202 and cancelled.json() == {"session": session, "cancelled": True}
        wait_for(lambda: server.session(session)["status"] == "paused", "the pause after the cancel")
        thread.join(30)
        assert follower and follower[0]["status"] == "cancelled"
        log = server.entries(session)
        assert log[-1]["event"] == "pause" and "cancelled by a client" in log[-1]["body"]["reason"]
        assert not any(e["event"] == "step" and e["name"].startswith("model turn") for e in log)
        assert server.request("POST", f"/v1/sessions/{session}/cancel").status == 409
    finally:
        model.close()


def test_a_server_killed_mid_run_continues_it_after_a_restart(serve, tmp_path):
    """The agent's second tool call opens a FIFO nobody writes, so the run is stuck there; the
    server is SIGKILLed, the FIFO is replaced by a file, and a restarted server finishes the run:
    each recorded model turn and tool call appears once."""
    import os
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "docs").mkdir()
    (folder / "docs" / "a.txt").write_text("first")
    os.mkfifo(folder / "docs" / "blocked.txt")
    turns = [
        {"message": {"role": "assistant", "text": "", "isError": False,
                     "toolCalls": [{"id": "c1", "name": "read_file", "arguments": '{"path": "a.txt"}'}]},
         "usage": {"inputTokens": 10, "outputTokens": 1}, "stop": "tool_use"},
        {"message": {"role": "assistant", "text": "", "isError": False,
                     "toolCalls": [{"id": "c2", "name": "read_file", "arguments": '{"path": "blocked.txt"}'}]},
         "usage": {"inputTokens": 10, "outputTokens": 1}, "stop": "tool_use"},
        {"message": {"role": "assistant", "text": "done after the restart", "isError": False, "toolCalls": []},
         "usage": {"inputTokens": 10, "outputTokens": 1}, "stop": "end_turn"},
    ]
    (folder / "turns.json").write_text(json.dumps(turns))
    (folder / "assistant.yaml").write_text(
        "name: assistant\nmodel: {provider: scripted, script: turns.json}\ntools: [{read_file: {folder: docs}}]\n")
    server = serve(config())
    session = server.request("POST", "/v1/agents/assistant/runs?stream=false", {"input": "go"}).json()["session"]
    wait_for(lambda: any(e["event"] == "step" and e["name"] == "model turn 2" for e in server.entries(session)),
             "the second model turn")
    server.stop(signal.SIGKILL)
    (folder / "docs" / "blocked.txt").unlink()
    (folder / "docs" / "blocked.txt").write_text("unblocked")
    restarted = serve(config())
    wait_for(lambda: restarted.session(session)["status"] == "paused", "the run finishing after the restart", timeout=60)
    steps = [e["name"] for e in restarted.entries(session) if e["event"] == "step"]
    assert [s for s in steps if s.startswith("model turn")] == ["model turn 1", "model turn 2", "model turn 3"]
    assert steps.count("tool read_file c1") == 1 and steps.count("tool read_file c2") == 1
    results = [e["body"]["text"] for e in restarted.entries(session) if e["event"] == "step" and e["name"].startswith("tool read_file")]
    assert results == ["first", "unblocked"]
