public import CairnCore
public import Foundation

/// The state of a process's mission.
public enum MissionState: String, Sendable, Hashable, Codable {
    case active, completed, failed, paused
}

/// The judge's verdict on a mission after a run.
public struct MissionVerdict: Sendable, Hashable, Codable {
    public var achieved: Bool
    public var confidence: Double
    public var reasoning: String
    public var progressSummary: String
    /// `llm`, or `error` when the judge could not answer.
    public var source: String

    /// The verdict as the API shows an evaluation.
    func json(invocation: Int, at time: Date) -> JSONValue {
        .object([
            "achieved": .bool(achieved), "confidence": .number(confidence), "reasoning": .string(reasoning),
            "progress_summary": .string(progressSummary), "invocation_number": .number(Double(invocation)), "source": .string(source),
            "timestamp": .string(Timestamps.format(time)),
        ])
    }
}

/// The mission judge: its prompt and the reading of its JSON answer.
public enum MissionJudge {
    /// The judge's system prompt.
    public static let system = """
        You evaluate whether an autonomous agent has achieved its mission. Answer with one JSON object \
        and nothing else: {"achieved": true or false, "confidence": a number from 0 to 1, \
        "reasoning": "why", "progress_summary": "what has been done so far"}.
        """

    /// The judge's question about a mission after the reply of run `invocation`.
    static func question(_ mission: MissionSettings, invocation: Int, context: [String: JSONValue], prompt: String) -> String {
        """
        Objective: \(mission.objective)
        Success criteria: \(mission.successCriteria)
        Invocations so far: \(invocation)
        Context state: \(JSONValue.object(context).canonicalText)

        Latest input:
        \(prompt.prefix(4000))
        """
    }

    /// Reads the judge's answer: the first JSON object in `text`. An answer without one counts as
    /// not achieved with confidence 0.5 (promptise's fallback).
    public static func parseVerdict(_ text: String) -> MissionVerdict {
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end,
            let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text[start...end].utf8))
        else { return judgeFailed("the judge's answer holds no JSON object") }
        let confidence = min(max(json["confidence"]?.numberValue ?? 0.5, 0), 1)
        return MissionVerdict(
            achieved: json["achieved"] == .bool(true), confidence: confidence, reasoning: json["reasoning"]?.stringValue ?? "",
            progressSummary: json["progress_summary"]?.stringValue ?? "", source: "llm")
    }

    /// The verdict when the judge failed.
    public static func judgeFailed(_ why: String) -> MissionVerdict {
        MissionVerdict(achieved: false, confidence: 0.5, reasoning: "evaluation failed: \(why)", progressSummary: "", source: "error")
    }
}
