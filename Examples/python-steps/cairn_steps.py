"""Durable steps for pugmark process handlers, with the entry shape of Cairn's Swift workflows.

A step's record is an ordinary log entry (Docs/workflows.md, "The step entry"):

    event         step   (the runtime makes it from the content type below)
    content-type  application/vnd.cairn.step+json
    name          the step's name
    metadata      position ("0", "1", ...), kind ("step", "now", "random", "uuid"),
                  outcome ("ok" or "error"), attempts, duration-ms  (all strings)
    body          the result as JSON, or {"error": message, "type": type} for a failed step

Usage, in a handler run with `cairn run -- python3 handler.py`:

    import cairn_steps

    steps = cairn_steps.Steps()                 # reads the log (pugmark.read())
    order = steps.input()
    payment = steps.step("charge card", lambda: charge(order))
    tracking = steps.step("ship", lambda: ship(order))
    steps.finish({"payment": payment, "tracking": tracking})

One new step per invocation
---------------------------
A process handler's outputs are appended only when it exits (one compare-and-swap batch, on a
zero exit status). So `step()` runs at most ONE new step per invocation: it replays the recorded
steps (returning their recorded results, raising their recorded failures), and at the first
position without a record it runs the function, writes the record and ends the process with
status 0 (it raises ``InvocationEnd``, a ``SystemExit``). The record is the invocation's last
output, a `step` entry, which leaves the session pending: the runtime invokes the handler
again, which replays one step further. Each step is therefore journaled before the next one
starts. `step()` returns only recorded values, so the code after a step sees exactly what a
later replay will see.

What this promises (and what not)
---------------------------------
- Once a step's record is in the log, its function never runs again: every later invocation
  returns the recorded result (or raises the recorded failure as ``StepFailed``).
- Each position is recorded at most once: the runtime appends the record with compare-and-swap
  on the log the invocation read, so two runtimes cannot both record it.
- A step whose record did not land runs again on the next invocation: the handler crashed,
  exited non-zero, was killed or timed out after (or during) the function; or the log moved
  while it ran (a push, a wake, another runtime), so the runtime discarded the outputs. Make
  effects idempotent where running twice matters.
- Asking for a different step (kind or name) at a recorded position raises
  ``NondeterminismError``; ``finish()`` raises it when a recorded position was never asked for.
  Uncaught, the process exits with status 1 and the runtime records one `error` entry whose
  stderr-tail ends with the message.

Only the standard library and the pugmark SDK are used. Per-step timeouts, durable sleeps,
signals, fan-out, child scopes and patches are in the Swift API only.
"""

from __future__ import annotations

import datetime as _datetime
import json
import random as _random
import sys
import time
import uuid as _uuid
from typing import Any, Callable, Dict, Iterable, List, Optional

import pugmark

__all__ = [
    "STEP_CONTENT_TYPE",
    "FINISH_CONTENT_TYPE",
    "Steps",
    "StepFailed",
    "NondeterminismError",
    "InvocationEnd",
]

#: Content type of step records; the runtime turns an output with it into a `step` entry.
STEP_CONTENT_TYPE = "application/vnd.cairn.step+json"
#: Content type of a finish output (a Cairn extension of the pugmark protocol).
FINISH_CONTENT_TYPE = "application/vnd.cairn.finish+text"

_KINDS = {"step", "now", "random", "uuid", "sleep", "signal", "version", "child"}


class NondeterminismError(Exception):
    """The handler asked for something other than what the log recorded at a position.

    The message is the one Swift's ``NondeterminismError`` uses.
    """

    def __init__(self, position: str, recorded: Optional[str], asked: Optional[str]):
        self.position = position
        self.recorded = recorded
        self.asked = asked
        if recorded is not None and asked is not None:
            message = (f"nondeterminism at step position {position}: the log recorded {recorded} "
                       f"but the workflow asked for {asked}")
        elif recorded is not None:
            message = (f"nondeterminism at step position {position}: the log recorded {recorded} "
                       f"but the workflow finished without asking for it")
        else:
            message = f"nondeterminism at step position {position}"
        super().__init__(message)


class StepFailed(Exception):
    """A step failed (after its retries); raised again whenever the run is replayed."""

    def __init__(self, step: str, position: str, message: str, type: str):
        self.step = step
        self.position = position
        self.message = message
        self.type = type
        super().__init__(f"step '{step}' (position {position}) failed: {message}")


class InvocationEnd(SystemExit):
    """Ends the invocation with status 0 after a new step's record was written.

    A ``SystemExit``, so ``except Exception`` does not catch it. Do not swallow it: the record
    must be the invocation's last output (an output written after it, a pause say, would
    decide the session's status instead).
    """

    def __init__(self, position: str, name: str):
        super().__init__(0)
        self.position = position
        self.name = name


def _encode(value: Any) -> bytes:
    # Sorted keys and no spaces, like the Swift engine's records.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Steps:
    """The recorded steps of a session, and the way to add one.

    Args:
        log: the session's entries (pugmark objects, oldest first). Default: all of
            ``pugmark.read()``; the SDK's stdin can be read only once, so use ``steps.log``
            afterwards rather than calling ``pugmark.read()`` again.
        session: the pugmark session to write to (default: the SDK's default session).
    """

    def __init__(self, log: Optional[Iterable[Any]] = None, session: Optional[pugmark.Session] = None):
        self._session = session or pugmark.default_session()
        self.log: List[Any] = list(self._session.read() if log is None else log)
        # position -> (index in the log, entry); a later record for a position would win, as in Swift.
        self._records: Dict[str, Any] = {}
        self._order: Dict[str, int] = {}
        for index, entry in enumerate(self.log):
            if entry.event() != "step":
                continue
            position = (entry.metadata() or {}).get("position")
            if position is not None:
                self._records[position] = entry
                self._order[position] = index
        self._consumed: set = set()
        self._next = 0
        self._ended = False

    # -- reading the log ----------------------------------------------------------------------

    @property
    def recorded(self) -> int:
        """How many step records the log holds."""
        return len(self._records)

    def input(self) -> Any:
        """The run's input, decoded from JSON: the push named `input`, else the first unnamed push.

        The same rule as the Swift ``WorkflowHandler``, except that the SDK does not expose an
        entry's source, so an unnamed push written by the handler itself would count too.
        Returns None when there is none yet.
        """
        pushes = [e for e in self.log if e.event() == "push"]
        chosen = next((e for e in pushes if e.name() == "input"), None)
        if chosen is None:
            chosen = next((e for e in pushes if e.name() == ""), None)
        return None if chosen is None else chosen.decode_json()

    # -- steps --------------------------------------------------------------------------------

    def step(self, name: str, fn: Callable[[], Any], *, retries: int = 0, backoff: float = 0.1,
             retry_if: Optional[Callable[[BaseException], bool]] = None) -> Any:
        """Returns the step's recorded result, or runs ``fn`` once, records it and ends the invocation.

        Args:
            name: the step's name; it must be the same at this position on every run.
            fn: the effect, called without arguments; it returns a JSON-serializable value.
            retries: how many times a failed attempt is retried in this invocation.
            backoff: the pause before the first retry, in seconds; it doubles for each next one.
            retry_if: which exceptions are retried (default: all).

        Returns:
            The recorded result, decoded from JSON (only ever from the log).
        Raises:
            StepFailed: the step's recorded outcome is an error (also on every replay).
            NondeterminismError: the log recorded another step at this position.
            InvocationEnd: after a new step's record was written (exit status 0).
        """
        return self._journaled("step", name, fn, retries=retries, backoff=backoff, retry_if=retry_if)

    def now(self) -> _datetime.datetime:
        """The current time (UTC, millisecond precision), recorded on the first run."""
        milliseconds = self._journaled("now", "now", lambda: int(time.time() * 1000))
        return _datetime.datetime.fromtimestamp(milliseconds / 1000, tz=_datetime.timezone.utc)

    def random(self, low: int = 0, high: int = sys.maxsize) -> int:
        """A random integer in [low, high], recorded on the first run."""
        return int(self._journaled("random", "random", lambda: _random.randint(low, high)))

    def uuid(self) -> _uuid.UUID:
        """A UUID, recorded on the first run (upper case, as Swift records it)."""
        return _uuid.UUID(self._journaled("uuid", "uuid", lambda: str(_uuid.uuid4()).upper()))

    def finish(self, result: Any = None, reason: str = "workflow completed") -> None:
        """Writes the result (a JSON push named `result`) and a finish, as a Swift workflow does.

        Raises:
            NondeterminismError: the log holds a step record this run never asked for.
        """
        self._check_not_ended()
        self._check_all_consumed()
        self._session.write(_encode(result), name="result", content_type="application/json")
        self._session.write(reason, content_type=FINISH_CONTENT_TYPE)

    # -- the journal --------------------------------------------------------------------------

    def _journaled(self, kind: str, name: str, fn: Callable[[], Any], *, retries: int = 0, backoff: float = 0.1,
                   retry_if: Optional[Callable[[BaseException], bool]] = None) -> Any:
        self._check_not_ended()
        position = str(self._next)
        self._next += 1
        entry = self._records.get(position)
        if entry is not None:
            return self._replay(entry, position, kind, name)

        started = time.monotonic()
        attempts = 0
        while True:
            attempts += 1
            try:
                value = fn()
                succeeded = True
                break
            except Exception as error:  # noqa: BLE001 - a step records any failure of its effect
                if attempts <= retries and (retry_if is None or retry_if(error)):
                    time.sleep(backoff * (2 ** (attempts - 1)))
                    continue
                value = {"error": str(error), "type": type(error).__name__}
                succeeded = False
                break
        duration_ms = int((time.monotonic() - started) * 1000)
        try:
            body = _encode(value)
        except (TypeError, ValueError) as error:
            raise TypeError(f"step '{name}' (position {position}) returned a value that is not JSON: {error}") from None
        metadata = {
            "position": position,
            "kind": kind,
            "outcome": "ok" if succeeded else "error",
            "attempts": str(attempts),
            "duration-ms": str(duration_ms),
        }
        self._session.write(body, name=name, content_type=STEP_CONTENT_TYPE, metadata=metadata)
        sys.stdout.flush()
        self._ended = True
        raise InvocationEnd(position, name)

    def _replay(self, entry: Any, position: str, kind: str, name: str) -> Any:
        metadata = entry.metadata() or {}
        recorded_kind = metadata.get("kind", "")
        if recorded_kind not in _KINDS:
            raise NondeterminismError(position, f"a malformed step entry #{self._order[position]}", f"{kind} '{name}'")
        self._consumed.add(position)
        if recorded_kind != kind or entry.name() != name:
            raise NondeterminismError(position, f"{recorded_kind} '{entry.name()}'", f"{kind} '{name}'")
        body = entry.body()
        if metadata.get("outcome") == "error":
            try:
                failure = json.loads(body)
                message, error_type = str(failure["error"]), str(failure.get("type", "Error"))
            except (ValueError, TypeError, KeyError):
                message, error_type = body.decode("utf-8", "replace"), "Error"
            raise StepFailed(name, position, message, error_type)
        return json.loads(body)

    def _check_not_ended(self) -> None:
        # A new step already ran in this invocation (someone caught InvocationEnd): end again,
        # without running anything, so that at most one new step runs per invocation.
        if self._ended:
            raise InvocationEnd(str(self._next), "")

    def _check_all_consumed(self) -> None:
        pending = [p for p in self._records if p not in self._consumed and p != "patches"]
        if pending:
            position = min(pending, key=lambda p: self._order[p])
            entry = self._records[position]
            kind = (entry.metadata() or {}).get("kind", "step")
            raise NondeterminismError(position, f"{kind} '{entry.name()}'", None)
