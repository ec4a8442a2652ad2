"""Durable steps from a pugmark process handler (Examples/python-steps): the example runs to
completion with each effect once, its step entries have the documented shape, a changed handler
fails with the nondeterminism error, and a crash repeats only the step in flight."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import PYTHON, REPO, Cairn, events

EXAMPLE = REPO / "Examples" / "python-steps"
ORDER = EXAMPLE / "order.py"
STEP_CONTENT_TYPE = "application/vnd.cairn.step+json"
STEP_METADATA = {"position", "kind", "outcome", "attempts", "duration-ms"}
ORDER_INPUT = {"id": "A-1", "items": ["atlas", "compass"], "amount": 120, "customer": "ada", "card": "visa"}
EFFECTS = ["reserved atlas, compass for A-1", "charged ada 120 for A-1", "shipped A-1"]


def run(cairn: Cairn, script: Path, effects: Path, **env: str):
    """`cairn run --once -- python3 SCRIPT`, with the effects file and extra environment."""
    return cairn("run", "--once", "--", PYTHON, str(script), check=False,
                 env={"ORDER_EFFECTS": str(effects), **env})


def start_order(cairn: Cairn, order: Dict[str, Any] = ORDER_INPUT) -> str:
    session = cairn.start()
    cairn.push(json.dumps(order), name="input", content_type="application/json")
    return session


def steps_of(log: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [e for e in log if e["event"] == "step"]


def effect_lines(effects: Path) -> List[str]:
    return effects.read_text().splitlines() if effects.exists() else []


def result_of(log: List[Dict[str, Any]]) -> Dict[str, Any]:
    results = [e for e in log if e["event"] == "push" and e["name"] == "result"]
    assert len(results) == 1, events(log)
    return results[0]["body"]


def own_entries(log: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The entries after the `fork` entry of a child session."""
    fork = max(i for i, e in enumerate(log) if e["event"] == "fork")
    return log[fork:]


def test_the_example_runs_to_completion_with_each_effect_once(cairn: Cairn, tmp_path: Path) -> None:
    effects = tmp_path / "effects.log"
    cairn.start()
    # Before its input the handler waits.
    assert run(cairn, ORDER, effects).returncode == 0
    assert events(cairn.log()) == ["start", "pause"]
    cairn.push(json.dumps(ORDER_INPUT), name="input", content_type="application/json")

    result = run(cairn, ORDER, effects)
    assert result.returncode == 0, result.stderr.decode()
    log = cairn.log()
    assert events(log) == ["start", "pause", "push", "step", "step", "step", "push", "finish"]
    assert [e["name"] for e in steps_of(log)] == ["reserve stock", "charge card", "ship"]
    # One invocation for the pause, then one per step and one for the result.
    assert "finished after 4 invocation(s)" in result.stderr.decode()
    receipt = result_of(log)
    assert receipt["status"] == "shipped" and receipt["order"] == "A-1"
    assert [receipt["reservation"], receipt["payment"], receipt["tracking"]] == [e["body"] for e in steps_of(log)]
    assert log[-1]["body"] == {"event": "finish", "reason": "workflow completed"} and log[-1]["content-type"] == "application/json"
    assert effect_lines(effects) == EFFECTS

    # Finished is final: another run does nothing.
    assert run(cairn, ORDER, effects).returncode == 0
    assert len(cairn.log()) == len(log) and effect_lines(effects) == EFFECTS


def test_step_entries_have_the_documented_shape(cairn: Cairn, tmp_path: Path) -> None:
    effects = tmp_path / "effects.log"
    start_order(cairn)
    assert run(cairn, ORDER, effects).returncode == 0
    log = cairn.log()
    steps = steps_of(log)
    assert [s["metadata"]["position"] for s in steps] == ["0", "1", "2"]
    for step in steps:
        assert step["content-type"] == STEP_CONTENT_TYPE
        assert step["source"] == "handler"
        assert set(step["metadata"]) == STEP_METADATA
        assert step["metadata"]["kind"] == "step"
        assert step["metadata"]["outcome"] == "ok"
        assert step["metadata"]["attempts"] == "1"
        assert re.fullmatch(r"\d+", step["metadata"]["duration-ms"])
        assert isinstance(step["body"], str)  # the step's JSON result: here a string id
    # `cairn log` shows them as steps.
    readable = cairn.log_text(all=False)
    assert [line.split("  ")[1:3] for line in readable if "  step  " in line] == [
        ["step", "reserve stock"], ["step", "charge card"], ["step", "ship"]]
    # `cairn inspect` parses them with the Swift StepRecord: one row per step.
    timeline = cairn.out("inspect").splitlines()
    assert "steps     3" in timeline
    for step in steps:
        row = next(line for line in timeline if line.startswith(f"#{step['seq']} "))
        assert step["name"] in row and re.search(r"\bok\b", row) and f" {step['metadata']['position']} " in row


def test_a_failed_step_is_recorded_once_and_raised_again_on_replay(cairn: Cairn, tmp_path: Path) -> None:
    effects = tmp_path / "effects.log"
    start_order(cairn, {**ORDER_INPUT, "id": "A-2", "card": "declined"})
    assert run(cairn, ORDER, effects).returncode == 0
    log = cairn.log()
    steps = steps_of(log)
    assert [(s["name"], s["metadata"]["outcome"]) for s in steps] == [
        ("reserve stock", "ok"), ("charge card", "error"), ("release stock", "ok")]
    failed = steps[1]
    assert set(failed["metadata"]) == STEP_METADATA
    # Not retried: the handler's retry_if excludes PaymentDeclined.
    assert failed["metadata"]["attempts"] == "1"
    assert failed["body"] == {"error": "card of ada declined for 120", "type": "PaymentDeclined"}
    # The replay raised StepFailed with the recorded message; the handler compensated.
    assert result_of(log) == {"order": "A-2", "status": "payment declined", "reason": "card of ada declined for 120"}
    assert effect_lines(effects) == ["reserved atlas, compass for A-2", f"released {steps[0]['body']}"]


def test_a_changed_handler_fails_with_a_nondeterminism_error(cairn: Cairn, tmp_path: Path) -> None:
    effects = tmp_path / "effects.log"
    parent = start_order(cairn)
    assert run(cairn, ORDER, effects).returncode == 0
    log = cairn.log()
    last_step = steps_of(log)[-1]["seq"]

    # The same handler with the step at position 1 renamed.
    changed_dir = tmp_path / "changed"
    changed_dir.mkdir()
    shutil.copy(EXAMPLE / "cairn_steps.py", changed_dir)
    source = ORDER.read_text()
    assert source.count('"charge card"') == 2
    (changed_dir / "order.py").write_text(source.replace('"charge card"', '"capture payment"'))

    child = cairn.out("fork", "--at", str(last_step))
    assert child != parent
    result = run(cairn, changed_dir / "order.py", effects)
    assert result.returncode == 1
    child_log = cairn.log()
    own = own_entries(child_log)
    assert events(own) == ["fork", "error"]
    report = own[1]["body"]
    message = ("nondeterminism at step position 1: the log recorded step 'charge card' "
               "but the workflow asked for step 'capture payment'")
    # A process handler cannot choose the error entry's message; the message is the last line of its stderr.
    assert report["kind"] == "exit" and report["exit-status"] == 1
    assert report["stderr-tail"].rstrip("\n").splitlines()[-1] == f"cairn_steps.NondeterminismError: {message}"
    assert any(message in line for line in cairn.log_text() if "  error  " in line)
    # Nothing ran again, and the parent is untouched.
    assert effect_lines(effects) == EFFECTS
    assert cairn.log(parent) == log

    # The unchanged handler on another fork replays to the same result, running nothing.
    cairn.out("fork", "--session", parent, "--at", str(last_step))
    assert run(cairn, ORDER, effects).returncode == 0
    replayed = cairn.log()
    assert events(own_entries(replayed)) == ["fork", "push", "finish"]
    assert result_of(replayed) == result_of(log)
    assert effect_lines(effects) == EFFECTS


@pytest.mark.parametrize("how", ["exit", "kill-runner"])
def test_a_crash_after_an_effect_repeats_only_that_step(cairn: Cairn, tmp_path: Path, how: str) -> None:
    effects = tmp_path / "effects.log"
    start_order(cairn)
    crashed = run(cairn, ORDER, effects, ORDER_CRASH_AFTER="charge card", ORDER_CRASH_HOW=how)
    log = cairn.log()
    # The charge happened, its record did not land.
    assert effect_lines(effects) == EFFECTS[:2]
    assert [s["name"] for s in steps_of(log)] == ["reserve stock"]
    if how == "exit":
        assert crashed.returncode == 1
        assert events(log)[-1] == "error" and log[-1]["body"]["exit-status"] == 3
        # A failed session waits for a push or a wake.
        assert run(cairn, ORDER, effects).returncode == 1
        assert len(cairn.log()) == len(log)
        cairn("wake")
    else:
        assert crashed.returncode == -9
        assert events(log)[-1] == "step"  # nothing recorded for the crash: the session is pending

    result = run(cairn, ORDER, effects)
    assert result.returncode == 0, result.stderr.decode()
    log = cairn.log()
    assert events(log)[-1] == "finish"
    # Only the step in flight at the crash ran twice; every position is recorded once.
    assert Counter(effect_lines(effects)) == Counter({EFFECTS[0]: 1, EFFECTS[1]: 2, EFFECTS[2]: 1})
    assert [s["metadata"]["position"] for s in steps_of(log)] == ["0", "1", "2"]
    assert result_of(log)["payment"] == steps_of(log)[1]["body"]


HELPER_HANDLER = """
import os, sys
import cairn_steps

steps = cairn_steps.Steps()
counts = os.environ["COUNTS"]

def flaky():
    with open(counts, "a") as f:
        f.write("flaky\\n")
    attempt = open(counts).read().count("flaky")
    if attempt < 3:
        raise ConnectionError(f"attempt {attempt} failed")
    return {"attempt": attempt}

value = steps.step("flaky", flaky, retries=3, backoff=0.01)
now = steps.now()
uid = steps.uuid()
if os.environ.get("SKIP_RANDOM") != "1":
    number = steps.random(1, 10**9)
else:
    number = None
steps.finish({"flaky": value, "now": now.isoformat(), "uuid": str(uid), "random": number})
"""


def test_retries_and_recorded_values_replay_identically(cairn: Cairn, tmp_path: Path) -> None:
    handler = tmp_path / "helper" / "handler.py"
    handler.parent.mkdir()
    shutil.copy(EXAMPLE / "cairn_steps.py", handler.parent)
    handler.write_text(HELPER_HANDLER)
    counts = tmp_path / "counts"
    parent = cairn.start()
    result = cairn("run", "--once", "--", PYTHON, str(handler), env={"COUNTS": str(counts)}, check=False)
    assert result.returncode == 0, result.stderr.decode()
    log = cairn.log()
    steps = steps_of(log)
    assert [(s["name"], s["metadata"]["kind"], s["metadata"]["position"]) for s in steps] == [
        ("flaky", "step", "0"), ("now", "now", "1"), ("uuid", "uuid", "2"), ("random", "random", "3")]
    assert steps[0]["metadata"]["attempts"] == "3" and steps[0]["body"] == {"attempt": 3}
    assert isinstance(steps[1]["body"], int) and re.fullmatch(r"[0-9A-F-]{36}", steps[2]["body"])
    first = result_of(log)
    assert first["flaky"] == {"attempt": 3} and first["uuid"] == steps[2]["body"].lower()

    # Replayed on a fork: the same values, and the flaky function is not called again.
    cairn.out("fork", "--at", str(steps[-1]["seq"]))
    cairn("run", "--once", "--", PYTHON, str(handler), env={"COUNTS": str(counts)})
    assert result_of(cairn.log()) == first
    assert counts.read_text().count("flaky") == 3

    # A handler that no longer asks for a recorded step fails when it finishes.
    cairn.out("fork", "--session", parent, "--at", str(steps[-1]["seq"]))
    failed = cairn("run", "--once", "--", PYTHON, str(handler), env={"COUNTS": str(counts), "SKIP_RANDOM": "1"}, check=False)
    assert failed.returncode == 1
    tail = cairn.log()[-1]["body"]["stderr-tail"].rstrip("\n").splitlines()[-1]
    assert tail == ("cairn_steps.NondeterminismError: nondeterminism at step position 3: the log recorded "
                    "random 'random' but the workflow finished without asking for it")
