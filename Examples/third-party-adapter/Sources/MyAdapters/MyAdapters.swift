import CairnCore

/// This package's components, registered in one call: what a composition executable writes to
/// offer them (`my-cairn components` lists them).
public enum MyAdapters {
    /// Registers the `notebook://` store, the `keyword` model provider and the `word_count` tool.
    public static func register(in components: inout Components) {
        NotebookStore.register(in: &components)
        KeywordProvider.register(in: &components)
        WordCountTool.register(in: &components)
    }
}
