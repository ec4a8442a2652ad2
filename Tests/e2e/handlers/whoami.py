"""Reports what the SDK knows about the session (id, agent, metadata) and echoes a text object."""
import os

import pugmark

log = list(pugmark.read())
greeting = pugmark.load_text("greeting")
pugmark.write_json(
    {"session": pugmark.session_id(), "agent": pugmark.agent(), "metadata": pugmark.metadata(),
     "snapshot": os.environ.get("CAIRN_SNAPSHOT"), "entries": len(log),
     "greeting": greeting, "upper": greeting.upper() if greeting is not None else None},
    name="whoami")
pugmark.write_text((greeting or "").upper(), name="shout", metadata={"clé": "välue ✓"})
pugmark.pause("reported")
