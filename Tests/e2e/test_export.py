"""`cairn export`: a session's whole history as a JSON fixture (format cairn.session-history/1),
with every entry's header and its exact body, for replaying workflows in tests."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List

from conftest import PYTHON, REPO, Cairn, handler

FORMAT = "cairn.session-history/1"
ORDER = REPO / "Examples" / "python-steps" / "order.py"
ORDER_INPUT = {"id": "A-1", "items": ["atlas", "compass"], "amount": 120, "customer": "ada", "card": "visa"}
BINARY = bytes(range(256)) * 3


def export(cairn: Cairn, *args: str) -> Dict[str, Any]:
    return json.loads(cairn("export", *args).stdout)


def body_of(entry: Dict[str, Any]) -> bytes:
    return base64.b64decode(entry["body-base64"], validate=True)


def check_shape(fixture: Dict[str, Any], log: List[Dict[str, Any]]) -> None:
    """Every entry of `cairn log --json` is in the fixture, with the same header and body."""
    assert fixture["format"] == FORMAT
    entries = fixture["entries"]
    assert [e["seq"] for e in entries] == list(range(len(log)))
    for entry, logged in zip(entries, log):
        assert entry["event"] == logged["event"] and entry["time"] == logged["time"] and entry["source"] == logged["source"]
        header = entry["header"]
        assert header.get("name", "") == logged["name"]
        assert header.get("content-type", "") == logged["content-type"]
        assert header.get("metadata", {}) == logged["metadata"]
        if logged["digest"] is None:
            assert "digest" not in entry and "body-base64" not in entry and entry["size"] == 0
            continue
        body = body_of(entry)
        assert entry["digest"] == logged["digest"] == hashlib.sha256(body).hexdigest()
        assert entry["size"] == logged["size"] == len(body)
        if "body-base64" in logged:
            assert body == base64.b64decode(logged["body-base64"])
        elif isinstance(logged["body"], str) and "body-json" not in entry:
            assert body.decode("utf-8") == logged["body"]
        else:
            assert entry["body-json"] == logged["body"] == json.loads(body)


def test_export_writes_the_whole_log_with_headers_and_exact_bodies(cairn: Cairn, tmp_path: Path) -> None:
    session = cairn.start("--agent", "demo", "--metadata", "team=ops")
    cairn.push(json.dumps({"kind": "input", "text": "hi"}), name="input", metadata={"trace": "t-1"})
    (tmp_path / "blob.bin").write_bytes(BINARY)
    cairn.push(file=tmp_path / "blob.bin", name="blob")
    cairn.push("plain text\nwith two lines\n", content_type="text/plain")
    assert cairn.run_once(handler("echo_counted")).returncode == 0

    fixture = export(cairn)
    info = fixture["session"]
    assert info["id"] == session and info["agent"] == "demo" and info["metadata"] == {"team": "ops"}
    assert "parent" not in info and "fork-point" not in info
    log = cairn.log()
    check_shape(fixture, log)
    events = [e["event"] for e in fixture["entries"]]
    assert events[:4] == ["start", "push", "push", "push"] and events[-1] == "pause"
    pushed = fixture["entries"][1]
    assert pushed["body-json"] == {"kind": "input", "text": "hi"}
    assert pushed["header"] == {"content-type": "application/json", "name": "input", "metadata": {"trace": "t-1"}}
    blob = fixture["entries"][2]
    assert body_of(blob) == BINARY and "body-json" not in blob
    assert body_of(fixture["entries"][3]) == b"plain text\nwith two lines\n"

    # -o FILE writes the same fixture, pretty-printed; stdout stays empty.
    result = cairn("export", "--session", session, "-o", "fixture.json")
    assert result.stdout == b"" and b"exported" in result.stderr
    text = (tmp_path / "fixture.json").read_text()
    assert json.loads(text) == fixture and text.startswith("{\n") and text.endswith("}\n")


def test_a_forked_session_exports_its_inherited_entries(cairn: Cairn) -> None:
    parent = cairn.start()
    cairn.push(json.dumps({"n": 1}), name="first")
    cairn.push(json.dumps({"n": 2}), name="second")
    child = cairn.out("fork", "--at", "1")
    cairn.push(json.dumps({"n": 3}), name="third")
    fixture = export(cairn, "--session", child)
    assert fixture["session"]["parent"] == parent and fixture["session"]["fork-point"] == 2
    assert [e["event"] for e in fixture["entries"]] == ["start", "push", "fork", "push"]
    assert [e.get("body-json") for e in fixture["entries"]] == [
        {"event": "start"}, {"n": 1}, {"event": "fork", "parent": parent, "at": 2}, {"n": 3}]
    check_shape(fixture, cairn.log(child))


def test_a_workflow_history_holds_its_step_records(cairn: Cairn, tmp_path: Path) -> None:
    cairn.start()
    cairn.push(json.dumps(ORDER_INPUT), name="input", content_type="application/json")
    result = cairn("run", "--once", "--", PYTHON, str(ORDER), env={"ORDER_EFFECTS": str(tmp_path / "effects.log")})
    assert b"finished" in result.stderr
    fixture = export(cairn)
    check_shape(fixture, cairn.log())
    steps = [e for e in fixture["entries"] if e["event"] == "step"]
    assert [s["header"]["name"] for s in steps] == ["reserve stock", "charge card", "ship"]
    assert [s["header"]["metadata"]["position"] for s in steps] == ["0", "1", "2"]
    assert all(s["header"]["content-type"] == "application/vnd.cairn.step+json" for s in steps)
    assert all(json.loads(body_of(s)) == s["body-json"] for s in steps)
    results = [e for e in fixture["entries"] if e["header"].get("name") == "result"]
    assert results[0]["body-json"]["status"] == "shipped" and fixture["entries"][-1]["event"] == "finish"


def test_export_errors(cairn: Cairn) -> None:
    cairn.start()
    missing = cairn("export", "--session", "01JD3Q8Z6N4W5X7Y8Z9A0B1C2D", check=False)
    assert missing.returncode == 1 and b"no session 01JD3Q8Z6N4W5X7Y8Z9A0B1C2D" in missing.stderr
    bad = cairn("export", "--session", "nope", check=False)
    assert bad.returncode == 1 and b"is not a session id" in bad.stderr
    unwritable = cairn("export", "-o", "/nonexistent/dir/fixture.json", check=False)
    assert unwritable.returncode == 1 and b"cannot write /nonexistent/dir/fixture.json" in unwritable.stderr
