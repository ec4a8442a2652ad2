"""Reads the object named "blob" with the SDK (HTTP fetch, zstd if stored compressed), reports
its sha256, and writes back a large binary output: `random` mode writes 11 MiB of seeded random
bytes, `pattern` mode 10 MiB (+1 KiB) of a highly compressible pattern."""
import hashlib
import random
import sys

import pugmark

mode = sys.argv[1]
blob = pugmark.load("blob")
data = blob.body()
if mode == "random":
    out = random.Random(20240601).randbytes(11 * 1024 * 1024)
else:
    out = bytes(range(256)) * (40 * 1024 + 4)  # 10 MiB + 1 KiB
pugmark.write_json(
    {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
     "wire-size": blob._input.size, "wire-encoding": blob._input.content_encoding,
     "content-type": blob.content_type(), "out-sha256": hashlib.sha256(out).hexdigest()},
    name="digest")
pugmark.write_bytes(out, name="big-out", metadata={"mode": mode})
pugmark.pause("done")
