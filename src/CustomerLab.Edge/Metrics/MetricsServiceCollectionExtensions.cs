using OpenTelemetry.Metrics;

namespace CustomerLab.Edge.Metrics;

/// <summary><c>/metrics</c> in Prometheus text format, through OpenTelemetry's Prometheus exporter.</summary>
internal static class MetricsServiceCollectionExtensions
{
    /// <summary>Every meter of the edge: each feature names its own <c>CustomerLab.Edge.{Feature}</c>.</summary>
    private const string EdgeMeters = "CustomerLab.Edge.*";

    /// <summary>Registers the OpenTelemetry meter provider with the edge's meters (idempotent).</summary>
    public static IServiceCollection AddEdgeMetrics(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(EdgeMetricsMarker))) return services;
        services.AddSingleton<EdgeMetricsMarker>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EdgeMeters)
            .AddPrometheusExporter());
        return services;
    }

    private sealed class EdgeMetricsMarker;
}
