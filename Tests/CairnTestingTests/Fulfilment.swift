import CairnCore
import Foundation
import Synchronization

/// Counts how often each named effect really ran.
final class Effects: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func ran(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }
    subscript(_ name: String) -> Int { counts.withLock { $0[name] ?? 0 } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}

/// A workflow using every kind of call, and the changes a deploy might make to it.
///
/// Positions: 0 now, 1 uuid, 2 random, 3 reserve stock, 4–6 quote[0…2], 7 pack (7/0 box),
/// 8 gift wrap (patched), 9 signal approval, 10 sleep cooling off, 11 ship.
struct Fulfilment: Workflow {
    enum Change: Sendable {
        case none, renameReserve, insertFraudCheck, removeReserve, removeShip, appendNotify, addStepInChild, changeResult, stepAfterSignal
        /// Gift wrap for every run, without checking the patch.
        case unguardedGiftWrap
    }

    let effects: Effects
    var change: Change = .none
    /// The code before the gift-wrap patch has none.
    var patchList = ["gift-wrap"]
    var patches: [String] { patchList }

    func run(_ context: WorkflowContext, _ order: String) async throws -> String {
        let started = try await context.now()
        let key = try await context.uuid()
        let lucky = try await context.random(in: 1...6)
        if change == .insertFraudCheck {
            _ = try await context.step("fraud check") {
                effects.ran("fraud check"); return true
            }
        }
        let hold =
            change == .removeReserve
            ? "hold-\(order)"
            : try await context.step(change == .renameReserve ? "reserve items" : "reserve stock") {
                effects.ran("reserve"); return "hold-\(order)"
            }
        let quotes = try await context.all("quote", count: 3) { index in
            effects.ran("quote"); return index * 10
        }
        let box = try await context.child("pack") { pack in
            let box = try await pack.step("box") {
                effects.ran("box"); return "box-\(order)"
            }
            if change == .addStepInChild {
                _ = try await pack.step("tape") {
                    effects.ran("tape"); return "taped"
                }
            }
            return box
        }
        if change == .unguardedGiftWrap || context.patched("gift-wrap") {
            _ = try await context.step("gift wrap") {
                effects.ran("gift wrap"); return true
            }
        }
        let approved = try await context.signal("approval", as: Bool.self)
        if change == .stepAfterSignal {
            _ = try await context.step("audit") {
                effects.ran("audit"); return true
            }
        }
        try await context.sleep(for: .seconds(60), reason: "cooling off")
        var shipped = "not shipped"
        if change != .removeShip {
            shipped = try await context.step("ship") {
                effects.ran("ship"); return "shipped \(hold)"
            }
        }
        if change == .appendNotify {
            _ = try await context.step("notify") {
                effects.ran("notify"); return true
            }
        }
        let summary =
            "\(shipped) in \(box) quotes \(quotes) approved \(approved) lucky \(lucky) key \(key.uuidString.count) at \(Timestamps.milliseconds(started))"
        return change == .changeResult ? summary.uppercased() : summary
    }
}
