public import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One object of a ListObjectsV2 answer.
public struct S3ListedObject: Sendable, Hashable {
    /// The full key.
    public var key: String
    /// The size in bytes.
    public var size: Int64
    /// The ETag, with its quotes.
    public var etag: String
    /// When it was last written, if the server said.
    public var lastModified: Date?
}

/// A small element tree parsed from an S3 XML answer (ListObjectsV2 results and error documents).
struct XMLElementTree {
    var name: String
    var text = ""
    var children: [XMLElementTree] = []

    /// The first child called `name`.
    func child(_ name: String) -> XMLElementTree? { children.first { $0.name == name } }

    /// The text of the first child called `name`.
    func text(_ name: String) -> String? { child(name)?.text }

    /// Parses `data`; nil if it is not well-formed XML.
    static func parse(_ data: Data) -> XMLElementTree? {
        let parser = XMLParser(data: data)
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLElementTree] = []
        var root: XMLElementTree?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            stack.append(XMLElementTree(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
        }
    }
}

/// Interprets S3's XML answers.
enum S3XML {
    /// One page of a ListObjectsV2 answer.
    struct ListPage {
        var objects: [S3ListedObject] = []
        var commonPrefixes: [String] = []
        var nextContinuationToken: String?
    }

    /// Parses a ListObjectsV2 page; nil if it is not one.
    static func listPage(_ data: Data) -> ListPage? {
        guard let root = XMLElementTree.parse(data), root.name == "ListBucketResult" else { return nil }
        var page = ListPage()
        for child in root.children {
            switch child.name {
            case "Contents":
                guard let key = child.text("Key") else { continue }
                page.objects.append(
                    S3ListedObject(
                        key: key, size: Int64(child.text("Size") ?? "") ?? 0, etag: child.text("ETag") ?? "",
                        lastModified: child.text("LastModified").flatMap(parseDate)))
            case "CommonPrefixes":
                if let prefix = child.text("Prefix") { page.commonPrefixes.append(prefix) }
            default:
                continue
            }
        }
        if root.text("IsTruncated") == "true" { page.nextContinuationToken = root.text("NextContinuationToken") }
        return page
    }

    /// The `Code` and `Message` of an S3 error document, if the body is one.
    static func error(_ data: Data) -> (code: String, message: String)? {
        guard !data.isEmpty, let root = XMLElementTree.parse(data), root.name == "Error" else { return nil }
        return (root.text("Code") ?? "", root.text("Message") ?? "")
    }

    private static func parseDate(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
