import CairnCore
import Foundation

/// An order as pushed to the session (`cairn push --name input`).
struct Order: Codable, Sendable {
    var id: String
    var items: [String]
    var amount: Double
    var customer: String
}

/// A human's decision, pushed as the `approval` signal.
struct Decision: Codable, Sendable {
    var approved: Bool
    var by: String
}

/// What the workflow returns (recorded as the session's `result`).
struct Receipt: Codable, Sendable {
    var order: String
    var status: String
    var payment: String?
    var tracking: String?
}

/// Order processing: reserve stock, ask a human to approve large orders, charge, wait for the
/// warehouse's next pick-up, ship. Each effect is a step, so a crash anywhere resumes without
/// reserving, charging or shipping twice.
struct OrderWorkflow: Workflow {
    /// Where the example's "external systems" log what they were asked to do.
    let effects: EffectsFile
    /// How long the warehouse waits before its pick-up.
    let pickupDelay: Duration

    func run(_ context: WorkflowContext, _ order: Order) async throws -> Receipt {
        let reservation = try await context.step("reserve stock", policy: .exponential(retries: 3)) {
            try effects.record("reserved \(order.items.joined(separator: ", ")) for \(order.id)")
        }
        if order.amount >= 100 {
            let decision = try await context.signal("approval", as: Decision.self)
            guard decision.approved else {
                _ = try await context.step("release stock") { try effects.record("released \(reservation)") }
                return Receipt(order: order.id, status: "rejected by \(decision.by)")
            }
        }
        let payment = try await context.step("charge card", policy: .exponential(retries: 2), timeout: .seconds(10)) {
            try effects.record("charged \(order.customer) \(order.amount) for \(order.id)")
        }
        try await context.sleep(for: pickupDelay, reason: "warehouse pick-up")
        let tracking = try await context.step("ship") { try effects.record("shipped \(order.id)") }
        return Receipt(order: order.id, status: "shipped", payment: payment, tracking: tracking)
    }
}

/// Appends one line per effect to a file and returns an id for it.
struct EffectsFile: Sendable {
    let path: String

    func record(_ line: String) throws -> String {
        if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
            throw CairnError.storage("cannot create \(path)")
        }
        let handle = FileHandle(forWritingAtPath: path)
        guard let handle else { throw CairnError.storage("cannot write \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        return "\(line.split(separator: " ").first ?? "effect")-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
