"""`.agent` manifests and the `cairn process` commands: `cairn serve --agents DIR` deploys a
directory of promptise-format manifests, the CLI operates the processes over the orchestration
API, promptise's real `OrchestrationClient` sees the same processes, and a restart with a changed
manifest updates the process in the state its log has. fakellm is the model server."""

from __future__ import annotations

import json
import signal
import subprocess

from conftest import cairn_bin
from serve_support import Server
from test_processes_api import fakellm, load_client, run  # noqa: F401 (fakellm is a fixture)

TOKEN = "manifest-test-token"
KEY = "sk-manifest-9911"

MANIFEST = """version: "1.0"
name: watcher
model: openai:fake-model
instructions: {instructions}
world:
  owner: ${{TEAM}}
secrets:
  enabled: true
  secrets:
    api_key: ${{WATCH_KEY}}
config:
  inbox: {{enabled: true}}
  restart_policy: on_failure
"""


def cli(server: Server, *args: str, token: str | None = TOKEN, check: bool = True, env=None) -> subprocess.CompletedProcess:
    command = [cairn_bin(), "process", *args, "--server", server.base if server else "http://127.0.0.1:9"]
    if token:
        command += ["--token", token]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, env=env)
    if check:
        assert result.returncode == 0, f"cairn process {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result


def serve(tmp_path, fakellm_url, agents) -> Server:
    return Server(tmp_path, f"server:\n  token: {TOKEN}\n", args=("--agents", str(agents)),
                  env={"OPENAI_BASE_URL": fakellm_url, "OPENAI_API_KEY": "test-key", "TEAM": "ops", "WATCH_KEY": KEY}).start()


def test_serve_agents_deploys_manifests_and_the_cli_operates_them(tmp_path, fakellm):
    agents = tmp_path / "agents"
    agents.mkdir()
    (agents / "watcher.agent").write_text(MANIFEST.format(instructions="You watch the nightly pipeline."))
    server = serve(tmp_path, fakellm, agents)
    try:
        assert "watcher" in cli(server, "ls").stdout and "running" in cli(server, "ls").stdout
        status = json.loads(cli(server, "show", "watcher").stdout)
        assert status["state"] == "running" and status["active_secrets"] == 1

        answer = cli(server, "ask", "watcher", "Is the pipeline green?", "--timeout", "60")
        assert answer.stdout.strip() == "the pipeline is green"
        assert cli(server, "send", "watcher", "deploy at noon", "--type", "directive").stdout.startswith("queued ")
        journal = cli(server, "journal", "watcher", "--type", "invocation_result").stdout
        assert "invocation_result" in journal and "ANSWER Q1" in journal

        # promptise's own client sees the process the manifest made.
        async def promptise_view():
            async with load_client().OrchestrationClient(server.base, token=TOKEN) as client:
                return await client.get_context("watcher"), await client.list_processes()

        context, processes = run(promptise_view())
        assert context["state"]["owner"] == "ops", "world: is the initial context, ${TEAM} resolved"
        assert [p["name"] for p in processes] == ["watcher"]

        assert cli(server, "suspend", "watcher").stdout.strip() == "watcher: suspended"

        # Refusals name the cause and the fix.
        refused = cli(server, "ls", token=None, check=False)
        assert refused.returncode != 0 and "UNAUTHORIZED" in refused.stderr and "--token" in refused.stderr
        missing = cli(server, "show", "nobody", check=False)
        assert missing.returncode != 0 and "PROCESS_NOT_FOUND" in missing.stderr
        unreachable = cli(None, "ls", check=False)
        assert unreachable.returncode != 0 and "cannot reach cairn serve at http://127.0.0.1:9" in unreachable.stderr
    finally:
        assert server.stop(signal.SIGTERM) == 0, server.stderr()

    # The same manifest after a restart: the process is back suspended, its history kept.
    server = serve(tmp_path, fakellm, agents)
    try:
        assert json.loads(cli(server, "show", "watcher").stdout)["state"] == "suspended"
    finally:
        assert server.stop(signal.SIGTERM) == 0, server.stderr()

    # A changed manifest: the new configuration, in the state the log has.
    (agents / "watcher.agent").write_text(MANIFEST.format(instructions="You watch the nightly pipeline and the backups."))
    server = serve(tmp_path, fakellm, agents)
    try:
        status = json.loads(cli(server, "show", "watcher").stdout)
        assert status["state"] == "suspended" and status["invocation_count"] >= 1, "counters survive the update"
        updates = json.loads(cli(server, "journal", "watcher", "--type", "config_update", "--json").stdout)["entries"]
        assert len(updates) == 1 and "the backups" in json.dumps(updates[0]["data"])
        assert cli(server, "resume", "watcher").stdout.strip() == "watcher: running"
        assert cli(server, "ask", "watcher", "Still green?", "--timeout", "60").stdout.strip() == "the pipeline is green"
        everything = cli(server, "journal", "watcher", "--limit", "500", "--json").stdout
        assert KEY not in everything and "[REDACTED]" in everything, "the secret never reaches the journal"

        # cairn process deploy: a manifest read by the CLI, ${VAR} from its own environment.
        other = tmp_path / "other.agent"
        other.write_text('name: reporter\nmodel: openai:fake-model\ninstructions: "Report for ${TEAM}."\nconfig: {inbox: {enabled: true}}\n')
        env = dict(server.env, TEAM="finance")
        deployed = cli(server, "deploy", str(other), env=env).stdout
        assert deployed.startswith("deployed reporter (proc-") and deployed.strip().endswith(": running")
        assert "Report for finance." in cli(server, "journal", "reporter", "--json").stdout
        again = cli(server, "deploy", str(other), env=env, check=False)
        assert again.returncode != 0 and "PROCESS_EXISTS" in again.stderr
        assert "interrupted" not in cli(server, "stop", "reporter", "--drain", "1").stdout
        assert cli(server, "rm", "reporter").stdout.strip() == "removed reporter"
        assert "reporter" not in cli(server, "ls").stdout
    finally:
        assert server.stop(signal.SIGTERM) == 0, server.stderr()


def test_a_bad_manifest_stops_serve_before_it_listens(tmp_path):
    agents = tmp_path / "agents"
    agents.mkdir()
    store = f"file://{tmp_path}/store"

    def serve_error() -> str:
        result = subprocess.run([cairn_bin(), "serve", "-b", store, "--port", "0", "--agents", str(agents)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and "listening" not in result.stdout
        return result.stderr

    assert "has no .agent files" in serve_error()
    (agents / "a.agent").write_text("name: watcher\ninstrutions: hello\n")
    assert "a.agent: 'instrutions' is not a manifest key; did you mean 'instructions'?" in serve_error()
    (agents / "a.agent").write_text("name: watcher\nconfig: {concurency: 2}\n")
    assert "config.concurency is not a field; did you mean 'concurrency'?" in serve_error()
    (agents / "a.agent").write_text("name: watcher\ninstructions: for ${NOT_SET_ANYWHERE}\n")
    assert "instructions refers to ${NOT_SET_ANYWHERE}, which is not set" in serve_error()
    (agents / "a.agent").write_text("name: watcher\nmodel: opnai:gpt-4o-mini\n")
    assert "unknown model provider 'opnai'" in serve_error()
    (agents / "a.agent").write_text("name: watcher\n")
    (agents / "b.agent").write_text("name: watcher\n")
    assert "both define the process 'watcher'" in serve_error()
