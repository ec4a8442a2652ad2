/// Why a watcher could not be created or stopped running: names the option (`field`), its value, and what to do.
public struct FileWatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The option concerned, such as `folder`, `patterns[2]` or `debounce`.
    public var field: String
    /// The offending value as the user wrote it.
    public var value: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error about `field` whose value is `value`.
    public init(field: String, value: String, message: String) {
        self.field = field
        self.value = value
        self.message = message
    }

    /// `file_watch.<field> = "<value>": <message>`.
    public var description: String {
        "file_watch.\(field) = \"\(value)\": \(message)"
    }
}
