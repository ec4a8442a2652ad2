public import CairnCore
import Foundation
import Yams

/// Turns YAML into a ``JSONValue``: what configuration files are read as.
public enum YAMLValue {
    /// Parses YAML text (an empty document is an empty mapping).
    /// - Throws: `CairnError.invalidArgument` naming `what` for text that is not YAML, or values JSON cannot hold.
    public static func parse(_ text: String, what: String) throws -> JSONValue {
        do {
            return try convert(Yams.load(yaml: text) ?? [String: Any]())
        } catch let error as CairnError {
            throw error
        } catch {
            throw CairnError.invalidArgument("\(what) is not valid YAML: \(error)")
        }
    }

    /// Converts what `Yams.load` returns; mapping keys must be scalars.
    /// - Throws: `CairnError.invalidArgument` for values JSON cannot hold.
    public static func convert(_ value: Any) throws -> JSONValue {
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
            throw CairnError.invalidArgument("unsupported YAML value \(String(describing: value).prefix(60))")
        }
    }
}
