"""Several runtimes and workers on one store: compare-and-swap means no event is ever answered
twice, and a runtime that dies mid-invocation blocks nobody."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import HANDLERS, PYTHON, events

ECHO = [PYTHON, str(HANDLERS / "echo_counted.py")]


def store_url(kind: str, tmp_path: Path, request=None, cairn=None) -> str:
    if kind == "s3":
        url = request.getfixturevalue("s3_store")
        cairn.env.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"})
        return url
    return f"sqlite://{tmp_path}/cairn.db" if kind == "sqlite" else f"file://{tmp_path}/store"


def make_sessions(cairn, url: str, count: int) -> list[str]:
    ids = [cairn.out("start", "-b", url) for _ in range(count)]
    return ids


def push_inputs(cairn, url: str, ids: list[str], round_: int) -> None:
    for sid in ids:
        cairn("push", "-b", url, "--session", sid, "--metadata", "kind=input", input=json.dumps({"round": round_, "sid": sid}))


def answers(cairn, url: str, sid: str) -> list[dict]:
    lines = cairn.out("log", "-b", url, "--session", sid, "--json").splitlines()
    return [json.loads(l) for l in lines]


def check_each_input_answered_once(cairn, url: str, ids: list[str], rounds: int) -> None:
    for sid in ids:
        log = answers(cairn, url, sid)
        inputs = [e for e in log if e["event"] == "push" and e["metadata"].get("kind") == "input"]
        echoes = [e for e in log if e["event"] == "push" and e["source"] == "handler"]
        assert len(inputs) == rounds, (sid, events(log))
        assert [e["body"]["echo"] for e in echoes] == [i["body"] for i in inputs], f"{sid}: {events(log)}"
        # Every echo directly follows its input: nobody appended for a stale event.
        for echo in echoes:
            assert log[echo["seq"] - 1]["metadata"].get("kind") == "input", events(log)
        assert log[-1]["event"] == "pause"


@pytest.mark.parametrize("kind", ["file", "sqlite", "s3"])
def test_two_runtimes_racing_on_the_same_sessions_never_append_twice(cairn, tmp_path, kind, request):
    url = store_url(kind, tmp_path, request, cairn)
    ids = make_sessions(cairn, url, 8)
    count_file = tmp_path / "invocations.txt"
    rounds = 3
    for round_ in range(rounds):
        push_inputs(cairn, url, ids, round_)
        runners = [
            subprocess.Popen([cairn.bin, "run", "-b", url, "--once", "--all", "--", *ECHO], cwd=cairn.workdir,
                             env={**cairn.env, "COUNT_FILE": str(count_file)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for runner in runners:
            _, err = runner.communicate(timeout=120)
            assert runner.returncode == 0, err.decode()
    check_each_input_answered_once(cairn, url, ids, rounds)
    # Both runtimes really raced: the handler saw some events more than once (discarded by CAS).
    invocations = Counter(count_file.read_text().split("\n"))
    print(f"{kind}: {sum(invocations.values())} invocations for {len(ids) * rounds * 2} needed")


@pytest.mark.parametrize("kind", ["file", "sqlite", "s3"])
def test_a_runtime_killed_mid_invocation_blocks_nobody(cairn, tmp_path, kind, request):
    url = store_url(kind, tmp_path, request, cairn)
    (sid,) = make_sessions(cairn, url, 1)
    push_inputs(cairn, url, [sid], 0)
    started = tmp_path / "started"
    slow = subprocess.Popen([cairn.bin, "run", "-b", url, "--session", sid, "--", *ECHO], cwd=cairn.workdir,
                            env={**cairn.env, "SLOW_SECONDS": "30", "STARTED_FILE": str(started)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not started.exists():
        assert time.monotonic() < deadline, "the slow handler never started"
        time.sleep(0.05)
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=10)
    began = time.monotonic()
    cairn("run", "-b", url, "--once", "--session", sid, "--", *ECHO, timeout=60)
    assert time.monotonic() - began < 20, "the second runtime was held up by the dead one"
    check_each_input_answered_once(cairn, url, [sid], 1)


def test_workers_share_sessions_through_a_pool(cairn, tmp_path):
    url = store_url("sqlite", tmp_path)
    ids = make_sessions(cairn, url, 16)
    push_inputs(cairn, url, ids, 0)
    count_file = tmp_path / "invocations.txt"
    workers = [
        subprocess.Popen([cairn.bin, "worker", "-b", url, "--pool", "main", "--worker-id", f"w{i}", "--once", "--", *ECHO],
                         cwd=cairn.workdir, env={**cairn.env, "COUNT_FILE": str(count_file)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(3)
    ]
    outputs = []
    for worker in workers:
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()
        outputs.append(err.decode())
    check_each_input_answered_once(cairn, url, ids, 1)
    done = [int(line.split(": ")[1].split(" ")[0]) for out in outputs for line in out.splitlines() if "item(s) done" in line]
    assert sum(done) >= len(ids), outputs
