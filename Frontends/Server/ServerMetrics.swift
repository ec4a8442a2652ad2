import Foundation
import Metrics
public import Prometheus

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of its own (so
/// several servers in one process never share counters) and served at `GET /metrics`.
public final class ServerMetrics: Sendable {
    /// The Prometheus registry the metrics live in.
    public let registry: PrometheusCollectorRegistry
    /// Entries appended to the store by this process (pushes, handler outputs, control entries).
    let appends: Metrics.Counter
    /// How long each store append took.
    let appendLatency: Metrics.Timer
    /// Handler invocations started.
    let invocations: Metrics.Counter
    /// Handler invocations that failed (recorded as an `error` entry) or threw.
    let failures: Metrics.Counter
    /// How long each invocation took.
    let invocationLatency: Metrics.Timer
    /// Sessions waiting in the driver's queue.
    let queueDepth: Metrics.Gauge
    /// Sessions being driven right now.
    let running: Metrics.Gauge
    /// Open Server-Sent Event streams.
    let subscribers: Metrics.Gauge

    /// Creates the metrics in a new registry.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        appends = Metrics.Counter(label: "cairn_appended_entries_total", factory: factory)
        appendLatency = Metrics.Timer(label: "cairn_append_duration_seconds", factory: factory)
        invocations = Metrics.Counter(label: "cairn_invocations_total", factory: factory)
        failures = Metrics.Counter(label: "cairn_invocation_failures_total", factory: factory)
        invocationLatency = Metrics.Timer(label: "cairn_invocation_duration_seconds", factory: factory)
        queueDepth = Metrics.Gauge(label: "cairn_driver_queue_depth", factory: factory)
        running = Metrics.Gauge(label: "cairn_driver_running_sessions", factory: factory)
        subscribers = Metrics.Gauge(label: "cairn_stream_subscribers", factory: factory)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        registry.emitToString()
    }
}
