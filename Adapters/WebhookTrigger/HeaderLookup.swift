/// Case-insensitive access to a request's header fields, as the HTTP server handed them over.
struct HeaderLookup {
    /// What a request holds under one header name.
    enum Value {
        /// No field of that name.
        case missing
        /// Exactly one field; its value without surrounding whitespace.
        case single(Substring)
        /// Two or more fields of that name: ambiguous for a signature, so refused.
        case repeated
    }

    /// The fields in request order.
    let fields: [(name: String, value: String)]

    /// The value of the field called `name`, compared without regard to ASCII case.
    func value(_ name: String) -> Value {
        let wanted = name.lowercased()
        var found: Substring?
        for field in fields where field.name.lowercased() == wanted {
            if found != nil { return .repeated }
            found = Substring(field.value).trimmingASCIIWhitespace()
        }
        return found.map(Value.single) ?? .missing
    }

    /// The single non-empty value of `name`, or the rejection to give when there is none.
    func required(_ name: String) -> Result<Substring, WebhookRejection> {
        switch value(name) {
        case .missing:
            .failure(.missingHeader(name: name))
        case .repeated:
            .failure(.malformedHeader(name: name, problem: "it appears more than once"))
        case .single(let text) where text.isEmpty:
            .failure(.malformedHeader(name: name, problem: "it is empty"))
        case .single(let text):
            .success(text)
        }
    }
}
