using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Retention;

/// <summary>
/// Applies <see cref="RetentionOptions.Days"/> once the schema is migrated (<see cref="SchemaState.WhenReady"/>):
/// <c>ALTER TABLE t MODIFY TTL column + INTERVAL N DAY</c>, only where the table's TTL differs, so restarts and several
/// edges change nothing. ClickHouse then removes expired rows in its merges (and, with the default
/// <c>materialize_ttl_after_modify</c>, rewrites existing parts at once). With a cluster the local tables are altered ON CLUSTER.
/// </summary>
internal sealed partial class RetentionService(ClickHouseClient clickHouse, SchemaState schema, IOptions<RetentionOptions> options,
    IOptions<ClickHouseOptions> clickHouseOptions, ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>Pause between attempts while ClickHouse fails: 5 s.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Completes when every configured TTL is in place (tests and readiness can wait for it).</summary>
    public Task Applied => _applied.Task;

    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Days.Count == 0) { _applied.TrySetResult(); return; }
        await schema.WhenReady(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var (table, days) in options.Value.Days)
                    await ApplyAsync(table, days, stoppingToken);
                _applied.TrySetResult();
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or ClickHouseServerException)
            {
                LogRetry(logger, ex.Message);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task ApplyAsync(string table, int days, CancellationToken cancellationToken)
    {
        var cluster = clickHouseOptions.Value.Cluster;
        var target = string.IsNullOrEmpty(cluster) ? table : table + "_local";
        var wanted = $"{RetentionOptions.TtlColumns[table]} + toIntervalDay({days})";
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("table", target);
        var engine = (string?)await clickHouse.ExecuteScalarAsync(
            "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}", parameters, cancellationToken: cancellationToken) ?? "";
        if (engine.Contains("TTL " + wanted, StringComparison.Ordinal)) return;
        var onCluster = string.IsNullOrEmpty(cluster) ? "" : $" ON CLUSTER {cluster}";
        await clickHouse.ExecuteNonQueryAsync($"ALTER TABLE {target}{onCluster} MODIFY TTL {RetentionOptions.TtlColumns[table]} + INTERVAL {days} DAY",
            cancellationToken: cancellationToken);
        LogApplied(logger, table, days);
    }

    [LoggerMessage(7201, LogLevel.Information, "Retention of {Table} set to {Days} days", EventName = "RetentionApplied")]
    private static partial void LogApplied(ILogger logger, string table, int days);

    [LoggerMessage(7202, LogLevel.Warning, "Retention could not be applied yet, retrying: {Error}", EventName = "RetentionRetry")]
    private static partial void LogRetry(ILogger logger, string error);
}
