"""Crash test of triggers: `cairn serve` is SIGKILLed at random moments while a 1-second interval
trigger runs and senders post signed webhooks, then restarted. Afterwards every acknowledged (202)
webhook fire and every due interval fire is in the log exactly once: one fire-log entry and one
push into its session."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Dict, List, Set

from serve_support import Server, wait_for

SECRET = "crash-secret"

CONFIG = f"""
server:
  poll_interval_ms: 50
triggers:
  tick:
    type: interval
    interval_seconds: 1
    missed: all
    max_missed: 10000
    agent: ticker
  hook:
    type: webhook
    signature_scheme: generic
    hmac_secret: {SECRET}
    agent: receiver
"""


def post_hook(base: str, delivery: str) -> int:
    """Posts one signed webhook with delivery id `delivery`; returns the status (0: no answer)."""
    body = json.dumps({"delivery": delivery}).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        base + "/hooks/hook", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Webhook-Signature": signature, "X-Webhook-Id": delivery})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def sessions_of(server: Server, agent: str) -> List[str]:
    ids: List[str] = []
    cursor = ""
    while True:
        reply = server.request("GET", f"/v1/sessions?agent={agent}&limit=1000" + (f"&cursor={cursor}" if cursor else ""))
        assert reply.status == 200, reply
        page = reply.json()
        ids += [item["id"] for item in page["sessions"]]
        if not page["next-cursor"]:
            return ids
        cursor = page["next-cursor"]


def fire_log(server: Server, trigger: str) -> List[Dict]:
    logs = [sid for sid in sessions_of(server, "cairn.trigger") if server.session(sid)["metadata"].get("trigger") == trigger]
    assert len(logs) == 1, logs
    return [entry for entry in server.entries(logs[0]) if entry["event"] == "fire"]


def pushes_by_fire(server: Server, agent: str, trigger: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for sid in sessions_of(server, agent):
        for entry in server.entries(sid):
            if entry["event"] == "push" and entry["source"] == "trigger":
                assert entry["metadata"]["trigger"] == trigger
                fire = entry["metadata"]["fire"]
                counts[fire] = counts.get(fire, 0) + 1
    return counts


def test_sigkill_during_interval_and_webhook_fires_loses_and_doubles_nothing(tmp_path):
    rng = random.Random(20261203)
    acknowledged: Set[str] = set()
    unanswered: List[str] = []
    server = Server(tmp_path, CONFIG)
    for round_number in range(6):
        server.start()
        base = server.base
        # Senders retry some deliveries that got no answer before the crash, as real senders do.
        retries, unanswered = unanswered[: len(unanswered) // 2], unanswered[len(unanswered) // 2:]
        stop = threading.Event()
        lock = threading.Lock()

        def send(worker: int) -> None:
            pending = [d for i, d in enumerate(retries) if i % 4 == worker]
            while not stop.is_set():
                delivery = pending.pop() if pending else str(uuid.uuid4())
                status = post_hook(base, delivery)
                with lock:
                    if status == 202:
                        acknowledged.add(delivery)
                    elif status == 0:
                        unanswered.append(delivery)
                    else:
                        raise AssertionError(f"webhook answered {status}")

        threads = [threading.Thread(target=send, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.8, 2.5))
        server.stop(signal.SIGKILL)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        time.sleep(rng.uniform(0.0, 1.5))  # downtime: due interval fires pile up

    server.start()
    try:
        # The restart catches up on the interval's missed due times (missed: all).
        wait_for(lambda: server.request("GET", "/v1/triggers/tick").json()["fire_count"] >= 3, "interval fires")
        time.sleep(1.5)
        server.stop(signal.SIGTERM)
        server.start()

        hook_fires = fire_log(server, "hook")
        hook_ids = [entry["metadata"]["fire"] for entry in hook_fires]
        assert len(hook_ids) == len(set(hook_ids)), "a webhook fire was recorded twice"
        for delivery in acknowledged:
            assert f"delivery-{delivery}" in hook_ids, f"acknowledged delivery {delivery} is not in the fire log"
        hook_pushes = pushes_by_fire(server, "receiver", "hook")
        assert {fire: count for fire, count in hook_pushes.items() if count != 1} == {}, "a webhook fire was pushed twice"
        assert set(hook_pushes) == set(hook_ids), "fire log and pushes differ"
        assert len(acknowledged) > 20, f"too few webhook fires were acknowledged ({len(acknowledged)}) for the test to mean much"

        tick_ids = [entry["metadata"]["fire"] for entry in fire_log(server, "tick")]
        assert len(tick_ids) == len(set(tick_ids)), "an interval fire was recorded twice"
        times = sorted(time_of(text) for text in tick_ids)
        gaps = [round(b - a, 3) for a, b in zip(times, times[1:])]
        assert all(gap == 1.0 for gap in gaps), f"interval due times missing or doubled: gaps {gaps}"
        assert len(times) >= 8
        assert time.time() - times[-1] < 5, "the newest due interval fire is missing"
        tick_pushes = pushes_by_fire(server, "ticker", "tick")
        assert {fire: count for fire, count in tick_pushes.items() if count != 1} == {}, "an interval fire was pushed twice"
        assert set(tick_pushes) == set(tick_ids)
    finally:
        server.stop()


def time_of(text: str) -> float:
    from datetime import datetime
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
