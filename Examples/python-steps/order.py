"""An order-processing handler with durable steps (cairn_steps), run by `cairn run`.

Input (push it with --name input):
    {"id": "A-1", "items": ["atlas", "compass"], "amount": 120, "customer": "ada", "card": "visa"}

Steps: reserve stock, charge card (a declined card fails the step: the stock is released and
the order ends "payment declined"), ship. Then it writes the result and finishes the session.

Every invocation replays the recorded steps from the log and runs at most one new step, then
exits; the runtime invokes it again because the log has a new event. Run it with:

    cairn run --once -- python3 order.py

The "external systems" are a file: each effect appends one line to $ORDER_EFFECTS (default
effects.log in the working directory). For crash tests, ORDER_CRASH_AFTER=<step name> crashes
right after that step's effect, before its record is written: the handler exits with status 3
(the runtime records an `error` entry), or with ORDER_CRASH_HOW=kill-runner it first kills the
runtime that invoked it with SIGKILL (nothing is recorded at all).
"""

import os
import signal
import sys
import uuid

import pugmark

import cairn_steps


class PaymentDeclined(Exception):
    pass


def effect(step: str, line: str) -> str:
    """Performs an effect (appends a line to the effects file) and returns an id for it."""
    with open(os.environ.get("ORDER_EFFECTS", "effects.log"), "a") as effects:
        effects.write(line + "\n")
    print(f"effect: {line}")  # pugmark sends print() to stderr
    if os.environ.get("ORDER_CRASH_AFTER") == step:  # a crash: the effect happened, its record is never written
        if os.environ.get("ORDER_CRASH_HOW") == "kill-runner":
            os.kill(os.getppid(), signal.SIGKILL)
        os._exit(3)
    return f"{line.split()[0]}-{uuid.uuid4().hex[:8]}"


def charge(order: dict) -> str:
    if order.get("card") == "declined":
        raise PaymentDeclined(f"card of {order['customer']} declined for {order['amount']}")
    return effect("charge card", f"charged {order['customer']} {order['amount']} for {order['id']}")


steps = cairn_steps.Steps()
order = steps.input()
if order is None:
    pugmark.pause("waiting for the order: push it with --name input")
    sys.exit(0)

reservation = steps.step("reserve stock", lambda: effect("reserve stock", f"reserved {', '.join(order['items'])} for {order['id']}"))
try:
    payment = steps.step("charge card", lambda: charge(order), retries=2, retry_if=lambda e: not isinstance(e, PaymentDeclined))
except cairn_steps.StepFailed as failure:
    steps.step("release stock", lambda: effect("release stock", f"released {reservation}"))
    steps.finish({"order": order["id"], "status": "payment declined", "reason": failure.message})
    sys.exit(0)
tracking = steps.step("ship", lambda: effect("ship", f"shipped {order['id']}"))
steps.finish({"order": order["id"], "status": "shipped", "reservation": reservation, "payment": payment, "tracking": tracking})
