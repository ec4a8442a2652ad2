"""Agent processes driven by promptise's real `OrchestrationClient` (promptise 1.10.1 from PyPI,
`promptise/runtime/api_client.py`, loaded on its own: it needs only httpx) against `cairn serve`,
with fakellm as the model server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import importlib.util
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import cairn_bin
from serve_support import Server, wait_for

TOKEN = "process-test-token"
OLD_KEY = "sk-live-OLD-1234"
NEW_KEY = "sk-live-NEW-5678"

RULES = f"""
rules:
  - name: answers
    when: {{messages_contain: 'prefixed with "ANSWER Q1:"'}}
    respond: {{content: "Looked at it. ANSWER Q1: the pipeline is green"}}
  - name: leaks-once
    when: {{messages_contain: "leak the key please"}}
    respond: {{content: "the keys are {OLD_KEY} and none"}}
  - name: leaks-twice
    when: {{messages_contain: "leak the key again"}}
    respond: {{content: "the keys are {OLD_KEY} and {NEW_KEY}"}}
  - name: fails
    when: {{messages_contain: "always fail"}}
    respond: {{status: 400, error: "bad request on purpose"}}
  - name: default
    when: {{}}
    respond: {{content: "all quiet"}}
"""


def load_client():
    """promptise's OrchestrationClient, from the installed wheel's file (the package's
    __init__ imports its whole agent stack, which the client does not need)."""
    import importlib.metadata as metadata

    files = metadata.files("promptise") or []
    path = next((f.locate() for f in files if str(f).endswith("runtime/api_client.py")), None)
    if path is None:
        pytest.fail("promptise 1.10.1 is not installed: run make python-deps")
    spec = importlib.util.spec_from_file_location("promptise_api_client", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fakellm(tmp_path):
    config = tmp_path / "fakellm.yaml"
    config.write_text(RULES)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from fakellm.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listening():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(listening, "fakellm to listen", timeout=30)
    yield f"http://127.0.0.1:{port}/v1"
    process.kill()
    process.wait(timeout=10)


def serve(tmp_path, fakellm_url) -> Server:
    return Server(tmp_path, f"server:\n  token: {TOKEN}\n",
                  env={"OPENAI_BASE_URL": fakellm_url, "OPENAI_API_KEY": "test-key"}).start()


def run(coroutine):
    return asyncio.run(coroutine)


def config(**extra):
    base = {
        "model": "openai:fake-model",
        "instructions": "You watch the nightly pipeline.",
        "triggers": [{"type": "cron", "cron_expression": "* * * * * */2"}],
        "inbox": {"enabled": True},
        "budget": {"enabled": True, "max_llm_turns_per_run": 5},
        "secrets": {"enabled": True, "secrets": {"api_key": OLD_KEY}},
        "context": {"writable_keys": ["mood"], "initial_state": {"mood": "calm", "owner": "ops"}},
    }
    base.update(extra)
    return base


def post(url, body: bytes, headers):
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_process_life_with_the_real_orchestration_client(tmp_path, fakellm):
    api = load_client()
    server = serve(tmp_path, fakellm)
    try:
        async def life():
            anonymous = api.OrchestrationClient(server.base)
            assert (await anonymous.health())["status"] == "healthy"
            with pytest.raises(api.OrchestrationAPIError) as refused:
                await anonymous.list_processes()
            assert refused.value.status_code == 401 and refused.value.code == "UNAUTHORIZED"
            await anonymous.aclose()

            client = api.OrchestrationClient(server.base, token=TOKEN)
            # Refused deploys leave nothing behind.
            with pytest.raises(api.OrchestrationAPIError) as env_ref:
                await client.deploy("leaky", config(instructions="key ${HOME}"))
            assert env_ref.value.status_code == 403 and env_ref.value.code == "ENV_REFERENCES_NOT_ALLOWED"
            with pytest.raises(api.OrchestrationAPIError) as typo:
                await client.deploy("typo", config(inbox={"enabled": True, "max_mesages": 3}))
            assert typo.value.status_code == 422 and "max_messages" in typo.value.error_message
            assert await client.list_processes() == []

            deployed = await client.deploy("watcher", config(), start=True)
            assert deployed["state"] == "running" and deployed["process_id"].startswith("proc-")
            with pytest.raises(api.OrchestrationAPIError) as twice:
                await client.deploy("watcher", config())
            assert twice.value.code == "PROCESS_EXISTS"

            async def until(predicate, what, timeout=30.0):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    value = await predicate()
                    if value:
                        return value
                    await asyncio.sleep(0.1)
                pytest.fail(f"timed out waiting for {what}\n{server.stderr()}")

            async def count():
                return (await client.get_process("watcher"))["invocation_count"]

            await until(lambda: _ge(count(), 1), "the cron trigger's first run")

            # A message starts a run; the reply is journaled with every secret value redacted.
            sent = await client.send_message("watcher", "leak the key please", message_type="directive", sender_id="ops")
            assert sent["status"] == "queued" and sent["expires_at"]

            async def leaked():
                journal = await client.get_journal("watcher", limit=500, entry_type="invocation_result")
                return [e for e in journal if "keys are" in e["data"].get("response", "")]

            first_leak = (await until(leaked, "the directive's run"))[0]
            assert first_leak["data"]["response"] == "the keys are [REDACTED] and none"

            # ask long-polls until a run answers ANSWER Q1.
            answer = await client.ask("watcher", "Is the pipeline green?", timeout=30)
            assert answer == "the pipeline is green"

            # Live patches; an unknown field is refused with nothing applied.
            patched = await client.update_budget("watcher", max_tool_calls_per_run=10)
            assert patched["budget_updated"] is True and patched["effective_from"] == "next_budget_check"
            with pytest.raises(api.OrchestrationAPIError) as unknown:
                await client.update_budget("watcher", max_tool_calls_per_runn=10)
            assert unknown.value.status_code == 422 and unknown.value.code == "UNKNOWN_FIELD"
            assert "max_tool_calls_per_run" in unknown.value.error_message
            assert (await client.update_instructions("watcher", "You watch the pipeline closely."))["instructions_updated"]

            # Suspended: fires queue, no runs; resumed: they run.
            suspended = await client.suspend_process("watcher")
            assert suspended["state"] == "suspended"
            await until(lambda: _idle(client), "runs in flight to end")
            before = await count()
            fires = len(await client.get_journal("watcher", limit=500, entry_type="trigger_event"))
            await until(lambda: _ge(_len(client.get_journal("watcher", limit=500, entry_type="trigger_event")), fires + 2),
                        "two fires while suspended")
            assert await count() == before
            assert (await client.get_process("watcher"))["queue_size"] >= 2
            assert (await client.resume_process("watcher"))["state"] == "running"
            await until(lambda: _ge(count(), before + 2), "the queued fires to run")

            # A webhook trigger added at runtime listens on its own port at once.
            port = free_port()
            added = await client.add_trigger("watcher", {
                "type": "webhook", "webhook_path": "/hooks/watcher", "webhook_port": port, "hmac_secret": "whsec-1"})
            assert added["trigger_added"] is True and added["live"] is True
            listed = await client.list_triggers("watcher")
            hook = next(t for t in listed if t["id"] == added["trigger_id"])
            assert hook["source"] == "dynamic" and hook["config"]["hmac_secret"] == "********"
            body = b'{"build": 42}'
            good = "sha256=" + hmac.new(b"whsec-1", body, hashlib.sha256).hexdigest()
            url = f"http://127.0.0.1:{port}/hooks/watcher"
            status, reply = post(url, body, {"Content-Type": "application/json", "X-Webhook-Signature": good})
            assert status == 202 and reply["status"] == "accepted", reply
            status, _ = post(url, body, {"Content-Type": "application/json", "X-Webhook-Signature": "sha256=" + "0" * 64})
            assert status == 401

            async def webhook_run():
                starts = await client.get_journal("watcher", limit=500, entry_type="invocation_start")
                return [s for s in starts if added["trigger_id"] in s["data"]["prompt"] and '"build": 42' in s["data"]["prompt"]]

            await until(webhook_run, "the webhook's run")
            with pytest.raises(api.OrchestrationAPIError) as mixed:
                await client.add_trigger("watcher", {"type": "cron", "cron_expression": "* * * * *", "webhook_path": "/x"})
            assert mixed.value.status_code == 422 and "webhook_path" in mixed.value.error_message
            removed = await client.remove_trigger("watcher", added["trigger_id"])
            assert removed["live"] is True
            with pytest.raises(OSError):
                urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5)

            # Rotation: the new value is used, the old one stays redacted.
            rotated = await client.rotate_secret("watcher", "api_key", NEW_KEY)
            assert rotated["secret_rotated"] is True
            secrets = await client.list_secrets("watcher")
            assert secrets[0]["name"] == "api_key" and secrets[0]["rotation_count"] == 1 and "value" not in secrets[0]
            await client.send_message("watcher", "leak the key again", message_type="directive")

            async def leaked_twice():
                found = await leaked()
                return found if len(found) >= 2 else None

            second = (await until(leaked_twice, "the second directive's run"))[-1]
            assert second["data"]["response"] == "the keys are [REDACTED] and [REDACTED]"
            everything = json.dumps(await client.get_journal("watcher", limit=500))
            assert OLD_KEY not in everything and NEW_KEY not in everything

            # Context: a non-writable key refuses the whole write.
            with pytest.raises(api.OrchestrationAPIError) as denied:
                await client.update_context("watcher", {"mood": "busy", "owner": "me"})
            assert denied.value.status_code == 403 and denied.value.code == "WRITE_DENIED"
            assert (await client.get_context("watcher"))["state"] == {"mood": "calm", "owner": "ops"}
            assert (await client.update_context("watcher", {"mood": "busy"}))["updated_keys"] == ["mood"]

            stopped = await client.stop_process("watcher")
            assert stopped["state"] == "stopped"
            assert (await client.start_process("watcher"))["state"] == "running"
            # A second process, suspended, must stay suspended across the restart.
            await client.deploy("paused", config(triggers=[]), start=True)
            await client.suspend_process("paused")
            status = await client.get_process("watcher")
            journal = await client.get_journal("watcher", limit=500)
            await client.aclose()
            return status, journal

        status, journal = run(life())
        server.stop(signal.SIGKILL)

        server.start()

        async def after():
            client = api.OrchestrationClient(server.base, token=TOKEN)
            back = await client.get_process("watcher")
            assert back["state"] == "running"
            assert back["invocation_count"] >= status["invocation_count"]
            assert (await client.get_process("paused"))["state"] == "suspended"
            assert (await client.get_context("watcher"))["state"]["mood"] == "busy"
            old = await client.get_journal("watcher", limit=500)
            ids = {e["entry_id"] for e in old}
            assert all(e["entry_id"] in ids for e in journal[-20:]), "the journal survives the restart"
            recovered = await client.get_journal("watcher", limit=500, entry_type="recovered")
            assert recovered, "a process that came back journals recovered"
            deadline = time.monotonic() + 30
            while (await client.get_process("watcher"))["invocation_count"] <= back["invocation_count"]:
                assert time.monotonic() < deadline, server.stderr()
                await asyncio.sleep(0.1)
            await client.aclose()

        run(after())
    finally:
        server.stop()


async def _ge(awaitable, value):
    return (await awaitable) >= value


async def _len(awaitable):
    return len(await awaitable)


async def _idle(client):
    status = await client.get_process("watcher")
    return status["in_flight"] == 0


def test_serve_without_a_configuration_file_serves_the_orchestration_api(tmp_path):
    api = load_client()
    process = subprocess.Popen([cairn_bin(), "serve", "-b", f"file://{tmp_path}/store", "--port", "0"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = process.stdout.readline().decode().strip()
        assert line.startswith("listening on "), line
        base = line.split()[-1]

        async def check():
            client = api.OrchestrationClient(base)
            assert (await client.health())["process_count"] == 0
            assert await client.list_processes() == []
            with pytest.raises(api.OrchestrationAPIError) as missing:
                await client.get_process("nobody")
            assert missing.value.status_code == 404 and missing.value.code == "PROCESS_NOT_FOUND"
            await client.aclose()

        run(check())
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
