"""Fixtures for the end-to-end tests of the `cairn` CLI with the real `pugmark` Python SDK.

Every test gets its own temporary working directory with a file store at
``file://<tmp_path>/store``. The binary comes from ``$CAIRN_BIN`` (default:
/work/main/.build/debug/cairn); every subprocess has a timeout so nothing hangs.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import pytest

REPO = Path(__file__).resolve().parents[2]
HANDLERS = Path(__file__).resolve().parent / "handlers"
DEFAULT_BIN = str(REPO / ".build" / "debug" / "cairn")
TIMEOUT = 60  # seconds, for every subprocess

# The interpreter that runs the handlers: the one running pytest (it has pugmark installed).
PYTHON = sys.executable


def cairn_bin() -> str:
    """The cairn binary; waits briefly if it is being relinked by a concurrent build."""
    path = os.environ.get("CAIRN_BIN", DEFAULT_BIN)
    deadline = time.monotonic() + 90
    while not os.access(path, os.X_OK):
        if time.monotonic() > deadline:
            pytest.fail(f"cairn binary {path} is missing or not executable (set CAIRN_BIN)")
        time.sleep(2)
    return path


def handler(name: str) -> List[str]:
    """The command that runs handlers/<name>.py with the real SDK."""
    return [PYTHON, str(HANDLERS / f"{name}.py")]


class Cairn:
    """Runs `cairn` in one test's working directory against one file store."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.store = f"file://{workdir}/store"
        self.bin = cairn_bin()
        env = dict(os.environ)
        # Nothing from the outer environment may pick another store or session.
        for key in ("CAIRN_STORE", "CAIRN_SESSION", "PUGMARK_SESSION_ID", "PUGMARK_AGENT_ID",
                    "PUGMARK_SESSION_METADATA", "TRACEPARENT", "TRACESTATE"):
            env.pop(key, None)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        self.env = env

    # -- raw invocation -------------------------------------------------------------------

    def __call__(self, *args: str, input: Union[bytes, str, None] = None, check: bool = True,
                 timeout: float = TIMEOUT, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
        if isinstance(input, str):
            input = input.encode("utf-8")
        deadline = time.monotonic() + 90
        while True:
            try:
                result = subprocess.run(
                    [self.bin, *args], cwd=self.workdir, input=input if input is not None else b"",
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                    env={**self.env, **(env or {})},
                )
                break
            except OSError as error:
                # A concurrent `swift build` may be relinking the binary: wait for it.
                if error.errno not in (errno.ETXTBSY, errno.ENOENT) or time.monotonic() > deadline:
                    raise
                time.sleep(1)
        if check and result.returncode != 0:
            raise AssertionError(
                f"cairn {' '.join(args)} exited {result.returncode}\n"
                f"stdout: {result.stdout[-4000:].decode('utf-8', 'replace')}\n"
                f"stderr: {result.stderr[-4000:].decode('utf-8', 'replace')}")
        return result

    def out(self, *args: str, **kwargs: Any) -> str:
        return self(*args, **kwargs).stdout.decode("utf-8").strip()

    # -- commands -------------------------------------------------------------------------

    def start(self, *extra: str) -> str:
        sid = self.out("start", "-b", self.store, *extra)
        assert sid and "\n" not in sid, sid
        return sid

    def push(self, data: Union[bytes, str, None] = None, *, session: Optional[str] = None,
             name: Optional[str] = None, content_type: Optional[str] = None,
             metadata: Optional[Dict[str, str]] = None, file: Optional[Path] = None) -> int:
        args = ["push"]
        if session:
            args += ["--session", session]
        if name is not None:
            args += ["--name", name]
        if content_type is not None:
            args += ["--content-type", content_type]
        for key, value in (metadata or {}).items():
            args += ["--metadata", f"{key}={value}"]
        if file is not None:
            args += ["--file", str(file)]
        return int(self.out(*args, input=data))

    def run_once(self, command: Sequence[str], *extra: str, session: Optional[str] = None,
                 check: bool = True, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
        args = ["run", "--once", *extra]
        if session:
            args += ["--session", session]
        return self(*args, "--", *command, check=check, timeout=timeout)

    def log(self, session: Optional[str] = None) -> List[Dict[str, Any]]:
        """`cairn log --json`, parsed: one dict per entry."""
        args = ["log", "--json"] + (["--session", session] if session else [])
        lines = self(*args).stdout.decode("utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def log_text(self, session: Optional[str] = None, all: bool = True) -> List[str]:
        args = ["log"] + (["-A"] if all else []) + (["--session", session] if session else [])
        return self.out(*args).splitlines()

    def current(self) -> Dict[str, Any]:
        return json.loads((self.workdir / ".cairn" / "current.json").read_text())


def events(log: Iterable[Dict[str, Any]]) -> List[str]:
    return [entry["event"] for entry in log]


def handler_pushes(log: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [e for e in log if e["event"] == "push" and e["source"] == "handler"]


@pytest.fixture
def cairn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cairn:
    monkeypatch.chdir(tmp_path)
    return Cairn(tmp_path)


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto S3 server on 127.0.0.1 for the whole test session, stopped by PID at the end."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(REPO / "Tests" / "Support" / "serial_moto.py"), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint + "/", timeout=1)
            break
        except Exception:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("moto_server did not start (pip install 'moto[server]')")
            time.sleep(0.1)
    try:
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def s3_store(moto_endpoint, monkeypatch):
    """A fresh bucket on the moto server, as a store URL; the AWS variables point at moto."""
    import uuid

    import boto3

    bucket = f"cairn-{uuid.uuid4().hex[:12]}"
    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1",
                 aws_access_key_id="test", aws_secret_access_key="test").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/cairn?endpoint={moto_endpoint}&region=us-east-1"


@pytest.fixture
def serve(tmp_path: Path):
    """Starts `cairn serve` processes (serve(config_text, ...)) in the test's folder; stops them after."""
    from serve_support import Server

    started = []

    def start(text: str, **kwargs):
        server = Server(tmp_path, text, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
