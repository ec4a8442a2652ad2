/// From text to a validated tree, in promptise's order: empty, too long, syntax, too many nodes, whitelist.
enum FilterCompiler {
    static func compile(_ text: String) throws(FilterError) -> Node {
        let original = text.unicodeScalars.map(\.value)
        var start = 0
        var end = original.count
        while start < end && PyText.isSpace(original[start]) { start += 1 }
        while end > start && PyText.isSpace(original[end - 1]) { end -= 1 }
        guard start < end else {
            throw failure(text, "the expression is empty; write a condition such as payload['action'] == 'opened'", at: nil)
        }
        guard original.count <= FilterExpression.maxLength else {
            throw failure(
                text, "it is \(original.count) characters long, more than the \(FilterExpression.maxLength) allowed; shorten it", at: nil)
        }
        // Python reads "\r\n" and a lone "\r" as "\n"; `origins` maps back to the text's positions.
        var units: [UInt32] = []
        var origins: [Int] = []
        var index = start
        while index < end {
            if original[index] == 0x0D {
                units.append(0x0A)
                origins.append(index)
                index += index + 1 < end && original[index + 1] == 0x0A ? 2 : 1
                continue
            }
            units.append(original[index])
            origins.append(index)
            index += 1
        }
        let column = { (offset: Int?) -> Int? in
            offset.map { ($0 < origins.count ? origins[$0] : end) + 1 }
        }
        if let nul = units.firstIndex(of: 0) {
            throw failure(text, "source code string cannot contain null bytes", at: column(nul))
        }
        do throws(SyntaxIssue) {
            let root = try Parser.parse(Tokenizer.tokenize(units))
            guard 1 + root.pythonNodeCount <= FilterExpression.maxNodes else {
                throw SyntaxIssue(message: "more than \(FilterExpression.maxNodes) elements; simplify the expression", offset: nil)
            }
            try root.validate()
            return root
        } catch {
            throw failure(text, error.message, at: column(error.offset))
        }
    }

    private static func failure(_ text: String, _ why: String, at column: Int?) -> FilterError {
        let shown = text.unicodeScalars.count > 200 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))) + "…" : text
        let position = column.map { " (at column \($0))" } ?? ""
        return FilterError(
            expression: text, message: "Invalid filter_expression \(PyFormat.repr(PyStr(shown))): \(why)\(position)", column: column)
    }
}
