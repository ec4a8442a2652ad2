"""Writes outputs, then crashes with an exception (exit status 1)."""
import pugmark

list(pugmark.read())
pugmark.write_json({"partial": True}, name="partial")
pugmark.write_text("half way there", name="partial-text")
raise RuntimeError("boom-4711: handler crashed half-way")
