"""`cairn run` without --once: it keeps reacting to pushes and due timers, and stops cleanly
on SIGTERM / SIGINT without losing or half-writing anything."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, events, handler_pushes

ECHO = REPO / "Examples" / "echo-python" / "handler.py"


def wait_for(predicate, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def start_runner(cairn, *command: str) -> subprocess.Popen:
    return subprocess.Popen(
        [cairn.bin, "run", "--poll-interval", "50", "--", *command],
        cwd=cairn.workdir, env=cairn.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_run_reacts_to_new_pushes_until_signalled(cairn, stop_signal):
    cairn.start()
    runner = start_runner(cairn, "python3", str(ECHO))
    try:
        cairn.push('{"kind":"input","text":"one"}')
        wait_for(lambda: events(cairn.log())[-1:] == ["pause"], "the first echo and pause")
        cairn.push('{"kind":"input","text":"two"}')
        wait_for(lambda: len(handler_pushes(cairn.log())) == 2 and events(cairn.log())[-1] == "pause", "the second echo")
    finally:
        runner.send_signal(stop_signal)
        try:
            runner.wait(timeout=15)
        except subprocess.TimeoutExpired:
            runner.kill()
            pytest.fail("cairn run did not stop on the signal")
    assert runner.returncode == 0, runner.stderr.read().decode()
    bodies = [e["body"] for e in handler_pushes(cairn.log())]
    assert bodies == [{"kind": "echo", "text": "ONE"}, {"kind": "echo", "text": "TWO"}]


def test_run_wakes_sleeping_sessions_when_their_timer_is_due(cairn, tmp_path: Path):
    script = tmp_path / "nap.py"
    script.write_text(
        "import pugmark\n"
        "log = list(pugmark.read())\n"
        "if log[-1].event() == 'wake':\n"
        "    pugmark.write_text('rested', name='after')\n"
        "elif log[-1].name() == 'after':\n"
        "    pugmark.pause('done')\n"
        "else:\n"
        "    pugmark.sleep(0.3, reason='nap')\n")
    cairn.start()
    runner = start_runner(cairn, "python3", str(script))
    try:
        wait_for(lambda: "after" in [e["name"] for e in cairn.log()] and events(cairn.log())[-1] == "pause", "the wake after the sleep")
    finally:
        runner.terminate()
        runner.wait(timeout=15)
    assert events(cairn.log()) == ["start", "sleep", "wake", "push", "pause"]
