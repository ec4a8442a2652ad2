"""The first hour of a new user: the README's Quick start, verbatim, then the next commands a user
tries (`cairn wake`, `cairn fork`, `cairn run` before any push, a push that is not JSON), with the
README's handler and with the fold loop of the pugmark SDK's README. Every entry a handler reads
must decode as JSON, so no run ends in an error entry."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from conftest import Cairn, events

REPO = Path(__file__).resolve().parents[2]

# The pugmark README's "Reading inputs" loop: every entry is JSON.
FOLD = """import pugmark

state = []
for obj in pugmark.read():
    event = obj.decode_json()       # every entry is JSON
    state.append(event)
pugmark.pause(f"folded {len(state)} entries")
"""


def quick_start() -> str:
    """The Quick start's shell block, without the two lines that build and put cairn on PATH."""
    text = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start\n\n```\n(.*?)```", text, re.S)
    assert block, "README.md has no Quick start block"
    lines = block[1].splitlines()
    assert lines[:2] == ["swift build", 'export PATH="$PWD/.build/debug:$PATH"'], lines[:2]
    return "\n".join(lines[2:]) + "\n"


def test_quick_start_then_wake_fork_and_text_pushes_never_error(cairn: Cairn, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "cairn").symlink_to(cairn.bin)
    env = {**cairn.env, "PATH": f"{bindir}{os.pathsep}{cairn.env.get('PATH', '')}", "TMPDIR": str(tmp_path)}
    workdir = tmp_path / "work"
    script = f"""set -e
mkdir -p {workdir} && cd {workdir}
{quick_start().replace('cd "$(mktemp -d)"', ':')}
cat > fold.py <<'PY'
{FOLD}PY
cairn wake
cairn run --once -- python3 fold.py
cairn wake
cairn run --once -- python3 handler.py
cairn fork
cairn run --once -- python3 handler.py
cairn start
cairn run --once -- python3 handler.py
echo hello | cairn push
cairn run --once -- python3 fold.py
echo again | cairn push
cairn run --once -- python3 handler.py
cairn ls
"""
    result = subprocess.run(["bash", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert "pushed it as a JSON string" in result.stderr.decode()

    cairn.workdir = workdir
    sessions = [line.split()[1] if line.startswith("*") else line.split()[0] for line in cairn.out("ls").splitlines()]
    assert len(sessions) == 3
    for session in sessions:
        log = cairn.log(session)
        assert "error" not in events(log), f"{session}: {events(log)}"
        assert events(log)[-1] == "pause", f"{session}: the handler pauses"
        for entry in log:
            assert entry["content-type"] == "application/json", entry
    first, child, fresh = (cairn.log(s) for s in sessions)
    assert events(first) == ["start", "push", "push", "pause", "wake", "pause", "wake", "pause"]
    assert first[0]["body"] == {"event": "start"} and first[4]["body"] == {"event": "wake", "reason": "manual"}
    assert first[5]["body"] == {"event": "pause", "reason": "folded 5 entries"}, "the fold decodes every entry"
    assert first[7]["body"] == {"event": "pause", "reason": "nothing to echo"}
    assert events(child)[-2:] == ["fork", "pause"] and child[-2]["body"]["event"] == "fork"
    assert events(fresh) == ["start", "pause", "push", "pause", "push", "pause"], "a run before any push pauses"
    assert fresh[2]["body"] == "hello\n", "text that is not JSON is pushed as a JSON string"
    assert fresh[3]["body"] == {"event": "pause", "reason": "folded 3 entries"}
    assert fresh[5]["body"] == {"event": "pause", "reason": "nothing to echo"}


def test_version_completion_init_and_doctor(cairn: Cairn, tmp_path: Path) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", cairn.out("--version"))
    assert "cairn" in cairn.out("completion", "bash") and cairn("completion", "tcsh", check=False).returncode != 0

    wrote = cairn.out("init")
    assert wrote.startswith("wrote cairn.yaml") and (cairn.workdir / "cairn.yaml").exists()
    again = cairn("init", check=False)
    assert again.returncode != 0 and b"pass --force" in again.stderr
    fine = cairn("doctor", "-b", str(tmp_path / "fresh"), check=False)
    assert b"ok    configuration cairn.yaml" in fine.stdout, fine.stdout.decode()

    (cairn.workdir / "bad.yaml").write_text(
        "server:\n  prot: 7420\nhandlers:\n  echo:\n    command: [no-such-program-xyz]\n  broken:\n    comand: [x]\n"
        "triggers:\n  nightly: {type: cron, agent: echo, cron_expression: '61 * * * *'}\n")
    broken = cairn("doctor", "-c", "bad.yaml", "-b", str(tmp_path / "fresh"), check=False)
    text = broken.stdout.decode()
    assert broken.returncode == 1, text
    assert "unknown key prot in 'server'" in text and "handlers.broken must name exactly one handler kind" in text
    assert "handlers.echo.command: 'no-such-program-xyz' is not on PATH" in text
    assert "trigger nightly" in text and "61 is out of range" in text
    assert re.search(r"[45] problems found", text), "4, or 5 when port 7420 is taken on this machine"


def test_store_paths_say_what_they_are(cairn: Cairn, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a store")
    refused = cairn("start", "-b", str(tmp_path / "notes.txt"), check=False)
    assert refused.returncode != 0 and b"is a file, not a file-store folder" in refused.stderr
    assert cairn("start", "-b", str(tmp_path / "cairn.db"), check=False).returncode == 0
    assert cairn.current()["store"] == f"sqlite://{tmp_path}/cairn.db"
