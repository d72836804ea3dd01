using ClickHouse.Driver;
using CustomerLab.Edge.ClickHouse.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerLab.Edge.ClickHouse;

/// <summary>Ready when ClickHouse answers a query and the schema is migrated.</summary>
internal sealed class ClickHouseHealthCheck(ClickHouseClient client, SchemaState schema) : IHealthCheck
{
    /// <summary>Longest wait for ClickHouse's answer, in seconds.</summary>
    private const int ProbeTimeoutSeconds = 2;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(ProbeTimeoutSeconds));
        try
        {
            await client.ExecuteScalarAsync("SELECT 1", cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or ClickHouseServerException or OperationCanceledException or IOException)
        {
            return HealthCheckResult.Unhealthy($"ClickHouse does not answer: {ex.Message}");
        }
        return schema.IsReady
            ? HealthCheckResult.Healthy($"schema at version {schema.Version}")
            : HealthCheckResult.Unhealthy($"schema not migrated yet: {schema.LastError ?? "migrations pending"}");
    }
}
