import CairnCore
import CairnProcesses
import Foundation
import Testing

@Suite("Process configuration and inbox")
struct ConfigAndInboxTests {
    func refusal(_ text: String) throws -> ProcessConfigError? {
        let value = try JSONValue(parsing: text)
        do throws(ProcessConfigError) {
            _ = try ProcessConfig.parse(value)
            return nil
        } catch { return error }
    }

    @Test func unknownKeysAreRefusedWithAHint() throws {
        let error = try #require(try refusal(#"{"inbox": {"enabled": true, "max_mesages": 3}}"#))
        #expect(error.code == "INVALID_CONFIG" && error.message.contains("did you mean 'max_messages'"))
        #expect(try refusal(#"{"concurrency": 0}"#)?.message.contains("at least 1") == true)
        #expect(try refusal(#"{"restart_policy": "sometimes"}"#)?.message.contains("always, on_failure, never") == true)
        #expect(try refusal(#"{"model": "gpt-4"}"#)?.message.contains("PROVIDER:NAME") == true)
        #expect(try refusal(#"{"servers": {"fs": {"url": "http://127.0.0.1:1"}}}"#)?.code == "UNSUPPORTED")
        #expect(try refusal(#"{"hooks": [{"event": "start", "x": 1}]}"#)?.code == "UNSUPPORTED")
        #expect(try refusal(#"{"triggers": [{"cron_expression": "* * * * *"}]}"#)?.code == "MISSING_FIELD")
        #expect(try refusal(#"{"budget": {"enabled": true, "max_runs_per_day": null}, "inbox": {"enabled": true}}"#) == nil)
    }

    @Test func environmentReferencesAreFoundAndResolved() throws {
        let config = try JSONValue(parsing: #"{"instructions": "key ${API_KEY} and ${HOME}", "x": ["$notref", "${ALSO}"]}"#)
        #expect(ProcessConfig.environmentReferences(in: config) == ["API_KEY", "HOME", "ALSO"])
        let resolved = try ProcessConfig.resolvingEnvironment(config, ["API_KEY": "k", "HOME": "/h", "ALSO": "a"], at: "manifest")
        #expect(resolved["instructions"] == .string("key k and /h"))
        #expect(throws: ProcessConfigError.self) { try ProcessConfig.resolvingEnvironment(config, [:], at: "manifest") }
    }

    @Test func triggerIDsAreStableAndNumberDuplicates() throws {
        let spec = try TriggerSpec.parse(try JSONValue(parsing: #"{"type": "cron", "cron_expression": "*/5 * * * *"}"#))
        let other = try TriggerSpec.parse(try JSONValue(parsing: #"{"type": "webhook", "hmac_secret": "s"}"#))
        let ids = ProcessConfig.triggerIDs([spec, other, spec])
        #expect(ids[0].hasPrefix("cron-") && ids[0].count == 15 && ids[2] == ids[0] + "-2" && ids[1].hasPrefix("webhook-"))
        #expect(ProcessConfig.triggerIDs([spec]) == [ids[0]])
    }

    @Test func aFullInboxEvictsTheOldestOfTheLowestPriorityButNeverForALowerNewcomer() throws {
        var settings = InboxSettings([:])
        settings.maxMessages = 2
        var inbox = Inbox(settings: settings)
        let now = Date(timeIntervalSince1970: 1_000_000)
        func message(_ id: String, _ priority: String, _ offset: Double) -> InboxMessage {
            InboxMessage(id: id, type: .context, content: "c", priority: priority, senderID: id, created: now.addingTimeInterval(offset))
        }
        try inbox.add(message("a", "normal", 0), now: now)
        try inbox.add(message("b", "high", 1), now: now)
        #expect(try inbox.add(message("c", "normal", 2), now: now) == "a")
        #expect(throws: InboxError.self) { try inbox.add(message("d", "low", 3), now: now) }
        #expect(inbox.pending(now: now).map(\.id) == ["b", "c"])
    }

    @Test func senderRateLimitAndTTLCaps() throws {
        var settings = InboxSettings([:])
        settings.rateLimitPerSender = 2
        settings.maxTTL = 60
        var inbox = Inbox(settings: settings)
        let now = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<2 {
            let prepared = try inbox.prepare(InboxMessage(id: "\(index)", type: .directive, content: "x", senderID: "s", created: now), now: now)
            #expect(prepared.expires == now.addingTimeInterval(60))
            try inbox.add(prepared, now: now)
        }
        do throws(InboxError) {
            try inbox.add(InboxMessage(id: "late", type: .directive, content: "x", senderID: "s", created: now), now: now)
            Issue.record("a third message within the hour must be refused")
        } catch { #expect(error.code == "RATE_LIMITED" && error.status == 429) }
        try inbox.add(InboxMessage(id: "later", type: .directive, content: "x", senderID: "s", created: now), now: now.addingTimeInterval(3601))
    }
}
