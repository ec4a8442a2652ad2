"""Helpers for the `cairn serve` end-to-end tests: start the real server on 127.0.0.1 (port 0),
talk to it over real HTTP with urllib, read Server-Sent Events with http.client."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from conftest import cairn_bin

STARTUP_TIMEOUT = 60.0


def wait_for(predicate, what: str, timeout: float = 30.0, interval: float = 0.05):
    """Polls `predicate` until it returns something truthy; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class Reply:
    def __init__(self, status: int, headers: Dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:300]!r})"


class Server:
    """One `cairn serve` process in a test's folder."""

    def __init__(self, workdir: Path, config: str, env: Optional[Dict[str, str]] = None,
                 args: Tuple[str, ...] = (), token: Optional[str] = None):
        self.workdir = workdir
        self.store = f"file://{workdir}/store"
        self.config_path = workdir / "cairn.yaml"
        self.config_path.write_text(config)
        self.token = token
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("CAIRN_STORE", "CAIRN_SESSION", "PUGMARK_RPC_URL")}
        self.env.update({"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"})
        self.env.update(env or {})
        self.args = args
        self.process: Optional[subprocess.Popen] = None
        self.base = ""
        self.stderr_path = workdir / f"serve-{time.monotonic_ns()}.log"

    def start(self) -> "Server":
        self.stderr_path = self.workdir / f"serve-{time.monotonic_ns()}.log"
        self.process = subprocess.Popen(
            [cairn_bin(), "serve", "--config", str(self.config_path), "-b", self.store, "--port", "0", *self.args],
            cwd=self.workdir, env=self.env, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"))
        line = self._read_line(STARTUP_TIMEOUT)
        if not line.startswith("listening on "):
            self.process.kill()
            pytest.fail(f"cairn serve did not start: {line!r}\n{self.stderr()}")
        self.base = line.split()[-1]
        return self

    def _read_line(self, timeout: float) -> str:
        result: List[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline().decode()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0].strip() if result else ""

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")[-4000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Sends `sig` and waits for the exit; returns the exit status."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            pytest.fail(f"cairn serve did not stop within {timeout} s after signal {sig}\n{self.stderr()}")

    # -- HTTP ---------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, headers: Optional[Dict[str, str]] = None,
                token: Optional[str] = "default", timeout: float = 30.0) -> Reply:
        data: Optional[bytes]
        all_headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        bearer = self.token if token == "default" else token
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def create(self, agent: str = "", metadata: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        reply = self.request("POST", "/v1/sessions", {"agent": agent, "metadata": metadata or {}})
        assert reply.status == 201, reply
        return reply.json()

    def push(self, session: str, obj: Any, *, name: str = "", metadata: Optional[Dict[str, str]] = None,
             content_type: str = "application/json") -> Dict[str, Any]:
        headers = {"Content-Type": content_type}
        if name:
            headers["X-Cairn-Name"] = name
        if metadata:
            headers["X-Cairn-Metadata"] = json.dumps(metadata)
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        reply = self.request("POST", f"/v1/sessions/{session}/entries", body, headers=headers)
        assert reply.status == 201, reply
        return reply.json()

    def entries(self, session: str) -> List[Dict[str, Any]]:
        result: List[Dict[str, Any]] = []
        position = 0
        while True:
            reply = self.request("GET", f"/v1/sessions/{session}/entries?all=true&limit=1000&from={position}")
            assert reply.status == 200, reply
            page = reply.json()
            result += page["entries"]
            if page["next"] >= page["length"]:
                return result
            position = page["next"]

    def session(self, session: str) -> Dict[str, Any]:
        reply = self.request("GET", f"/v1/sessions/{session}")
        assert reply.status == 200, reply
        return reply.json()


def sse_events(base: str, path: str, headers: Optional[Dict[str, str]] = None,
               timeout: float = 30.0, method: str = "GET", body: Any = None,
               status: int = 200) -> Iterator[Dict[str, str]]:
    """Yields the events of a Server-Sent Events stream as dicts with `id`, `event`, `data`
    (comments as {"comment": ...}); raises socket.timeout if nothing arrives for `timeout` s."""
    host, port = base.replace("http://", "").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        all_headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        if response.status != status:
            raise AssertionError(f"stream answered {response.status}: {response.read()[:300]!r}")
        event: Dict[str, str] = {}
        while True:
            raw = response.readline()
            if not raw:
                return
            line = raw.decode().rstrip("\n")
            if line == "":
                if event:
                    yield event
                event = {}
            elif line.startswith(":"):
                yield {"comment": line[1:].strip()}
            else:
                field, _, value = line.partition(":")
                event[field] = value[1:] if value.startswith(" ") else value
    finally:
        connection.close()
