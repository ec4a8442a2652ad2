"""Differential oracle: promptise 1.10.1's filter expressions, run on the cases Swift sends.

Reads a JSON list of {"expression": str, "event": {...}} on stdin and writes a JSON list with, for each
case, {"error": true, "message": str} when compile_filter refuses the expression, else {"result": bool}.
"event" may instead be an index into the "events" of the corpus file named by the first argument: the
events are then read here, in their key order (a JSON object re-encoded by Swift loses it, and str() of
a dict shows it).

promptise's package __init__ imports heavy dependencies (langchain, mcp, ...), so when a plain import
fails, the two files the filter needs -- triggers/base.py (TriggerEvent; standard library only) and
triggers/filters.py -- are loaded by path as a package of their own. Both are promptise's real code.
Exit status 3: promptise is not installed.
"""

import importlib
import importlib.util
import json
import logging
import os
import sys
import types
import warnings


def load():
    try:
        from promptise.runtime.triggers import base, filters  # noqa: F401

        return base, filters
    except Exception:
        pass
    spec = importlib.util.find_spec("promptise")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(3)
    folder = os.path.join(list(spec.submodule_search_locations)[0], "runtime", "triggers")
    package = types.ModuleType("_promptise_triggers")
    package.__path__ = [folder]
    sys.modules["_promptise_triggers"] = package
    return importlib.import_module("_promptise_triggers.base"), importlib.import_module("_promptise_triggers.filters")


def main():
    base, filters = load()
    if "--version" in sys.argv:
        from importlib.metadata import version

        print(version("promptise"))
        return
    logging.disable(logging.CRITICAL)  # promptise logs a warning for each evaluation error
    warnings.simplefilter("ignore")  # SyntaxWarning for "1or 2", invalid escapes
    events = []
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as corpus:
            events = json.load(corpus)["events"]
    out = []
    for case in json.load(sys.stdin):
        try:
            accept = filters.compile_filter(case["expression"])
        except Exception as error:  # FilterExpressionError, or ValueError for a NUL byte
            out.append({"error": True, "message": str(error)})
            continue
        event = case["event"] if isinstance(case["event"], dict) else events[case["event"]]
        trigger_event = base.TriggerEvent(
            trigger_id=event.get("trigger_id", ""),
            trigger_type=event.get("trigger_type", ""),
            event_id=event.get("event_id", ""),
            payload=event.get("payload"),
            metadata=event.get("metadata", {}),
        )
        out.append({"result": bool(accept(trigger_event))})
    json.dump(out, sys.stdout)


main()
