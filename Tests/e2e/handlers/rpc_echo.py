"""An RPC-mode handler served by the real pugmark.http module (serve(WSGIPugmark(...)) on fd 3).

Echoes JSON pushes with what the runtime told it (agent, session, snapshot, metadata, its pid);
a push {"kind": "die"} makes the process exit mid-request; anything else pauses."""
import os

from pugmark import Session
from pugmark.http import WSGIPugmark, serve


def handle(session: Session) -> None:
    log = list(session.read())
    last = log[-1]
    request = last.decode_json() if last.event() == "push" and last.content_type() == "application/json" else {}
    if request.get("kind") == "die":
        os._exit(3)
    if request.get("kind") == "input":
        session.write_json({
            "echo": request.get("text", "").upper(),
            "agent": session.agent(),
            "session": session.session_id(),
            "snapshot": session.snapshot(),
            "metadata": session.metadata(),
            "pid": os.getpid(),
            "rpc_url": os.environ.get("PUGMARK_RPC_URL"),
            "entries": len(log),
        }, name="echo")
    session.pause("waiting")


serve(WSGIPugmark(handle))
