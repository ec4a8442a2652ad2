"""Writes one object of each kind through the SDK's typed writers, then pauses."""
import pugmark

list(pugmark.read())
pugmark.write_text("plain words", name="note", metadata={"lang": "en"})
pugmark.write_text("# Title\n\nbody", name="doc", content_type="text/markdown", metadata={"format": "md"})
pugmark.write_json({"answer": 42, "items": [1, 2, 3], "nested": {"ok": True}}, name="reply",
                   metadata={"model": "test", "n": "1"})
pugmark.write_bytes(b"\x00\x01\x02\xffbinary", name="blob", metadata={"kind": "raw"})
pugmark.write_bytes(bytearray(b"\x89PNG\r\n\x1a\n"), name="image", content_type="image/png")
pugmark.write("auto text", name="auto-text")
pugmark.write({"auto": True}, name="auto-json", schema_url="https://example.com/auto.schema.json")
pugmark.pause("done writing")
