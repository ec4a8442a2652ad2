"""`cairn run --triggers FILE --all`: triggers fire while a handler process drives the sessions they
start, with the real pugmark SDK as the handler; webhook triggers are refused (they need
`cairn serve`)."""

from __future__ import annotations

import json
import signal
import subprocess

from conftest import REPO
from test_run_forever import wait_for

ECHO = REPO / "Examples" / "echo-python" / "handler.py"

TRIGGERS = """
triggers:
  tick:
    type: interval
    interval_seconds: 0.3
    agent: echo
    payload: {kind: input, text: tick}
"""


def echoed_sessions(cairn) -> list:
    sessions = []
    listing = cairn("ls", "-b", cairn.store, check=False)
    if listing.returncode != 0:  # cairn run has not created the store yet
        return sessions
    for line in listing.stdout.decode().splitlines():
        sid = line.split()[1] if line.startswith("*") else line.split()[0]
        if "agent=echo" not in line:
            continue
        log = [json.loads(line) for line in cairn.out("log", "--json", "--session", sid, "-b", cairn.store).splitlines() if line.strip()]
        if any(entry.get("body") == {"kind": "echo", "text": "TICK"} for entry in log):
            sessions.append(sid)
    return sessions


def test_run_drives_the_sessions_its_triggers_start(cairn):
    (cairn.workdir / "triggers.yaml").write_text(TRIGGERS)
    runner = subprocess.Popen(
        [cairn.bin, "run", "--all", "--poll-interval", "50", "--triggers", "triggers.yaml", "-b", cairn.store,
         "--", "python3", str(ECHO)],
        cwd=cairn.workdir, env=cairn.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: len(echoed_sessions(cairn)) >= 2, "two trigger-started sessions answered by the handler", timeout=60)
    finally:
        runner.send_signal(signal.SIGTERM)
        _, stderr = runner.communicate(timeout=30)
    assert runner.returncode == 0, stderr.decode()
    fires = cairn.out("trigger", "ls", "-c", "triggers.yaml", "-b", cairn.store)
    assert fires.startswith("tick  interval  config"), fires


def test_run_refuses_webhook_triggers_and_bad_ones_naming_the_field(cairn):
    (cairn.workdir / "hooks.yaml").write_text("triggers:\n  hook: {type: webhook, agent: a}\n")
    result = cairn("run", "--all", "--triggers", "hooks.yaml", "-b", cairn.store, "--", "true", check=False, timeout=30)
    assert result.returncode != 0
    assert b"cairn serve" in result.stderr, result.stderr
    (cairn.workdir / "bad.yaml").write_text("triggers:\n  t: {type: cron, cron_expression: '* * * *', agent: a}\n")
    result = cairn("run", "--all", "--triggers", "bad.yaml", "-b", cairn.store, "--", "true", check=False, timeout=30)
    assert result.returncode != 0
    assert b"triggers.t: cron_expression" in result.stderr, result.stderr
