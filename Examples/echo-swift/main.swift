// The "Minimal handler" of the pugmark SDK's README, in Swift: echo an input in upper case,
// otherwise pause. Run it with: cairn run --once -- .build/debug/echo-handler
import CairnHandlerSDK
import Foundation

let session = try HandlerSession.standard()
let last = session.read().last
if let object = try? await last?.jsonObject() as? [String: Any],
    object["kind"] as? String == "input", let text = object["text"] as? String
{
    try session.writeJSON(["kind": "echo", "text": text.uppercased()])
} else {
    session.pause("nothing to echo")
}
