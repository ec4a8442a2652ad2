public import CairnCore
public import Foundation
import Synchronization

/// The secrets of one process, in memory only: values from the configuration, rotated and
/// revoked through the API. Every value a secret has had (the current one and the last 10
/// retired ones) is redacted as `[REDACTED]` from whatever the process journals.
public final class ProcessSecrets: Sendable {
    struct Secret {
        var value: String?
        var retired: [String] = []
        var ttl: Double?
        var expires: Date?
        var rotations = 0
        var rotatedAt: Date?
        var accesses = 0
    }

    private let secrets: Mutex<[String: Secret]>
    private let order: [String]
    /// Values the secrets this set replaced had (still redacted).
    private let formerly: [String]

    /// The secrets of `settings`, their TTLs starting at `now`; every value `replaced` ever
    /// held stays redacted.
    public init(_ settings: SecretSettings, now: Date, replacing replaced: ProcessSecrets? = nil) {
        var secrets: [String: Secret] = [:]
        for (name, value) in settings.values {
            let ttl = settings.ttl(of: name)
            secrets[name] = Secret(value: value, ttl: ttl, expires: ttl.map { now.addingTimeInterval($0) })
        }
        order = secrets.keys.sorted()
        self.secrets = Mutex(secrets)
        let current = Set(settings.values.map(\.value))
        formerly = (replaced?.allValues ?? []).filter { $0 != SecretVault.mask && !current.contains($0) }
    }

    /// Gives back the values a restart lost: the log keeps secrets as `[REDACTED]`, so a
    /// process folded from its log has no values until its manifest provides them again.
    /// Secrets that have a value are left alone.
    public func restore(_ settings: SecretSettings) {
        secrets.withLock { secrets in
            for (name, value) in settings.values where secrets[name]?.value == SecretVault.mask { secrets[name]?.value = value }
        }
    }

    /// Replaces the value of `name`; the old one is retired (and still redacted).
    /// - Returns: false for an unknown name.
    public func rotate(_ name: String, to value: String, ttl: Double?, now: Date) -> Bool {
        secrets.withLock { secrets in
            guard var secret = secrets[name] else { return false }
            if let old = secret.value {
                secret.retired.append(old)
                if secret.retired.count > 10 { secret.retired.removeFirst(secret.retired.count - 10) }
            }
            secret.value = value
            if let ttl {
                secret.ttl = ttl
                secret.expires = now.addingTimeInterval(ttl)
            }
            secret.rotations += 1
            secret.rotatedAt = now
            secrets[name] = secret
            return true
        }
    }

    /// Drops every current value (they stay redacted).
    public func revokeAll() {
        secrets.withLock { secrets in
            for name in secrets.keys {
                if let value = secrets[name]?.value { secrets[name]?.retired.append(value) }
                secrets[name]?.value = nil
                secrets[name]?.expires = nil
            }
        }
    }

    /// The current, unexpired values by name (for the agent's vault).
    public func current(now: Date) -> [(name: String, value: String)] {
        secrets.withLock { secrets in
            order.compactMap { name in
                guard let secret = secrets[name], let value = secret.value, secret.expires.map({ $0 > now }) ?? true else { return nil }
                secrets[name]?.accesses += 1
                return (name, value)
            }
        }
    }

    /// Every value ever held, current and retired.
    var allValues: [String] { formerly + secrets.withLock { $0.values.flatMap { ($0.value.map { [$0] } ?? []) + $0.retired } } }

    /// `text` with every value ever held replaced by `[REDACTED]`, longest first.
    public func redact(_ text: String) -> String {
        var result = text
        for value in allValues.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: SecretVault.mask)
        }
        return result
    }

    /// `value` with every string redacted.
    func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .array(let items): .array(items.map { redact($0) })
        case .object(let object): .object(object.mapValues { redact($0) })
        default: value
        }
    }

    /// The listing the API shows (no values).
    public func listing(now: Date) -> [JSONValue] {
        secrets.withLock { secrets in
            order.compactMap { name in
                guard let secret = secrets[name] else { return nil }
                let live = secret.value != nil && (secret.expires.map { $0 > now } ?? true)
                return .object([
                    "name": .string(name), "active": .bool(live), "source": .string("config"), "ttl": secret.ttl.map(JSONValue.number) ?? .null,
                    "expires_in": secret.expires.map { .number(max(0, $0.timeIntervalSince(now))) } ?? .null,
                    "rotation_count": .number(Double(secret.rotations)),
                    "rotated_at": secret.rotatedAt.map { .string(Timestamps.format($0)) } ?? .null,
                    "access_count": .number(Double(secret.accesses)),
                    "expires_at": secret.expires.map { .string(Timestamps.format($0)) } ?? .null,
                ])
            }
        }
    }

    /// A vault holding the current values and, under hidden names, the retired ones, so the
    /// agent loop redacts them all from the run's log.
    func vault(now: Date) -> SecretVault? {
        var definitions = current(now: now).map { SecretVault.Definition(name: $0.name, source: .value($0.value)) }
        let retired = formerly + secrets.withLock { $0.values.flatMap(\.retired) }
        for (index, value) in retired.enumerated() { definitions.append(SecretVault.Definition(name: "retired.\(index)", source: .value(value))) }
        guard !definitions.isEmpty else { return nil }
        return try? SecretVault(definitions, environment: [:])
    }
}
