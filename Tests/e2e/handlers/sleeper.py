"""Sleeps one second with pugmark.sleep; when woken, records the wake and pauses. A push that
arrives while it sleeps makes it pause instead (so the pending timer goes stale)."""
import pugmark

log = list(pugmark.read())
last = log[-1]
if last.event() == "wake":
    pugmark.write_json(
        {"woke": True, "wakes": sum(1 for o in log if o.event() == "wake"),
         "reason": last.metadata().get("reason"), "saw_sleep": any(o.event() == "sleep" for o in log)},
        name="woke")
    pugmark.pause("awake")
elif any(o.event() == "sleep" for o in log):
    pugmark.pause("interrupted")
else:
    pugmark.sleep(1, "napping")
