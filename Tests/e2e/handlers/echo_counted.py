"""Echo inputs, pause otherwise; record every invocation (session, snapshot) in $COUNT_FILE.
With $SLOW_SECONDS, sleep that long before answering (and touch $STARTED_FILE first)."""
import os
import time

import pugmark

session = os.environ.get("PUGMARK_SESSION_ID", "")
snapshot = os.environ.get("CAIRN_SNAPSHOT", "")
if os.environ.get("COUNT_FILE"):
    with open(os.environ["COUNT_FILE"], "a") as f:
        f.write(f"{session} {snapshot}\n")
if os.environ.get("SLOW_SECONDS"):
    if os.environ.get("STARTED_FILE"):
        open(os.environ["STARTED_FILE"], "w").close()
    time.sleep(float(os.environ["SLOW_SECONDS"]))

log = list(pugmark.read())
last = log[-1]
if last.event() == "push" and last.metadata().get("kind") == "input":
    pugmark.write({"echo": last.decode_json()}, metadata={"answers": str(len(log) - 1)})
else:
    pugmark.pause("waiting")
