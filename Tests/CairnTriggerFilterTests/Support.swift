import CairnCore
import CairnTriggers
import Testing

/// A GitHub pull_request-like payload used across the tests.
let pullRequest = """
    {"action": "opened", "number": 42, "draft": false, "ratio": 0.75, "count": 3, "none": null,
     "pull_request": {"title": "Fix bug", "state": "open", "additions": 120, "deletions": 3,
                      "user": {"login": "octocat"}, "labels": [{"name": "bug"}, {"name": "urgent"}]},
     "labels": ["bug", "enhancement"], "title": "ΑΣ Straße İstanbul", "emoji": "😀 ok",
     "combining": "e\\u0301", "precomposed": "\\u00e9", "empty": "", "spaces": "  padded \\t",
     "nested": {"a": {"b": [1, 2, {"c": "deep"}]}}, "mixed": [1, "a", null, true, 2.5], "neg": -3}
    """

/// The event for a JSON payload text.
func event(_ json: String = pullRequest, metadata: [String: String] = ["source": "github"]) throws -> FilterEvent {
    FilterEvent(payload: try JSONValue(parsing: json), metadata: metadata, triggerType: "webhook", triggerID: "gh", eventID: "e1")
}

/// Whether `expression` accepts the event (compiling it must succeed).
func passes(_ expression: String, _ json: String = pullRequest, metadata: [String: String] = ["source": "github"]) throws -> Bool {
    try FilterExpression(expression).accepts(event(json, metadata: metadata))
}

/// The compile error for `expression`, or nil if it compiles.
func refusal(_ expression: String) -> FilterError? {
    do {
        _ = try FilterExpression(expression)
        return nil
    } catch {
        return error
    }
}
