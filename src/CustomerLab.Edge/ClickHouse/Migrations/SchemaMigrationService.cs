using ClickHouse.Driver;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.ClickHouse.Migrations;

/// <summary>
/// Applies migrations in the background at start-up, retrying with backoff while ClickHouse is unreachable,
/// so the edge serves numbers (and spools events) even when ClickHouse is down. Readiness stays false until
/// the schema is in place. Transient and fatal failures are logged apart; a fatal one stops the retries.
/// </summary>
internal sealed partial class SchemaMigrationService(
    ClickHouseMigrator migrator, SchemaState state, IOptions<ClickHouseOptions> options, ILogger<SchemaMigrationService> logger) : BackgroundService
{
    /// <summary>First and longest wait between attempts.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500), MaxRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            state.MarkReady(0);
            return;
        }
        var delay = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var version = await migrator.MigrateAsync(stoppingToken);
                state.MarkReady(version);
                LogSchemaReady(logger, version);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MigrationException or ClickHouseServerException)
            {
                // A changed file or a statement ClickHouse rejects: a person must act, retrying will not help.
                state.MarkFailed(ex.Message);
                LogFatal(logger, ex.Message);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                state.MarkFailed($"ClickHouse unreachable: {ex.Message}");
                LogTransient(logger, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
            }
        }
    }

    [LoggerMessage(2002, LogLevel.Information, "ClickHouse schema ready at version {Version}", EventName = "SchemaReady")]
    private static partial void LogSchemaReady(ILogger logger, uint version);

    [LoggerMessage(2003, LogLevel.Warning, "ClickHouse migrations postponed, retrying in {Seconds} s: {Error}", EventName = "MigrationTransientFailure")]
    private static partial void LogTransient(ILogger logger, double seconds, string error);

    [LoggerMessage(2004, LogLevel.Critical, "ClickHouse migrations failed and will not be retried: {Error}", EventName = "MigrationFatalFailure")]
    private static partial void LogFatal(ILogger logger, string error);
}
