"""Increments a counter kept as a named object with pugmark.open (read-modify-write), then pauses."""
import pugmark

with pugmark.open("counter", content_type="text/plain", metadata={"kind": "counter"}) as f:
    value = int(f.read() or b"0") + 1
    f.seek(0)
    f.truncate()
    f.write(str(value).encode())
pugmark.pause(f"counted {value}")
