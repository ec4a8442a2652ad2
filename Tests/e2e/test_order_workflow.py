"""The order workflow example (Examples/order-workflow) across real process restarts: the signal
and the timer survive them, and each effect happens exactly once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

ORDER = {"id": "A-1", "items": ["atlas", "compass"], "amount": 120, "customer": "ada"}


def order_workflow_bin(cairn) -> str:
    path = Path(cairn.bin).parent / "order-workflow"
    if not path.exists():
        pytest.skip(f"{path} is not built (swift build builds it)")
    return str(path)


def run_workflow(cairn, binary: str) -> str:
    import subprocess
    result = subprocess.run([binary, "--once", "-b", cairn.store], cwd=cairn.workdir, env={**cairn.env, "ORDER_PICKUP_SECONDS": "1"},
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return result.stderr.decode()


def test_order_workflow_waits_for_approval_and_a_timer_across_restarts(cairn):
    binary = order_workflow_bin(cairn)
    cairn.start("--agent", "order")
    cairn.push(json.dumps(ORDER), name="input")
    assert "waiting for signal 'approval'" in run_workflow(cairn, binary)
    # Nothing new: a restart replays and waits again without repeating the reservation.
    assert run_workflow(cairn, binary) == ""
    cairn.push(json.dumps({"approved": True, "by": "grace"}), name="approval")
    assert "sleeping until" in run_workflow(cairn, binary)
    deadline = time.monotonic() + 20
    while True:
        out = run_workflow(cairn, binary)
        if "finished" in out:
            break
        assert time.monotonic() < deadline, out
        time.sleep(0.2)
    effects = (cairn.workdir / "effects.log").read_text().splitlines()
    assert effects == ["reserved atlas, compass for A-1", "charged ada 120.0 for A-1", "shipped A-1"]
    log = cairn.log()
    result = [e for e in log if e["name"] == "result"][-1]["body"]
    assert result["status"] == "shipped" and result["order"] == "A-1"
    assert log[-1]["event"] == "finish"
    inspect = cairn.out("inspect")
    for name in ["reserve stock", "approval", "charge card", "warehouse pick-up", "ship"]:
        assert name in inspect, inspect


def test_a_rejected_order_releases_its_stock(cairn):
    binary = order_workflow_bin(cairn)
    cairn.start("--agent", "order")
    cairn.push(json.dumps(ORDER), name="input")
    run_workflow(cairn, binary)
    cairn.push(json.dumps({"approved": False, "by": "grace"}), name="approval")
    assert "finished" in run_workflow(cairn, binary)
    effects = (cairn.workdir / "effects.log").read_text().splitlines()
    assert len(effects) == 2 and effects[0] == "reserved atlas, compass for A-1"
    assert effects[1].startswith("released reserved-")
    result = [e for e in cairn.log() if e["name"] == "result"][-1]["body"]
    assert result["status"] == "rejected by grace"
