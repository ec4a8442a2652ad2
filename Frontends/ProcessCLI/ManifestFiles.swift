import CairnCLI
import CairnCore
public import CairnProcesses
public import Foundation

/// Reads `.agent` manifest files: YAML, `${VAR}` references resolved from the environment,
/// checked by ``ProcessManifest/parse(_:environment:)``. Errors name the file.
public enum ManifestFiles {
    /// Reads one manifest file.
    /// - Throws: `CairnError.invalidArgument` naming the file and what is wrong in it.
    public static func load(file path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProcessManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CairnError.invalidArgument("cannot read the manifest \(path): no such file, or it is not readable")
        }
        let document = try YAMLValue.parse(String(decoding: data, as: UTF8.self), what: path)
        do {
            return try ProcessManifest.parse(document, environment: environment)
        } catch {
            throw CairnError.invalidArgument("\(path): \(error.message)")
        }
    }

    /// Reads every `*.agent` file of a directory, in name order.
    /// - Throws: `CairnError.invalidArgument` for a directory that cannot be read, one without
    ///   manifests, a bad file, or two files naming the same process.
    public static func load(directory: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [ProcessManifest] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".agent") }.sorted()
        } catch {
            throw CairnError.invalidArgument("cannot read the agents directory \(directory): no such directory, or it is not readable")
        }
        guard !names.isEmpty else {
            throw CairnError.invalidArgument("\(directory) has no .agent files; write one (Docs/processes.md, \"Manifests\") or pass another directory")
        }
        var manifests: [ProcessManifest] = []
        var files: [String: String] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let manifest = try load(file: path, environment: environment)
            if let other = files[manifest.name] {
                throw CairnError.invalidArgument("\(other) and \(path) both define the process '\(manifest.name)'; give each a name of its own")
            }
            files[manifest.name] = path
            manifests.append(manifest)
        }
        return manifests
    }
}
