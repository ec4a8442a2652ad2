import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for SIGINT or SIGTERM, for commands that run until they are stopped.
public enum Signals {
    /// Returns when SIGINT or SIGTERM arrives (or the task is cancelled); both are ignored
    /// otherwise from the first call on.
    public static func waitForTermination() async {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        await withTaskCancellationHandler {
            for await _ in stream { break }
        } onCancel: {
            continuation.finish()
        }
        sources.forEach { $0.cancel() }
    }
}
