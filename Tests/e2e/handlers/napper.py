"""Fan-out sleeper. A push named "fanout" forks N child sessions (fork=True outputs named "nap");
each child sleeps one second with pugmark.sleep; when woken it records the wake and pauses."""
import json

import pugmark
from pugmark import LocalObject, Output

log = list(pugmark.read())
last = log[-1]
if last.event() == "wake":
    pugmark.write_json({"woke": True, "reason": last.metadata().get("reason")}, name="woke")
    pugmark.pause("awake")
elif last.event() == "push" and last.name() == "nap":
    pugmark.sleep(1, "napping")
elif last.event() == "push" and last.name() == "fanout":
    for index in range(last.decode_json()["sessions"]):
        pugmark.write(LocalObject(Output(
            data=json.dumps({"index": index}).encode(), name="nap", content_type="application/json", fork=True)))
    pugmark.pause("fanned out")
else:
    pugmark.pause("nothing to do")
