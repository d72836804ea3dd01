
namespace CustomerLab.Edge.Metrics;

/// <summary><c>/metrics</c> in Prometheus text format.</summary>
internal static class MetricsEndpoints
{
    /// <summary>Maps <c>GET /metrics</c> (Prometheus text exposition format).</summary>
    public static IEndpointRouteBuilder MapEdgeMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        return app;
    }
}
