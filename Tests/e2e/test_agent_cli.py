"""`cairn agent`: the README's agent commands, conversations, a budget pause resumed by a
person, and the events stream — with the example agent and the scripted provider (offline)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO

EXAMPLE = REPO / "Examples" / "agents"


def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "agents"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_run_then_send_continues_the_conversation(cairn, tmp_path):
    folder = copy_example(tmp_path)
    first = cairn("agent", "run", "-b", cairn.store, str(folder / "assistant.yaml"), "What changed in 0.3?")
    out = first.stdout.decode()
    assert "Version 0.3 made agents durable" in out
    assert "→ read_file" in first.stderr.decode()
    session = cairn.current()["session"]
    early = cairn("agent", "resume", check=False)
    assert early.returncode != 0 and "is not paused by governance" in early.stderr.decode()
    second = cairn.out("agent", "send", "And before that?")
    assert "0.2 added the SQLite and S3 stores" in second
    show = cairn.out("show")
    assert "waiting for signal 'message'" in show and "agent     assistant" in show
    steps = [e["name"] for e in cairn.log(session) if e["event"] == "step"]
    assert steps.count("tool read_file call-2") == 1
    assert sum(1 for s in steps if s.startswith("model turn")) == 4
    assert sum(1 for s in steps if s.startswith("governance: ")) == 6  # before each of 4 model and 2 tool calls


def test_a_budget_pause_is_logged_and_resumed_by_a_person(cairn, tmp_path):
    folder = copy_example(tmp_path)
    text = (folder / "assistant.yaml").read_text().replace("per_run: {turns: 6,", "per_run: {turns: 2,")
    (folder / "tight.yaml").write_text(text)
    first = cairn("agent", "run", "-b", cairn.store, str(folder / "tight.yaml"), "What changed in 0.3?")
    err = first.stderr.decode()
    assert "governance: warn before model turn 2" in err
    assert "governance: pause before model turn 3" in err and "over the limit of 2" in err
    assert "is paused: waiting for signal 'resume'" in err
    assert "Version 0.3" not in first.stdout.decode()
    resumed = cairn("agent", "resume", "go ahead")
    assert "Version 0.3 made agents durable" in resumed.stdout.decode()
    decisions = [e for e in cairn.log() if e["event"] == "step" and e["name"] == "governance: model turn 3"]
    assert len(decisions) == 1
    usage = json.loads((cairn.workdir / ".cairn" / "usage" / "assistant" / next(
        p.name for p in (cairn.workdir / ".cairn" / "usage" / "assistant").iterdir() if p.suffix == ".json")).read_text())
    assert usage["modelTurns"] == 3 and usage["cost"] > 0


def test_events_are_json_lines(cairn, tmp_path):
    folder = copy_example(tmp_path)
    lines = cairn.out("agent", "run", "--events", "-b", cairn.store, str(folder / "assistant.yaml"), "What changed?").splitlines()
    events = [json.loads(line) for line in lines]
    types = [e["type"] for e in events]
    assert types[0] == "text" and "tool_call" in types and "tool_result" in types and types[-1] == "reply"
    assert any(e["type"] == "usage" and e["cost"] > 0 for e in events)
    assert events[-1]["text"].startswith("Version 0.3")


def test_a_bad_agent_file_is_refused_with_its_problem_named(cairn, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmodel: {provider: scripted, script: t.json}\ntools: [shell]\n")
    (tmp_path / "t.json").write_text("[]")
    result = cairn("agent", "run", "-b", cairn.store, str(bad), "hi", check=False)
    assert result.returncode != 0
    assert "unknown tool 'shell'" in result.stderr.decode() and "bad.yaml" in result.stderr.decode()
