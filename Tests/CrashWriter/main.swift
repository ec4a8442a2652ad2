// A test helper: appends to a store as fast as it can and acknowledges each durable append
// on stdout, so that tests can kill it with SIGKILL at random moments and check what survived.
//
//   cairn-crash-writer crash STORE_URL SESSION   appends batches of 1-5 entries forever, printing "ack FIRST COUNT"
//   cairn-crash-writer race STORE_URL SESSION NAME COUNT   appends COUNT entries named NAME-i, retrying CAS conflicts
//   cairn-crash-writer claim DB_PATH POOL WORKER   claims from a SQLite work pool until it is empty,
//                                                 completing each item and printing "claimed ID"
// STORE_URL is file:///folder, sqlite:///folder/file.db or s3://bucket/prefix?endpoint=... (credentials
// from the AWS environment variables).
import CairnCore
import CairnFileStore
import CairnS3Store
import CairnSQLiteStore
import Foundation

/// The body of item `index`: deterministic, of varying size, sometimes compressible.
func body(for index: Int) -> Data {
    let unit = Data("item \(index);".utf8)
    var data = Data()
    let repeats = 1 + (index * 7919) % 300
    for _ in 0..<repeats { data.append(unit) }
    return data
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
if arguments.count == 5, arguments[1] == "claim" {
    let pool = try SQLiteWorkPool(path: arguments[2])
    var output = ""
    while let item = try await pool.claim(pool: arguments[3], worker: arguments[4], lease: 60, now: Date()) {
        try await pool.complete(item: item.id, worker: arguments[4], now: Date())
        output += "claimed \(item.id)\n"
    }
    FileHandle.standardOutput.write(Data(output.utf8))
    exit(0)
}
guard arguments.count >= 4, let session = try? SessionID(arguments[3]) else {
    fail("usage: cairn-crash-writer crash|race STORE_URL SESSION [NAME COUNT]")
}
var registry = StoreRegistry()
registry.register(scheme: "file") { url, create in try FileStore(url: url, create: create) }
registry.register(scheme: "sqlite") { url, create in try SQLiteStore(url: url, create: create) }
registry.register(scheme: "s3") { url, create in try S3Store(url: url, create: create) }
let store = try registry.open(arguments[2], create: false)
let clock = SystemWallClock()

switch arguments[1] {
case "crash":
    var length = try await store.ownHead(session).length
    while true {
        let count = 1 + length % 5
        var drafts: [EntryDraft] = []
        for offset in 0..<count {
            let index = length + offset
            let data = body(for: index)
            let digest = try await store.put(data)
            drafts.append(
                EntryDraft(
                    event: .push, header: ObjectHeader(contentType: "text/plain", name: "item-\(index)", metadata: ["batch": "\(length)/\(count)"]),
                    digest: digest, size: data.count, time: clock.now(), source: "crash-writer"))
        }
        _ = try await store.append(drafts, to: session, expectedLength: length)
        FileHandle.standardOutput.write(Data("ack \(length) \(count)\n".utf8))
        length += count
    }
case "race":
    guard arguments.count == 6, let count = Int(arguments[5]) else { fail("usage: cairn-crash-writer race STORE_URL SESSION NAME COUNT") }
    let name = arguments[4]
    var conflicts = 0
    for item in 0..<count {
        let draft = EntryDraft(event: .push, header: ObjectHeader(name: "\(name)-\(item)"), time: clock.now(), source: name)
        var length = try await store.ownHead(session).length
        while true {
            do {
                _ = try await store.append([draft], to: session, expectedLength: length)
                break
            } catch CairnError.conflict(_, _, let actual) {
                conflicts += 1
                length = actual
            }
        }
    }
    FileHandle.standardOutput.write(Data("done \(conflicts)\n".utf8))
default:
    fail("unknown mode \(arguments[1])")
}
