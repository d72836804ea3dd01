using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Routing;

/// <summary>
/// Loads the routing snapshot before the edge listens, then reads the table from Redis at start and every
/// <see cref="CallOptions.RoutesRefreshSeconds"/> (a timer of the edge's <see cref="TimeProvider"/>). While Redis is
/// down the last table keeps routing; each failed refresh is logged.
/// </summary>
internal sealed partial class CallRoutesRefresher(CallRouter router, IOptions<CallOptions> options, TimeProvider time, ILogger<CallRoutesRefresher> logger)
    : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        router.LoadSnapshot();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RoutesRefreshSeconds), time);
        do
        {
            try
            {
                await router.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or Sites.SiteStoreUnavailableException)
            {
                LogRefreshFailed(logger, router.Current.Count, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(8105, LogLevel.Warning, "Call routes not refreshed (Redis): routing on with the last {Count} numbers: {Error}", EventName = "CallRoutesRefreshFailed")]
    private static partial void LogRefreshFailed(ILogger logger, int count, string error);
}
