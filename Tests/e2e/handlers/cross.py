"""Appends objects to another session: a hand-built output line with "session", and
pugmark.write_remote(..., session=...) with a file:// URI; then notes it and pauses."""
import base64
import json
import sys

import pugmark

request = list(pugmark.read())[-1].decode_json()
target = request["target"]
payload = json.dumps({"hello": "from " + pugmark.session_id()}).encode()
line = {
    "data": base64.b64encode(payload).decode("ascii"),
    "content-type": "application/json",
    "name": "greeting",
    "metadata": {"via": "raw-line"},
    "session": target,
}
sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
sys.stdout.flush()
if request.get("file"):
    pugmark.write_remote("file://" + request["file"], name="remote-file", content_type="text/plain",
                         metadata={"via": "write_remote"}, session=target)
pugmark.write_json({"sent_to": target}, name="sent")
pugmark.pause("sent")
