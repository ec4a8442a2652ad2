import Foundation

/// Seconds taken by `work`.
func seconds(_ work: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await work()
    return (ContinuousClock.now - start).seconds
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Prints one figure: `store  what  value unit`.
func report(_ subject: String, _ what: String, _ value: Double, _ unit: String) {
    print(
        "\(subject.padding(toLength: 9, withPad: " ", startingAt: 0)) \(what.padding(toLength: 50, withPad: " ", startingAt: 0)) \(String(format: "%12.1f", value)) \(unit)"
    )
}

/// Runs a command and returns its standard output.
func runCommand(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Where the other executables of this build are.
func sibling(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name).path
}
