/// The parts of a `Stripe-Signature` header: `t=<unix>,v1=<hex>[,v1=<hex>...]`, with other schemes
/// (`v0=` test signatures and any future ones) ignored.
struct StripeSignatureHeader {
    /// Why a header could not be parsed; its text is safe to log.
    struct Problem: Error {
        /// What is wrong, without the header's content.
        var text: String
    }

    /// The most characters read; Stripe's headers are far shorter.
    static let maximumLength = 4096
    /// The most `v1` signatures accepted; Stripe sends two while a secret is being rolled.
    static let maximumSignatures = 16

    /// The timestamp in seconds since 1970.
    var timestamp: Int64
    /// The `v1` signatures, decoded.
    var signatures: [[UInt8]]

    /// Parses a header value, refusing anything ambiguous: a missing or repeated `t`, a `v1` that is
    /// not 64 hexadecimal digits, no `v1` at all.
    static func parse(_ value: Substring) -> Result<Self, Problem> {
        guard value.utf8.count <= maximumLength else { return .failure(Problem(text: "it is longer than \(maximumLength) characters")) }
        var timestampText: Substring?
        var signatures: [[UInt8]] = []
        for element in value.split(separator: ",", omittingEmptySubsequences: true) {
            let element = element.trimmingASCIIWhitespace()
            guard let equals = element.firstIndex(of: "=") else {
                return .failure(Problem(text: "expected comma-separated key=value elements (t=<unix>,v1=<hex>)"))
            }
            let key = element[..<equals]
            let text = element[element.index(after: equals)...]
            switch key {
            case "t":
                guard timestampText == nil else { return .failure(Problem(text: "it has more than one t= timestamp")) }
                timestampText = text
            case "v1":
                guard let signature = SignatureBytes.hex(text) else {
                    return .failure(Problem(text: "a v1= signature is not 64 hexadecimal digits"))
                }
                signatures.append(signature)
            default:
                continue
            }
        }
        guard let timestampText else { return .failure(Problem(text: "it has no t= timestamp")) }
        guard let timestamp = SignatureBytes.unixSeconds(timestampText) else {
            return .failure(Problem(text: "t= is not a Unix time in whole seconds"))
        }
        guard !signatures.isEmpty else { return .failure(Problem(text: "it has no v1= signature (v0= test signatures are not accepted)")) }
        guard signatures.count <= maximumSignatures else {
            return .failure(Problem(text: "it has more than \(maximumSignatures) v1= signatures"))
        }
        return .success(Self(timestamp: timestamp, signatures: signatures))
    }
}
