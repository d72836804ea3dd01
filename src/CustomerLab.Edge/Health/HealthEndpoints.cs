using System.Text.Json;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Redis;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerLab.Edge.Health;

/// <summary><c>/healthz</c> (the process is alive) and <c>/readyz</c> (Redis and ClickHouse answer).</summary>
internal static class HealthEndpoints
{
    /// <summary>The tag of the checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapEdgeHealth(this IEndpointRouteBuilder app)
    {
        // Liveness runs no checks: a slow store must not get a healthy edge restarted.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteJson });
        return app;
    }

    /// <summary>
    /// <c>{"status":"ready","checks":{"redis":{"status":"ok","detail":"..."}, ...}}</c>; 503 names what is down.
    /// </summary>
    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status == HealthStatus.Healthy ? (report.Entries.Count == 0 ? "alive" : "ready") : "not ready");
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status == HealthStatus.Healthy ? "ok" : "down");
                json.WriteString("detail", entry.Description);
                json.WriteNumber("ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).AsTask();
    }
}
