"""Finishes the session on a push {"kind": "stop"}; otherwise answers and pauses."""
import pugmark

last = list(pugmark.read())[-1]
request = last.decode_json() if last.event() == "push" else {}
if request.get("kind") == "stop":
    pugmark.write("all done", content_type="application/vnd.cairn.finish+text")
else:
    pugmark.write_json({"answer": request}, name="answer")
    pugmark.pause("waiting")
