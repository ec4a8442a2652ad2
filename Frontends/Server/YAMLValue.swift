import CairnCore
import Foundation

/// Turns what `Yams.load` returns into a ``JSONValue``.
enum YAMLValue {
    /// Converts a loaded YAML value; mapping keys must be scalars.
    /// - Throws: ``ServerError/configuration(_:)`` for values JSON cannot hold.
    static func convert(_ value: Any) throws -> JSONValue {
        switch value {
        case is NSNull: return .null
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(Double(number))
        case let number as Double: return .number(number)
        case let text as String: return .string(text)
        case let date as Date: return .string(Timestamps.format(date))
        case let list as [Any]: return .array(try list.map(convert))
        case let map as [String: Any]: return .object(try map.mapValues(convert))
        case let map as [AnyHashable: Any]:
            var object: [String: JSONValue] = [:]
            for (key, item) in map { object["\(key.base)"] = try convert(item) }
            return .object(object)
        default:
            throw ServerError.configuration("unsupported YAML value \(String(describing: value).prefix(60))")
        }
    }
}
