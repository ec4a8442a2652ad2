"""Parent: forks one child session per part with fork=True outputs. Child: answers its task."""
import json

import pugmark
from pugmark import LocalObject, Output

log = list(pugmark.read())
last = log[-1]
if last.event() == "push" and last.metadata().get("role") == "task":
    pugmark.write_json(
        {"child": True, "task": last.decode_json(), "session": pugmark.session_id(),
         "saw_fork": any(o.event() == "fork" for o in log), "fork_flag_on_input": last.fork()},
        name="child-result")
    pugmark.pause("child done")
elif last.event() == "push" and isinstance(last.decode_json(), dict) and "parts" in last.decode_json():
    parts = last.decode_json()["parts"]
    for index, part in enumerate(parts):
        task = LocalObject(Output(
            data=json.dumps({"part": part, "index": index}).encode(), name="task",
            content_type="application/json", metadata={"role": "task", "index": str(index)}, fork=True))
        assert task.fork()
        pugmark.write(task)
    pugmark.write_json({"forked": len(parts)}, name="parent-note")
    pugmark.pause("forked")
else:
    pugmark.pause("nothing to do")
