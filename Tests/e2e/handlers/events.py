"""Records the events the SDK's events() iterator yields, then pauses."""
import pugmark

names, classes, pushed = [], [], []
for event in pugmark.events():
    names.append(str(event))
    classes.append(type(event).__name__)
    if isinstance(event, pugmark.PushEvent):
        pushed.append(event.object.name())
pugmark.write_json({"events": names, "classes": classes, "pushed": pushed}, name="events")
pugmark.pause("recorded")
