"""End-to-end tests of the `cairn` CLI driving handlers written with the real `pugmark` Python SDK.

Run with: python3 -m pytest -q /work/main/Tests/e2e
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import PYTHON, REPO, TIMEOUT, Cairn, events, handler, handler_pushes

ECHO_PY = REPO / "Examples" / "echo-python" / "handler.py"


def body_bytes(entry: Dict[str, Any]) -> bytes:
    """The body of a `log --json` entry as bytes, whichever way it was rendered."""
    if "body-base64" in entry:
        return base64.b64decode(entry["body-base64"])
    body = entry.get("body")
    if isinstance(body, str):
        return body.encode("utf-8")
    raise AssertionError(f"entry #{entry['seq']} has a parsed JSON body; compare it as JSON: {entry}")


def by_name(log: List[Dict[str, Any]], name: str) -> List[Dict[str, Any]]:
    return [e for e in log if e["name"] == name]


def one(log: List[Dict[str, Any]], name: str) -> Dict[str, Any]:
    found = by_name(log, name)
    assert len(found) == 1, f"expected one entry named {name!r}, found {len(found)}: {events(log)}"
    return found[0]


def error_body(entry: Dict[str, Any]) -> Dict[str, Any]:
    assert entry["event"] == "error"
    body = entry["body"]
    return body if isinstance(body, dict) else json.loads(body)


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


LS_LINE = re.compile(r"^([* ]) (\S+)\s+(\w+)\s+(\d+) entries\s+(\S+)(?: agent=(\S+))?(?: fork of (\S+) at #(\d+))?\s*$")


def ls(cairn: Cairn) -> List[Dict[str, Any]]:
    rows = []
    for line in cairn("ls").stdout.decode("utf-8").splitlines():
        match = LS_LINE.match(line)
        assert match, f"unexpected `cairn ls` line: {line!r}"
        rows.append({"current": match[1] == "*", "id": match[2], "status": match[3],
                     "entries": int(match[4]), "parent": match[7],
                     "at": int(match[8]) if match[8] else None})
    return rows


# 1. The pugmark README flow, verbatim ------------------------------------------------------------

def test_readme_flow_verbatim(cairn: Cairn, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "cairn").symlink_to(cairn.bin)
    shutil.copy(ECHO_PY, tmp_path / "handler.py")
    script = f"""set -e
cairn start -b file://{tmp_path}/store
echo '{{"kind":"input","text":"hello"}}' | cairn push
cairn run --once -- python3 handler.py
cairn log -A
"""
    env = {**cairn.env, "PATH": f"{bindir}{os.pathsep}{cairn.env.get('PATH', '')}"}
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    session, seq, *log_lines = lines
    assert cairn.current() == {"session": session, "store": f"file://{tmp_path}/store"}
    assert seq == "1"
    assert [line.split()[:2] for line in log_lines] == [["#0", "start"], ["#1", "push"], ["#2", "push"], ["#3", "pause"]]
    assert json.loads(log_lines[1].split("push", 1)[1]) == {"kind": "input", "text": "hello"}
    assert json.loads(log_lines[2].split("push", 1)[1]) == {"kind": "echo", "text": "HELLO"}
    assert "nothing to echo" in log_lines[3]

    log = cairn.log()
    assert events(log) == ["start", "push", "push", "pause"]
    assert [e["seq"] for e in log] == [0, 1, 2, 3]
    assert log[1]["body"] == {"kind": "input", "text": "hello"}
    assert log[1]["source"] == "cli" and log[1]["content-type"] == "application/json"
    assert log[2]["body"] == {"kind": "echo", "text": "HELLO"}
    assert log[2]["source"] == "handler" and log[2]["content-type"] == "application/json"
    assert log[3]["body"] == {"event": "pause", "reason": "nothing to echo"} and log[3]["source"] == "handler"
    for entry in log:
        assert set(entry) >= {"seq", "event", "name", "content-type", "metadata", "size", "digest", "time", "source"}
    # The stored digest is the SHA-256 of the bytes the SDK wrote (json.dumps with default separators).
    assert log[2]["digest"] == hashlib.sha256(json.dumps({"kind": "echo", "text": "HELLO"}).encode()).hexdigest()

    # Running again does nothing: the session is paused.
    cairn.run_once(["python3", str(tmp_path / "handler.py")])
    assert len(cairn.log()) == 4


# 2. write_text / write_json / write_bytes ----------------------------------------------------------

def test_typed_writes_with_names_and_metadata(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"go"}')
    cairn.run_once(handler("writes"))
    log = cairn.log()
    assert events(log) == ["start", "push"] + ["push"] * 7 + ["pause"]
    assert all(e["source"] == "handler" for e in log[2:])

    note = one(log, "note")
    assert note["content-type"] == "text/plain" and note["body"] == "plain words"
    assert note["metadata"] == {"lang": "en"} and note["size"] == len("plain words")

    doc = one(log, "doc")
    assert doc["content-type"] == "text/markdown" and doc["body"] == "# Title\n\nbody"
    assert doc["metadata"] == {"format": "md"}

    reply = one(log, "reply")
    value = {"answer": 42, "items": [1, 2, 3], "nested": {"ok": True}}
    assert reply["content-type"] == "application/json" and reply["body"] == value
    assert reply["metadata"] == {"model": "test", "n": "1"}
    assert reply["digest"] == hashlib.sha256(json.dumps(value).encode()).hexdigest()

    blob = one(log, "blob")
    assert blob["content-type"] == "application/octet-stream" and "body" not in blob
    assert body_bytes(blob) == b"\x00\x01\x02\xffbinary" and blob["metadata"] == {"kind": "raw"}
    assert blob["size"] == 10 and blob["digest"] == hashlib.sha256(b"\x00\x01\x02\xffbinary").hexdigest()

    image = one(log, "image")
    assert image["content-type"] == "image/png" and body_bytes(image) == b"\x89PNG\r\n\x1a\n"
    assert image["metadata"] == {}

    auto_text = one(log, "auto-text")
    assert auto_text["content-type"] == "text/plain" and auto_text["body"] == "auto text"

    auto_json = one(log, "auto-json")
    assert auto_json["content-type"] == "application/json" and auto_json["body"] == {"auto": True}
    assert auto_json["schema-url"] == "https://example.com/auto.schema.json"

    assert log[-1]["event"] == "pause" and log[-1]["body"] == {"event": "pause", "reason": "done writing"}


def test_session_identity_and_unicode(cairn: Cairn) -> None:
    sid = cairn.start("--agent", "bot", "--metadata", "tenant=acme", "--metadata", "expr=a=b")
    cairn.push("héllo wörld ✓ 日本", name="greeting", content_type="text/plain")
    cairn.run_once(handler("whoami"))
    log = cairn.log()
    assert events(log) == ["start", "push", "push", "push", "pause"]
    assert log[1]["content-type"] == "text/plain" and log[1]["body"] == "héllo wörld ✓ 日本"
    assert one(log, "whoami")["body"] == {
        "session": sid, "agent": "bot", "metadata": {"tenant": "acme", "expr": "a=b"}, "snapshot": "2",
        "entries": 2, "greeting": "héllo wörld ✓ 日本", "upper": "HÉLLO WÖRLD ✓ 日本",
    }
    shout = one(log, "shout")
    assert shout["body"] == "HÉLLO WÖRLD ✓ 日本" and shout["metadata"] == {"clé": "välue ✓"}
    assert shout["size"] == len("HÉLLO WÖRLD ✓ 日本".encode())

    # A forked session keeps the agent and metadata but has its own id.
    child = cairn.out("fork")
    cairn.run_once(handler("whoami"))
    reports = by_name(cairn.log(child), "whoami")
    assert len(reports) == 2
    assert reports[1]["body"]["session"] == child != sid
    assert reports[1]["body"]["agent"] == "bot"
    assert reports[1]["body"]["metadata"] == {"tenant": "acme", "expr": "a=b"}
    assert reports[1]["body"]["snapshot"] == "6"


# 3. state(), load_json(), load_text() ---------------------------------------------------------------

def test_state_and_named_loads(cairn: Cairn) -> None:
    cairn.start()
    cairn.push("Hello", name="greeting", content_type="text/plain")
    cairn.run_once(handler("config"))
    log = cairn.log()
    assert events(log) == ["start", "push", "pause"] and log[-1]["body"] == {"event": "pause", "reason": "no config yet"}

    config = {"user": "ada", "numbers": [1, 2, 3], "factor": 10, "version": 1}
    cairn.push(json.dumps(config), name="config", metadata={"origin": "test"})
    cairn.run_once(handler("config"))
    result = one(cairn.log(), "result")
    assert result["body"] == {
        "message": "Hello, ada!", "total": 60, "version": 1, "has_config": True, "missing_is_none": True,
        "config_content_type": "application/json", "greeting_content_type": "text/plain",
        "config_metadata": {"origin": "test"},
    }

    # A newer object with the same name replaces the old one in state().
    cairn.push(json.dumps({**config, "user": "grace", "factor": 2, "version": 2}), name="config",
               metadata={"origin": "test"})
    cairn.run_once(handler("config"))
    log = cairn.log()
    results = by_name(log, "result")
    assert len(results) == 2
    assert results[1]["body"]["message"] == "Hello, grace!"
    assert results[1]["body"]["total"] == 12 and results[1]["body"]["version"] == 2
    assert events(log) == ["start", "push", "pause", "push", "push", "pause", "push", "push", "pause"]


def test_open_read_modify_write_of_a_named_object(cairn: Cairn) -> None:
    cairn.start()
    cairn.push("go")
    cairn.run_once(handler("counter"))
    cairn("wake")
    cairn.run_once(handler("counter"))
    cairn("wake")
    cairn.run_once(handler("counter"))
    log = cairn.log()
    counters = by_name(log, "counter")
    assert [c["body"] for c in counters] == ["1", "2", "3"]
    assert all(c["content-type"] == "text/plain" and c["metadata"] == {"kind": "counter"} for c in counters)
    assert log[-1]["event"] == "pause" and log[-1]["body"] == {"event": "pause", "reason": "counted 3"}


# 4. events(): start, push, wake, fork ---------------------------------------------------------------

def test_events_start_push_wake_and_fork(cairn: Cairn) -> None:
    parent = cairn.start()
    cairn.push('{"kind":"input","text":"hi"}', name="msg")
    cairn.run_once(handler("events"))
    first = by_name(cairn.log(), "events")
    assert len(first) == 1
    assert first[0]["body"] == {"events": ["start", "push"], "classes": ["StartEvent", "PushEvent"], "pushed": ["msg"]}

    wake_seq = int(cairn.out("wake"))
    log = cairn.log()
    assert log[wake_seq]["event"] == "wake" and log[wake_seq]["source"] == "cli"
    cairn.run_once(handler("events"))
    second = by_name(cairn.log(), "events")
    assert len(second) == 2
    # Pause entries are not events of the SDK; the handler's own earlier output is a push.
    assert second[1]["body"] == {
        "events": ["start", "push", "push", "wake"],
        "classes": ["StartEvent", "PushEvent", "PushEvent", "WakeEvent"],
        "pushed": ["msg", "events"],
    }

    child = cairn.out("fork")
    assert child != parent and cairn.current()["session"] == child
    cairn.run_once(handler("events"))
    child_log = cairn.log()
    assert child_log[-3]["event"] == "fork"
    third = by_name(child_log, "events")
    assert len(third) == 3
    assert third[2]["body"]["events"] == ["start", "push", "push", "wake", "push", "fork"]
    assert third[2]["body"]["classes"][-1] == "ForkEvent"
    # The parent did not move.
    assert len(by_name(cairn.log(parent), "events")) == 2

    # A fork at an earlier point inherits only entries 0..SEQ.
    early = cairn.out("fork", "--session", parent, "--at", "1")
    cairn.run_once(handler("events"))
    early_log = cairn.log(early)
    assert events(early_log) == ["start", "push", "fork", "push", "pause"]
    assert one(early_log, "events")["body"]["events"] == ["start", "push", "fork"]
    rows = {row["id"]: row for row in ls(cairn)}
    assert rows[early]["parent"] == parent and rows[early]["at"] == 1 and rows[early]["current"]


# 5. pause and sleep ----------------------------------------------------------------------------------

def wait_until(epoch: float, limit: float = 10) -> None:
    """Sleeps (0.2 s steps, at most `limit` seconds) until the wall clock passes `epoch`."""
    deadline = time.monotonic() + limit
    while time.time() < epoch:
        assert time.monotonic() < deadline, "the due time never came"
        time.sleep(0.2)


def test_sleep_entry_and_no_early_wake(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input","text":"later"}')
    cairn.run_once(handler("sleeper"))
    log = cairn.log()
    assert events(log) == ["start", "push", "sleep"]
    sleep = log[-1]
    assert sleep["source"] == "handler" and sleep["body"]["reason"] == "napping" and sleep["body"]["until"] == sleep["metadata"]["until"]
    assert sleep["content-type"] == "application/json", "a control entry carries JSON"
    assert sleep["metadata"]["duration"] == "1.00s"
    until = parse_time(sleep["metadata"]["until"])
    assert 0.9 <= until - parse_time(sleep["time"]) <= 1.1
    assert "sleeping until " in cairn.out("show")  # the exact time: see test_show_reports_the_exact_until_time

    # Not due yet: an immediate second run neither wakes nor invokes the handler.
    started = time.time()
    cairn.run_once(handler("sleeper"))
    assert started < until, "the machine was too slow to run `cairn run --once` twice within 1 s"
    assert events(cairn.log()) == ["start", "push", "sleep"]

    # `cairn wake` wakes it before its time; the handler sees the wake.
    cairn("wake")
    cairn.run_once(handler("sleeper"))
    log = cairn.log()
    assert events(log) == ["start", "push", "sleep", "wake", "push", "pause"]
    assert log[3]["source"] == "cli" and log[3]["metadata"] == {}
    assert log[4]["body"] == {"woke": True, "wakes": 1, "reason": None, "saw_sleep": True}


def fan_out_sleepers(cairn: Cairn, count: int):
    """One parent forks `count` children (fork=True outputs); each child calls pugmark.sleep(1)
    in its own invocation, so their `until` times fall on different milliseconds."""
    parent = cairn.start()
    cairn.push(json.dumps({"sessions": count}), name="fanout")
    cairn.run_once(handler("napper"), timeout=120)
    children = [row["id"] for row in ls(cairn) if row["parent"] == parent]
    assert len(children) == count
    untils = {}
    for child in children:
        log = cairn.log(child)
        assert events(log) == ["start", "push", "pause", "fork", "push", "sleep"], child
        assert log[-1]["metadata"]["duration"] == "1.00s"
        untils[child] = log[-1]["metadata"]["until"]
    return parent, children, untils


def test_show_reports_the_exact_until_time(cairn: Cairn) -> None:
    """Regression test (fixed in ea382e4): `show` printed 'sleeping until' 1 ms early for about half
    of all sleeps (format truncated a parsed Date a hair below the millisecond). 20 sleeping
    sessions make it deterministic: with that bug all 20 agree with probability ~1e-6."""
    _, children, untils = fan_out_sleepers(cairn, 20)
    wrong = []
    for child in children:
        status = [line for line in cairn.out("show", child).splitlines() if line.startswith("status")]
        assert len(status) == 1 and status[0].split(None, 1)[1].startswith("sleeping until ")
        shown = status[0].split("sleeping until ", 1)[1].strip()
        if shown != untils[child]:
            wrong.append(f"{child}: entry until {untils[child]}, show says {shown}")
    assert not wrong, f"{len(wrong)} of {len(children)} sessions show another time: {wrong}"


def test_due_sleeps_wake_on_timer(cairn: Cairn) -> None:
    """pugmark.sleep(1) in 20 sessions; once due, one `run --once` wakes every one of them.

    Regression test (fixed in ea382e4): FileStore.dueTimers compared Dates with exact Double
    equality, took about half of all live timers for stale, deleted them, and those sessions slept
    forever. 20 sessions (forked children, each sleeping at a different millisecond) make the
    outcome deterministic: with that bug all 20 would wake with probability ~1e-6."""
    count = 20
    _, children, untils = fan_out_sleepers(cairn, count)

    wait_until(max(parse_time(u) for u in untils.values()) + 0.05)
    cairn.run_once(handler("napper"), "--all", timeout=120)
    asleep = [f"{child} (until {untils[child]})" for child in children
              if events(cairn.log(child))[-1] == "sleep"]
    assert not asleep, f"{len(asleep)} of {count} due sessions were not woken: {asleep}"
    for child in children:
        log = cairn.log(child)
        assert events(log) == ["start", "push", "pause", "fork", "push", "sleep", "wake", "push", "pause"]
        wake = log[6]
        assert wake["metadata"] == {"reason": "timer"} and wake["source"] == "runtime"
        assert parse_time(wake["time"]) >= parse_time(untils[child]) - 0.001
        assert log[7]["body"] == {"woke": True, "reason": "timer"}

    # And they stay woken: another run changes nothing.
    cairn.run_once(handler("napper"), "--all")
    assert all(len(cairn.log(child)) == 9 for child in children)


def test_push_during_sleep_makes_the_timer_stale(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input","text":"later"}')
    cairn.run_once(handler("sleeper"))
    log = cairn.log()
    assert events(log) == ["start", "push", "sleep"]
    until = parse_time(log[-1]["metadata"]["until"])

    # A push while sleeping makes the session pending again: the handler runs at once.
    cairn.push('{"kind":"input","text":"now"}')
    cairn.run_once(handler("sleeper"))
    assert events(cairn.log()) == ["start", "push", "sleep", "push", "pause"]

    # When the old timer falls due it is stale: no wake is appended.
    wait_until(until + 0.1)
    cairn.run_once(handler("sleeper"))
    log = cairn.log()
    assert events(log) == ["start", "push", "sleep", "push", "pause"]
    assert log[-1]["body"] == {"event": "pause", "reason": "interrupted"}


def test_writing_nothing_appends_a_pause(cairn: Cairn, tmp_path: Path) -> None:
    silent = tmp_path / "silent.py"
    silent.write_text("import pugmark\nlist(pugmark.read())\n")
    cairn.start()
    cairn.push("anything")
    cairn.run_once([PYTHON, str(silent)])
    log = cairn.log()
    assert events(log) == ["start", "push", "pause"]
    assert log[-1]["source"] == "runtime"


def test_finish_output(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"stop"}')
    cairn.run_once(handler("finisher"))
    log = cairn.log()
    assert events(log) == ["start", "push", "finish"]
    assert log[-1]["source"] == "handler" and log[-1]["body"] == {"event": "finish", "reason": "all done"}
    assert "finished" in cairn.out("show")

    # A finished session is never invoked again, and `cairn wake` refuses it.
    cairn.run_once(handler("finisher"))
    assert len(cairn.log()) == 3
    refused = cairn("wake", check=False)
    assert refused.returncode != 0 and b"finished" in refused.stderr
    assert len(cairn.log()) == 3


# 6. fork outputs and cross-session outputs ------------------------------------------------------

def test_fork_outputs_create_child_sessions(cairn: Cairn) -> None:
    parent = cairn.start()
    cairn.push(json.dumps({"parts": ["alpha", "beta"]}))
    cairn.run_once(handler("forker"))

    parent_log = cairn.log(parent)
    assert events(parent_log) == ["start", "push", "push", "pause"]
    assert parent_log[2]["name"] == "parent-note" and parent_log[2]["body"] == {"forked": 2}
    assert not by_name(parent_log, "task"), "fork outputs must not be appended to the parent"

    rows = ls(cairn)
    assert len(rows) == 3
    children = [row for row in rows if row["parent"] == parent]
    assert len(children) == 2
    seen_parts = set()
    for row in children:
        # Forked from the parent after the invocation's outputs (entries 0..3).
        assert row["at"] == 3 and row["status"] == "paused"
        log = cairn.log(row["id"])
        assert events(log) == ["start", "push", "push", "pause", "fork", "push", "push", "pause"]
        assert log[:4] == parent_log
        task = log[5]
        assert task["name"] == "task" and task["source"] == "handler"
        assert task["metadata"]["role"] == "task"
        assert task["body"]["part"] in ("alpha", "beta")
        assert task["metadata"]["index"] == str(task["body"]["index"])
        result = one(log, "child-result")["body"]
        assert result == {"child": True, "task": task["body"], "session": row["id"], "saw_fork": True,
                          "fork_flag_on_input": False}
        seen_parts.add(task["body"]["part"])
    assert seen_parts == {"alpha", "beta"}


def test_cross_session_outputs(cairn: Cairn, tmp_path: Path) -> None:
    target = cairn.start()
    source = cairn.start()
    attachment = tmp_path / "attachment.txt"
    attachment.write_text("remote bytes fetched by cairn\n")
    cairn.push(json.dumps({"target": target, "file": str(attachment)}))
    cairn.run_once(handler("cross"), session=source)

    source_log = cairn.log(source)
    assert events(source_log) == ["start", "push", "push", "pause"]
    assert source_log[2]["name"] == "sent" and source_log[2]["body"] == {"sent_to": target}

    target_log = cairn.log(target)
    assert events(target_log) == ["start", "push", "push"]
    greeting = target_log[1]
    assert greeting["name"] == "greeting" and greeting["source"] == "handler"
    assert greeting["content-type"] == "application/json"
    assert greeting["body"] == {"hello": f"from {source}"}
    assert greeting["metadata"] == {"via": "raw-line", "cairn.from": source}
    remote = target_log[2]
    assert remote["name"] == "remote-file" and remote["content-type"] == "text/plain"
    assert remote["body"] == "remote bytes fetched by cairn\n"
    assert remote["metadata"] == {"via": "write_remote", "cairn.from": source}
    assert remote["digest"] == hashlib.sha256(attachment.read_bytes()).hexdigest()


def test_cross_session_output_to_missing_session_fails(cairn: Cairn) -> None:
    cairn.start()
    cairn.push(json.dumps({"target": "0" * 26}))
    result = cairn.run_once(handler("cross"), check=False)
    assert result.returncode == 1
    log = cairn.log()
    assert events(log) == ["start", "push", "error"]
    report = error_body(log[-1])
    assert report["kind"] == "invalid-output" and "does not exist" in report["message"]


# 7. Large binary bodies ------------------------------------------------------------------------------

def blob_files(tmp_path: Path, digest: str) -> List[Path]:
    return sorted((tmp_path / "store" / "blobs" / digest[:2]).glob(digest + "*"))


def test_large_random_binary_roundtrip(cairn: Cairn, tmp_path: Path) -> None:
    data = random.Random(12).randbytes(12 * 1024 * 1024)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    cairn.start()
    seq = cairn.push(name="blob", file=path)
    cairn.run_once(handler("bigblob") + ["random"], "--timeout", "120", timeout=180)

    log = cairn.log()
    assert events(log) == ["start", "push", "push", "push", "pause"]
    pushed = log[seq]
    assert pushed["size"] == len(data) and pushed["content-type"] == "application/octet-stream"
    assert pushed["digest"] == hashlib.sha256(data).hexdigest()
    assert body_bytes(pushed) == data

    report = one(log, "digest")["body"]
    expected_out = random.Random(20240601).randbytes(11 * 1024 * 1024)
    assert report == {
        "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "wire-size": len(data),
        "wire-encoding": "", "content-type": "application/octet-stream",
        "out-sha256": hashlib.sha256(expected_out).hexdigest(),
    }
    out = one(log, "big-out")
    assert out["size"] == len(expected_out) and out["metadata"] == {"mode": "random"}
    assert out["content-type"] == "application/octet-stream"
    assert out["digest"] == hashlib.sha256(expected_out).hexdigest()
    assert body_bytes(out) == expected_out
    # Incompressible bodies are stored raw.
    assert [p.name for p in blob_files(tmp_path, pushed["digest"])] == [pushed["digest"]]


def test_large_compressible_binary_uses_zstd(cairn: Cairn, tmp_path: Path) -> None:
    block = b"\x00cairn compressible block " + bytes(range(32))
    data = (block * (10 * 1024 * 1024 // len(block) + 1))[: 10 * 1024 * 1024 + 123]
    path = tmp_path / "pattern.bin"
    path.write_bytes(data)
    cairn.start()
    seq = cairn.push(name="blob", file=path)
    cairn.run_once(handler("bigblob") + ["pattern"], "--timeout", "120", timeout=180)

    log = cairn.log()
    assert events(log) == ["start", "push", "push", "push", "pause"]
    pushed = log[seq]
    digest = hashlib.sha256(data).hexdigest()
    assert pushed["digest"] == digest and pushed["size"] == len(data)
    assert pushed["content-type"] == "application/octet-stream"
    # The store compressed it, and `log --json` still shows the decoded bytes.
    files = blob_files(tmp_path, digest)
    assert [p.name for p in files] == [digest + ".zst"]
    assert files[0].stat().st_size < len(data) // 10
    assert body_bytes(pushed) == data

    # The handler was told the body is zstd-encoded, and the SDK decompressed it.
    report = one(log, "digest")["body"]
    expected_out = bytes(range(256)) * (40 * 1024 + 4)
    assert report["sha256"] == digest and report["size"] == len(data)
    assert report["wire-encoding"] == "zstd" and report["wire-size"] == len(data)
    assert report["out-sha256"] == hashlib.sha256(expected_out).hexdigest()

    out = one(log, "big-out")
    assert out["size"] == len(expected_out) and out["size"] >= 10 * 1024 * 1024
    assert out["digest"] == hashlib.sha256(expected_out).hexdigest()
    assert body_bytes(out) == expected_out
    out_files = blob_files(tmp_path, out["digest"])
    assert [p.name for p in out_files] == [out["digest"] + ".zst"]


# 8. Failing handlers ----------------------------------------------------------------------------

def test_crash_half_way_records_one_error_and_no_outputs(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input","text":"crash"}')
    result = cairn.run_once(handler("crash"), check=False)
    assert result.returncode == 1, result.stderr.decode()
    log = cairn.log()
    assert events(log) == ["start", "push", "error"]
    assert not by_name(log, "partial") and not by_name(log, "partial-text")
    report = error_body(log[-1])
    assert log[-1]["source"] == "runtime"
    assert report["kind"] == "exit" and report["exit-status"] == 1
    assert "status 1" in report["message"]
    assert "RuntimeError: boom-4711: handler crashed half-way" in report["stderr-tail"]
    assert "failed" in cairn.out("show")
    # The handler's stderr is passed through to cairn's stderr.
    assert b"boom-4711" in result.stderr

    # A failed session is not retried by another run: still exactly one error entry.
    again = cairn.run_once(handler("crash"), check=False)
    assert again.returncode == 1
    assert events(cairn.log()) == ["start", "push", "error"]

    # `cairn wake` retries it; the retry fails the same way, again with exactly one error entry.
    cairn("wake")
    third = cairn.run_once(handler("crash"), check=False)
    assert third.returncode == 1
    log = cairn.log()
    assert events(log) == ["start", "push", "error", "wake", "error"]
    assert error_body(log[-1])["snapshot"] == 4


def test_nonzero_exit_status_is_recorded(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input"}')
    result = cairn.run_once(handler("exit3"), check=False)
    assert result.returncode == 1
    log = cairn.log()
    assert events(log) == ["start", "push", "error"]
    report = error_body(log[-1])
    assert report["kind"] == "exit" and report["exit-status"] == 3
    assert "giving up with status three" in report["stderr-tail"]


def test_handler_timeout_is_an_error(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input"}')
    began = time.monotonic()
    result = cairn.run_once(handler("hang"), "--timeout", "1", check=False)
    assert time.monotonic() - began < 30
    assert result.returncode == 1
    log = cairn.log()
    assert events(log) == ["start", "push", "error"]
    assert not by_name(log, "before-hang")
    report = error_body(log[-1])
    assert report["kind"] == "timeout" and "timed out" in report["message"]
    assert "about to hang" in report["stderr-tail"]


def test_invalid_stdout_line_is_invalid_output(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input"}')
    result = cairn.run_once(handler("invalid"), check=False)
    assert result.returncode == 1
    log = cairn.log()
    assert events(log) == ["start", "push", "error"]
    assert not by_name(log, "valid-first")
    report = error_body(log[-1])
    assert report["kind"] == "invalid-output"
    assert "stdout line 2" in report["message"] and "this is not a JSON output record" in report["message"]


# 9. The Swift echo handler matches the Python one ------------------------------------------------

def test_swift_echo_handler_matches_python(cairn: Cairn) -> None:
    swift = os.environ.get("ECHO_HANDLER_BIN", str(REPO / ".build" / "debug" / "echo-handler"))
    if not os.access(swift, os.X_OK):
        pytest.skip(f"Swift echo handler binary not found at {swift} (build it with `swift build --product echo-handler` or set ECHO_HANDLER_BIN)")
    results = {}
    for label, command in (("python", ["python3", str(ECHO_PY)]), ("swift", [swift])):
        sid = cairn.start()
        cairn.push('{"kind":"input","text":"hello"}')
        cairn.run_once(command)
        log = cairn.log(sid)
        assert events(log) == ["start", "push", "push", "pause"], label
        results[label] = log
    py, sw = results["python"], results["swift"]
    assert sw[2]["body"] == py[2]["body"] == {"kind": "echo", "text": "HELLO"}
    assert sw[2]["content-type"] == py[2]["content-type"] == "application/json"
    assert sw[2]["source"] == "handler"
    assert sw[3]["body"] == py[3]["body"] == {"event": "pause", "reason": "nothing to echo"}


# 10. Runaway guard ---------------------------------------------------------------------------------

def test_runaway_handler_is_stopped(cairn: Cairn) -> None:
    cairn.start()
    cairn.push('{"kind":"input"}')
    result = cairn.run_once(handler("runaway"), "--max-invocations", "5", check=False)
    assert result.returncode == 1
    log = cairn.log()
    assert events(log) == ["start", "push"] + ["push"] * 5 + ["error"]
    assert [e["body"] for e in handler_pushes(log)] == [{"tick": n} for n in range(2, 7)]
    report = error_body(log[-1])
    assert report["kind"] == "runaway" and "runaway" in report["message"]
    assert "after 5 invocation" in result.stderr.decode()
