"""Reads named objects through state(), load_json() and load_text(); writes a derived result."""
import pugmark

state = pugmark.state()
config = pugmark.load_json("config")
greeting = pugmark.load_text("greeting")
if config is None:
    pugmark.pause("no config yet")
else:
    pugmark.write_json(
        {
            "message": f"{greeting}, {config['user']}!",
            "total": sum(config["numbers"]) * config["factor"],
            "version": config.get("version"),
            "has_config": "config" in state,
            "missing_is_none": pugmark.load_json("no-such-object") is None,
            "config_content_type": state["config"].content_type(),
            "greeting_content_type": state["greeting"].content_type(),
            "config_metadata": state["config"].metadata(),
        },
        name="result",
    )
    pugmark.pause("waiting for a new config")
