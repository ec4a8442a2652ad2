"""Always writes one object and never pauses or sleeps."""
import pugmark

log = list(pugmark.read())
pugmark.write_json({"tick": len(log)}, name="tick")
