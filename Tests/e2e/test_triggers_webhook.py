"""Webhook triggers of `cairn serve` end to end: the real server on 127.0.0.1, real signed HTTP
requests (signatures computed with hmac/hashlib, and Stripe's own library where it is installed),
and the fires read back through the API as the sessions they started."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from serve_support import Reply, Server, wait_for

DELIVERY_TIMEOUT = 15.0  # seconds for a recorded fire to show up as its session's push

GENERIC_SECRET = "generic-s3cret-Q7xv"
GITHUB_SECRET = "gh-s3cret-Zk41"
STRIPE_SECRET = "whsec_stripeS3cretM9p2"
SLACK_SECRET = "slack-s3cret-from-env-W3n8"  # given through hmac_secret_env
HEADER_SECRET = "header-s3cret-Lq55"
TELEGRAM_SECRET = "telegram-s3cret-Hh07"
GATE_SECRET = "gate-s3cret-Rr19"  # the allowlist, size and filter triggers
ALL_SECRETS = [GENERIC_SECRET, GITHUB_SECRET, STRIPE_SECRET, SLACK_SECRET, HEADER_SECRET, TELEGRAM_SECRET, GATE_SECRET]

MAIN_CONFIG = f"""\
server:
  poll_interval_ms: 100
triggers:
  generic:
    type: webhook
    agent: generic-agent
    signature_scheme: generic
    hmac_secret: {GENERIC_SECRET}
    webhook_path: /hooks/generic
  gh:
    type: webhook
    agent: builder
    signature_scheme: github
    hmac_secret: {GITHUB_SECRET}
    webhook_path: /hooks/gh
  stripe:
    type: webhook
    agent: stripe-agent
    signature_scheme: stripe
    hmac_secret: {STRIPE_SECRET}
    signature_tolerance: 300
    webhook_path: /hooks/stripe
  slack:
    type: webhook
    agent: slack-agent
    signature_scheme: slack
    hmac_secret_env: SLACK_SIGNING_SECRET
    webhook_path: /hooks/slack
  header:
    type: webhook
    agent: header-agent
    signature_scheme: header
    signature_header: X-My-Token
    hmac_secret: {HEADER_SECRET}
    webhook_path: /hooks/header
  telegram:
    type: webhook
    agent: telegram-agent
    signature_scheme: telegram
    hmac_secret: {TELEGRAM_SECRET}
  denied:
    type: webhook
    agent: denied-agent
    signature_scheme: github
    hmac_secret: {GATE_SECRET}
    webhook_path: /hooks/denied
    allowed_sources: ["10.0.0.0/8"]
  allowed:
    type: webhook
    agent: allowed-agent
    signature_scheme: github
    hmac_secret: {GATE_SECRET}
    webhook_path: /hooks/allowed
    allowed_sources: ["127.0.0.0/8"]
  small:
    type: webhook
    agent: small-agent
    signature_scheme: github
    hmac_secret: {GATE_SECRET}
    webhook_path: /hooks/small
    webhook_max_body_bytes: 100
  filtered:
    type: webhook
    agent: filtered-agent
    signature_scheme: github
    hmac_secret: {GATE_SECRET}
    webhook_path: /hooks/filtered
    filter_expression: "payload['ref'] == 'refs/heads/main'"
"""


# -- signing ----------------------------------------------------------------------------------


def hexmac(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def generic_headers(body: bytes, secret: str = GENERIC_SECRET) -> Dict[str, str]:
    return {"X-Webhook-Signature": "sha256=" + hexmac(secret, body)}


def github_headers(body: bytes, secret: str = GITHUB_SECRET, delivery: Optional[str] = None) -> Dict[str, str]:
    headers = {"X-Hub-Signature-256": "sha256=" + hexmac(secret, body), "X-GitHub-Event": "push"}
    if delivery is not None:
        headers["X-GitHub-Delivery"] = delivery
    return headers


def stripe_headers(body: bytes, secret: str = STRIPE_SECRET, t: Optional[int] = None) -> Dict[str, str]:
    t = int(time.time()) if t is None else t
    return {"Stripe-Signature": f"t={t},v1={hexmac(secret, f'{t}.'.encode() + body)}"}


def slack_headers(body: bytes, secret: str = SLACK_SECRET, ts: Optional[int] = None) -> Dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": "v0=" + hexmac(secret, f"v0:{ts}:".encode() + body)}


def header_headers(body: bytes, secret: str = HEADER_SECRET) -> Dict[str, str]:
    return {"X-My-Token": secret}


def telegram_headers(body: bytes, secret: str = TELEGRAM_SECRET) -> Dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": secret}


def nonce() -> str:
    return uuid.uuid4().hex


def json_body(**fields: Any) -> bytes:
    """A JSON body with unusual spacing, a non-ASCII character and a trailing newline, so any
    re-serialization by the server shows as a difference from the bytes sent."""
    return (json.dumps(fields, ensure_ascii=False, indent=1).replace("\n", "\n  ") + "\n").encode()


class Scheme:
    """How to build a valid, a wrongly signed and an unsigned request for one configured trigger."""

    def __init__(self, trigger: str, agent: str, path: str, secret: str, body: Callable[[], bytes],
                 sign: Callable[..., Dict[str, str]], unsigned: Callable[[bytes], Dict[str, str]],
                 event_id: Callable[[bytes, Dict[str, str]], Optional[str]]):
        self.trigger, self.agent, self.path, self.secret = trigger, agent, path, secret
        self.body, self.sign, self.unsigned, self.event_id = body, sign, unsigned, event_id


SCHEMES: Dict[str, Scheme] = {
    "generic": Scheme(
        "generic", "generic-agent", "/hooks/generic", GENERIC_SECRET,
        lambda: json_body(action="opened", nonce=nonce(), text="café"),
        lambda body, secret=GENERIC_SECRET: generic_headers(body, secret),
        lambda body: {}, lambda body, headers: None),
    "github": Scheme(
        "gh", "builder", "/hooks/gh", GITHUB_SECRET,
        lambda: json_body(ref="refs/heads/main", after=nonce(), text="café"),
        lambda body, secret=GITHUB_SECRET: github_headers(body, secret, delivery=str(uuid.uuid4())),
        lambda body: {"X-GitHub-Delivery": str(uuid.uuid4()), "X-GitHub-Event": "push"},
        lambda body, headers: "delivery-" + headers["X-GitHub-Delivery"]),
    "stripe": Scheme(
        "stripe", "stripe-agent", "/hooks/stripe", STRIPE_SECRET,
        lambda: json_body(id=f"evt_{nonce()}", object="event", type="charge.succeeded", text="café"),
        lambda body, secret=STRIPE_SECRET: stripe_headers(body, secret),
        lambda body: {}, lambda body, headers: "delivery-" + json.loads(body)["id"]),
    "slack": Scheme(
        "slack", "slack-agent", "/hooks/slack", SLACK_SECRET,
        lambda: json_body(type="event_callback", event_id=f"Ev{nonce()}", event={"type": "message", "text": "café"}),
        lambda body, secret=SLACK_SECRET: slack_headers(body, secret),
        lambda body: {"X-Slack-Request-Timestamp": str(int(time.time()))},
        lambda body, headers: "delivery-" + json.loads(body)["event_id"]),
    "header": Scheme(
        "header", "header-agent", "/hooks/header", HEADER_SECRET,
        lambda: json_body(kind="header", nonce=nonce(), text="café"),
        lambda body, secret=HEADER_SECRET: header_headers(body, secret),
        lambda body: {}, lambda body, headers: None),
    "telegram": Scheme(
        "telegram", "telegram-agent", "/hooks/telegram", TELEGRAM_SECRET,  # the default path, /hooks/<name>
        lambda: json_body(message={"text": "café", "nonce": nonce()}),
        lambda body, secret=TELEGRAM_SECRET: telegram_headers(body, secret),
        lambda body: {}, lambda body, headers: None),
}


# -- talking to the server --------------------------------------------------------------------


def http(method: str, url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
         timeout: float = 30.0) -> Reply:
    """One request to any URL (a webhook's own port); never sends a bearer token."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


def post(server: Server, path: str, body: bytes, headers: Dict[str, str],
         content_type: str = "application/json") -> Reply:
    return server.request("POST", path, body, headers={"Content-Type": content_type, **headers}, token=None)


def sessions_of(server: Server, agent: str) -> List[str]:
    reply = server.request("GET", f"/v1/sessions?agent={agent}&limit=1000")
    assert reply.status == 200, reply
    page = reply.json()
    assert page["next-cursor"] is None, "more than 1000 sessions: the test expects far fewer"
    return [s["id"] for s in page["sessions"]]


def triggers(server: Server) -> Dict[str, Dict[str, Any]]:
    reply = server.request("GET", "/v1/triggers")
    assert reply.status == 200, reply
    listing = reply.json()
    assert listing["count"] == len(listing["triggers"]), listing
    return {t["name"]: t for t in listing["triggers"]}


def trigger(server: Server, name: str) -> Dict[str, Any]:
    listed = triggers(server)
    assert name in listed, f"trigger {name} is not listed: {sorted(listed)}"
    return listed[name]


def recorded(server: Server, name: str, agent: str) -> Tuple[int, int]:
    """(sessions of the agent, fires of the trigger): what a refused request must leave unchanged."""
    return len(sessions_of(server, agent)), trigger(server, name)["fire_count"]


def pushes_of(server: Server, sid: str) -> List[Dict[str, Any]]:
    """The session's push entries; [] while the session does not exist."""
    reply = server.request("GET", f"/v1/sessions/{sid}/entries?all=true&limit=1000")
    if reply.status == 404:
        return []
    assert reply.status == 200, reply
    return [e for e in reply.json()["entries"] if e["event"] == "push"]


def accepted(reply: Reply, *, duplicate: bool = False) -> Dict[str, Any]:
    assert reply.status == 202, reply
    answer = reply.json()
    assert answer["status"] == "accepted", answer
    assert isinstance(answer["event_id"], str) and answer["event_id"], answer
    assert isinstance(answer["session"], str) and len(answer["session"]) == 26, answer
    if duplicate:
        assert answer.get("duplicate") is True, answer
    else:
        assert answer.get("duplicate", False) is False, answer
    return answer


def delivered(server: Server, answer: Dict[str, Any], sent: bytes, name: str, agent: str) -> Dict[str, Any]:
    """Checks that the fire's session is a session of `agent` holding exactly one push: the
    trigger's, with the fire's id, whose body is the bytes that were sent."""
    sid = answer["session"]
    wait_for(lambda: pushes_of(server, sid), f"the push of fire {answer['event_id']} in session {sid}", timeout=DELIVERY_TIMEOUT)
    session = server.session(sid)
    assert session["agent"] == agent, session
    log = server.entries(sid)
    pushes = [e for e in log if e["event"] == "push"]
    assert len(pushes) == 1, log
    push = pushes[0]
    assert push["source"] == "trigger", push
    assert push["metadata"].get("trigger") == name, push
    assert push["metadata"].get("fire") == answer["event_id"], push
    raw = server.request("GET", f"/v1/sessions/{sid}/entries/{push['seq']}/body")
    assert raw.status == 200, raw
    assert raw.body == sent, f"the pushed body differs from the request's bytes: {raw.body!r} != {sent!r}"
    return push


def refused(reply: Reply, status: int, *secrets: str) -> None:
    assert reply.status == status, reply
    body = reply.json()
    assert body.get("error"), body
    for secret in secrets:
        assert secret.encode() not in reply.body, "the error shows the secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def trigger_config(name: str, agent: str, secret: str, extra: str = "") -> str:
    return (f"server:\n  poll_interval_ms: 100\ntriggers:\n  {name}:\n    type: webhook\n    agent: {agent}\n"
            f"    signature_scheme: github\n    hmac_secret: {secret}\n    webhook_path: /hooks/{name}\n{extra}")


@pytest.fixture(scope="module")
def hooks(tmp_path_factory) -> Server:
    """One server with a trigger for every scheme and gate, shared by the tests that each use
    their own trigger (and fresh delivery ids)."""
    server = Server(tmp_path_factory.mktemp("webhooks"), MAIN_CONFIG, env={"SLACK_SIGNING_SECRET": SLACK_SECRET}).start()
    try:
        yield server
    finally:
        server.stop()


# -- 1. every scheme --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SCHEMES))
def test_valid_request_starts_a_session_with_the_raw_body(hooks, kind):
    scheme = SCHEMES[kind]
    sessions_before, fires_before = recorded(hooks, scheme.trigger, scheme.agent)
    body = scheme.body()
    headers = scheme.sign(body)
    answer = accepted(post(hooks, scheme.path, body, headers))
    expected_id = scheme.event_id(body, headers)
    if expected_id is None:
        assert not answer["event_id"].startswith("delivery-"), answer
    else:
        assert answer["event_id"] == expected_id, answer
    delivered(hooks, answer, body, scheme.trigger, scheme.agent)
    assert answer["session"] in sessions_of(hooks, scheme.agent)
    assert recorded(hooks, scheme.trigger, scheme.agent) == (sessions_before + 1, fires_before + 1)


@pytest.mark.parametrize("kind", list(SCHEMES))
def test_wrong_secret_is_refused_and_records_nothing(hooks, kind):
    scheme = SCHEMES[kind]
    before = recorded(hooks, scheme.trigger, scheme.agent)
    body = scheme.body()
    refused(post(hooks, scheme.path, body, scheme.sign(body, "wrong-" + scheme.secret)), 401, scheme.secret)
    assert recorded(hooks, scheme.trigger, scheme.agent) == before


@pytest.mark.parametrize("kind", list(SCHEMES))
def test_missing_signature_header_is_refused_and_records_nothing(hooks, kind):
    scheme = SCHEMES[kind]
    before = recorded(hooks, scheme.trigger, scheme.agent)
    body = scheme.body()
    refused(post(hooks, scheme.path, body, scheme.unsigned(body)), 401, scheme.secret)
    assert recorded(hooks, scheme.trigger, scheme.agent) == before


def test_a_signature_over_other_bytes_is_refused(hooks):
    body = SCHEMES["github"].body()
    headers = github_headers(body, delivery=str(uuid.uuid4()))
    before = recorded(hooks, "gh", "builder")
    refused(post(hooks, "/hooks/gh", body + b" ", headers), 401)
    assert recorded(hooks, "gh", "builder") == before


def test_only_post_is_answered_on_a_webhook_path(hooks):
    before = recorded(hooks, "gh", "builder")
    reply = hooks.request("GET", "/hooks/gh", token=None)
    assert reply.status == 405, reply
    assert recorded(hooks, "gh", "builder") == before


# -- 2. Stripe timestamps, replays and retries --------------------------------------------------


def test_stripe_stale_timestamp_is_refused(hooks):
    before = recorded(hooks, "stripe", "stripe-agent")
    body = SCHEMES["stripe"].body()
    refused(post(hooks, "/hooks/stripe", body, stripe_headers(body, t=int(time.time()) - 1000)), 401)
    assert recorded(hooks, "stripe", "stripe-agent") == before


def test_stripe_replay_is_refused_but_a_resigned_retry_is_a_duplicate(hooks):
    body = SCHEMES["stripe"].body()
    t = int(time.time())
    headers = stripe_headers(body, t=t)
    first = accepted(post(hooks, "/hooks/stripe", body, headers))
    assert first["event_id"] == "delivery-" + json.loads(body)["id"], first
    delivered(hooks, first, body, "stripe", "stripe-agent")
    before = recorded(hooks, "stripe", "stripe-agent")

    # The very same signed request again: a replay.
    refused(post(hooks, "/hooks/stripe", body, headers), 401)
    assert recorded(hooks, "stripe", "stripe-agent") == before

    # Stripe's retry of the event: same body (same id), a new timestamp and signature.
    retry = accepted(post(hooks, "/hooks/stripe", body, stripe_headers(body, t=t + 1)), duplicate=True)
    assert (retry["event_id"], retry["session"]) == (first["event_id"], first["session"]), retry
    assert len(pushes_of(hooks, first["session"])) == 1
    assert recorded(hooks, "stripe", "stripe-agent") == before


def test_stripe_request_signed_by_the_stripe_library(hooks):
    stripe = pytest.importorskip("stripe")
    body = SCHEMES["stripe"].body()
    header = stripe.WebhookSignature.generate_signature_header(body.decode("utf-8"), STRIPE_SECRET)
    # The library's own verification agrees with what is sent.
    stripe.WebhookSignature.verify_header(body.decode("utf-8"), header, STRIPE_SECRET, tolerance=300)
    answer = accepted(post(hooks, "/hooks/stripe", body, {"Stripe-Signature": header}))
    delivered(hooks, answer, body, "stripe", "stripe-agent")


# -- 3. GitHub delivery ids -----------------------------------------------------------------------


def test_github_redelivery_is_one_fire(hooks):
    sessions_before, fires_before = recorded(hooks, "gh", "builder")
    body = SCHEMES["github"].body()
    delivery = str(uuid.uuid4())
    answers = [accepted(post(hooks, "/hooks/gh", body, github_headers(body, delivery=delivery)), duplicate=n > 0)
               for n in range(3)]
    assert {a["event_id"] for a in answers} == {f"delivery-{delivery}"}, answers
    assert len({a["session"] for a in answers}) == 1, answers
    delivered(hooks, answers[0], body, "gh", "builder")
    assert recorded(hooks, "gh", "builder") == (sessions_before + 1, fires_before + 1)


def test_github_concurrent_redeliveries_are_one_fire(hooks):
    # Several rounds, each three posts of one delivery at once, so that an interleaving that
    # records or counts a fire twice is met on most runs.
    for round in range(8):
        sessions_before, fires_before = recorded(hooks, "gh", "builder")
        body = SCHEMES["github"].body()
        delivery = str(uuid.uuid4())
        headers = github_headers(body, delivery=delivery)
        barrier = threading.Barrier(3)
        replies: List[Reply] = []
        lock = threading.Lock()

        def send():
            barrier.wait(timeout=30)
            reply = post(hooks, "/hooks/gh", body, headers)
            with lock:
                replies.append(reply)

        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(replies) == 3, replies
        assert [r.status for r in replies] == [202, 202, 202], replies
        answers = [r.json() for r in replies]
        assert {a["event_id"] for a in answers} == {f"delivery-{delivery}"}, answers
        assert len({a["session"] for a in answers}) == 1, answers
        assert sum(1 for a in answers if not a.get("duplicate", False)) == 1, f"exactly one is the first delivery: {answers}"
        delivered(hooks, answers[0], body, "gh", "builder")
        assert recorded(hooks, "gh", "builder") == (sessions_before + 1, fires_before + 1), \
            f"round {round}: (sessions, fire_count) after three concurrent posts of one delivery"


@pytest.mark.parametrize("header", ["X-Webhook-Id", "Idempotency-Key", "X-Request-Id"])
def test_generic_delivery_id_headers_dedupe(hooks, header):
    sessions_before, fires_before = recorded(hooks, "generic", "generic-agent")
    body = SCHEMES["generic"].body()
    delivery = f"d-{nonce()}"
    first = accepted(post(hooks, "/hooks/generic", body, {**generic_headers(body), header: delivery}))
    assert first["event_id"] == f"delivery-{delivery}", first
    again = accepted(post(hooks, "/hooks/generic", body, {**generic_headers(body), header: delivery}), duplicate=True)
    assert (again["event_id"], again["session"]) == (first["event_id"], first["session"]), again
    delivered(hooks, first, body, "generic", "generic-agent")
    assert recorded(hooks, "generic", "generic-agent") == (sessions_before + 1, fires_before + 1)


def test_without_a_delivery_id_each_request_is_its_own_fire(hooks):
    sessions_before, fires_before = recorded(hooks, "header", "header-agent")
    body = SCHEMES["header"].body()
    first = accepted(post(hooks, "/hooks/header", body, header_headers(body)))
    second = accepted(post(hooks, "/hooks/header", body, header_headers(body)))
    assert first["event_id"] != second["event_id"] and first["session"] != second["session"], (first, second)
    delivered(hooks, first, body, "header", "header-agent")
    delivered(hooks, second, body, "header", "header-agent")
    assert recorded(hooks, "header", "header-agent") == (sessions_before + 2, fires_before + 2)


# -- 4. Slack timestamps ------------------------------------------------------------------------


def test_slack_stale_timestamp_is_refused(hooks):
    before = recorded(hooks, "slack", "slack-agent")
    body = SCHEMES["slack"].body()
    refused(post(hooks, "/hooks/slack", body, slack_headers(body, ts=int(time.time()) - 1000)), 401, SLACK_SECRET)
    assert recorded(hooks, "slack", "slack-agent") == before


# -- 5. source allowlist --------------------------------------------------------------------------


def test_allowed_sources(hooks):
    body = SCHEMES["github"].body()
    before = recorded(hooks, "denied", "denied-agent")
    refused(post(hooks, "/hooks/denied", body, github_headers(body, GATE_SECRET, delivery=str(uuid.uuid4()))), 403, GATE_SECRET)
    assert recorded(hooks, "denied", "denied-agent") == before

    answer = accepted(post(hooks, "/hooks/allowed", body, github_headers(body, GATE_SECRET, delivery=str(uuid.uuid4()))))
    delivered(hooks, answer, body, "allowed", "allowed-agent")


# -- 6. body size -----------------------------------------------------------------------------------


def test_body_over_the_limit_is_refused_and_records_nothing(hooks):
    before = recorded(hooks, "small", "small-agent")
    body = json.dumps({"pad": "x" * 1000}).encode()[:1000]
    assert len(body) == 1000
    reply = post(hooks, "/hooks/small", body, github_headers(body, GATE_SECRET, delivery=str(uuid.uuid4())),
                 content_type="application/octet-stream")
    refused(reply, 413)
    assert recorded(hooks, "small", "small-agent") == before

    # A body within the limit goes through.
    small = b'{"ok": true}'
    answer = accepted(post(hooks, "/hooks/small", small, github_headers(small, GATE_SECRET, delivery=str(uuid.uuid4()))))
    delivered(hooks, answer, small, "small", "small-agent")


# -- 7. filter expression ---------------------------------------------------------------------------


def test_filter_expression_ignores_what_it_refuses(hooks):
    before = recorded(hooks, "filtered", "filtered-agent")
    other = json_body(ref="refs/heads/dev", after=nonce())
    reply = post(hooks, "/hooks/filtered", other, github_headers(other, GATE_SECRET, delivery=str(uuid.uuid4())))
    assert reply.status == 200, reply
    assert reply.json() == {"status": "ignored"}, reply
    assert recorded(hooks, "filtered", "filtered-agent") == before

    main = json_body(ref="refs/heads/main", after=nonce())
    answer = accepted(post(hooks, "/hooks/filtered", main, github_headers(main, GATE_SECRET, delivery=str(uuid.uuid4()))))
    delivered(hooks, answer, main, "filtered", "filtered-agent")
    assert recorded(hooks, "filtered", "filtered-agent") == (before[0] + 1, before[1] + 1)


# -- 8. listing ---------------------------------------------------------------------------------------


def test_trigger_listing_masks_secrets_and_shows_fires(hooks):
    body = SCHEMES["github"].body()
    delivery = str(uuid.uuid4())
    answer = accepted(post(hooks, "/hooks/gh", body, github_headers(body, delivery=delivery)))
    delivered(hooks, answer, body, "gh", "builder")

    reply = hooks.request("GET", "/v1/triggers")
    assert reply.status == 200, reply
    for secret in ALL_SECRETS:
        assert secret.encode() not in reply.body, f"the listing shows a secret: {reply.body[:2000]!r}"
    listing = reply.json()
    listed = {t["name"]: t for t in listing["triggers"]}
    expected = {"generic", "gh", "stripe", "slack", "header", "telegram", "denied", "allowed", "small", "filtered"}
    assert set(listed) == expected and listing["count"] == len(expected), listing
    for name, status in listed.items():
        assert set(status) >= {"name", "type", "origin", "state", "config", "target", "fire_count", "last_fire",
                               "next_fire", "last_error", "path"}, status
        assert status["type"] == "webhook" and status["origin"] == "config", status
        assert isinstance(status["state"], str) and status["state"] != "failed", status
        if name == "slack":
            assert status["config"].get("hmac_secret_env") == "SLACK_SIGNING_SECRET", status
        else:
            assert status["config"].get("hmac_secret") == "********", status

    gh = listed["gh"]
    assert gh["path"] == "/hooks/gh" and gh["config"]["agent"] == "builder", gh
    assert gh["config"]["signature_scheme"] == "github", gh
    assert "builder" in gh["target"], gh
    assert gh["fire_count"] >= 1, gh
    assert gh["last_fire"] is not None, gh
    assert gh["last_fire"]["id"] == f"delivery-{delivery}" and gh["last_fire"]["session"] == answer["session"], gh
    assert gh["last_fire"]["time"], gh
    assert listed["telegram"]["path"] == "/hooks/telegram", listed["telegram"]

    # Another fire: the count goes up by one and the newest fire is shown.
    count = gh["fire_count"]
    second = SCHEMES["github"].body()
    newer = accepted(post(hooks, "/hooks/gh", second, github_headers(second, delivery=str(uuid.uuid4()))))
    gh = trigger(hooks, "gh")
    assert gh["fire_count"] == count + 1, gh
    assert gh["last_fire"]["id"] == newer["event_id"] and gh["last_fire"]["session"] == newer["session"], gh


# -- 9. runtime add and remove ----------------------------------------------------------------------


DYNAMIC = {"name": "dyn", "type": "webhook", "agent": "x", "signature_scheme": "header", "signature_header": "X-Token",
           "hmac_secret": "abc", "webhook_path": "/hooks/dyn"}


def test_trigger_added_and_removed_at_runtime(serve):
    server = serve("server:\n  poll_interval_ms: 100\n")
    added = server.request("POST", "/v1/triggers", DYNAMIC)
    assert added.status == 201, added
    status = added.json()
    assert status["name"] == "dyn" and status["type"] == "webhook" and status["origin"] == "dynamic", status
    assert status["config"].get("hmac_secret") == "********" and status["path"] == "/hooks/dyn", status
    assert "dyn" in triggers(server)

    body = b'{"hello": "dyn"}'
    refused(post(server, "/hooks/dyn", body, {"X-Token": "abd"}), 401, "abc")
    answer = accepted(post(server, "/hooks/dyn", body, {"X-Token": "abc"}))
    delivered(server, answer, body, "dyn", "x")
    assert trigger(server, "dyn")["fire_count"] == 1

    duplicate = server.request("POST", "/v1/triggers", DYNAMIC)
    assert duplicate.status == 409, duplicate

    bad = server.request("POST", "/v1/triggers", {**DYNAMIC, "name": "bad", "signature_scheme": "hmac"})
    assert bad.status == 400, bad
    assert "signature_scheme" in bad.json()["error"]["message"], bad
    assert "bad" not in triggers(server)

    removed = server.request("DELETE", "/v1/triggers/dyn")
    assert removed.status == 200, removed
    assert "dyn" not in triggers(server)
    gone = post(server, "/hooks/dyn", body, {"X-Token": "abc"})
    assert gone.status == 404, gone
    assert len(sessions_of(server, "x")) == 1


# -- 10. restart ------------------------------------------------------------------------------------


def test_delivery_ids_are_remembered_across_a_restart(serve):
    text = trigger_config("gh", "builder", GITHUB_SECRET)
    server = serve(text)
    body = SCHEMES["github"].body()
    delivery = str(uuid.uuid4())
    first = accepted(post(server, "/hooks/gh", body, github_headers(body, delivery=delivery)))
    delivered(server, first, body, "gh", "builder")
    assert server.stop() == 0, server.stderr()

    server = serve(text)
    assert trigger(server, "gh")["fire_count"] == 1
    again = accepted(post(server, "/hooks/gh", body, github_headers(body, delivery=delivery)), duplicate=True)
    assert (again["event_id"], again["session"]) == (first["event_id"], first["session"]), again
    assert sessions_of(server, "builder") == [first["session"]]
    assert len(pushes_of(server, first["session"])) == 1
    assert trigger(server, "gh")["fire_count"] == 1


# -- 11. a webhook on its own port -------------------------------------------------------------------


def test_webhook_on_its_own_port(serve):
    port = free_port()
    server = serve(trigger_config("own", "porter", GITHUB_SECRET, extra=f"    webhook_port: {port}\n"))

    def listening() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    wait_for(listening, f"the webhook listener on port {port}", timeout=30)
    url = f"http://127.0.0.1:{port}/hooks/own"
    body = SCHEMES["github"].body()
    headers = {"Content-Type": "application/json", **github_headers(body, delivery=str(uuid.uuid4()))}
    refused(http("POST", url, body, {"Content-Type": "application/json", **github_headers(body, "nope")}), 401)
    answer = accepted(http("POST", url, body, headers))
    delivered(server, answer, body, "own", "porter")
    assert trigger(server, "own")["fire_count"] == 1
