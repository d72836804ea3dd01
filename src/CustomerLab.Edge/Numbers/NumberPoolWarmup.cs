using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Connects to Redis and loads the pool scripts on every primary at start-up, then makes one harmless trip through
/// the code a number request runs (a site lookup and a pool script), so the first visitors do not pay for the
/// connection, the script upload or compiling that code, and fall back to the default number under the 40 ms bound
/// (seen once in five fresh starts before this trip). A failure is logged and left to the requests (which fall back
/// while Redis is down).
/// </summary>
internal sealed partial class NumberPoolWarmup(IConnectionMultiplexer redis, NumberPool pools, Sites.SiteStore sites, ILogger<NumberPoolWarmup> logger)
    : IHostedService
{
    /// <summary>
    /// Not a valid site key ('.' is not allowed), so no site can have it: its pool does not exist, and reclaiming it
    /// reads one empty key and writes nothing.
    /// </summary>
    private const string WarmupSite = "warm.up";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // In the background: start-up must not wait for a Redis that may be down.
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var endpoint in redis.GetEndPoints())
                {
                    var server = redis.GetServer(endpoint);
                    if (!server.IsConnected || server.IsReplica) continue;
                    foreach (var script in NumberPool.Scripts) await server.ScriptLoadAsync(script.Text);
                }
                await sites.GetAsync(WarmupSite);
                await pools.ReclaimAsync(WarmupSite, "warm.up");
                LogWarm(logger, redis.GetEndPoints().Length);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogNotWarm(logger, ex.Message);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(5003, LogLevel.Information, "Pool scripts loaded on {Endpoints} Redis endpoint(s)", EventName = "PoolScriptsLoaded")]
    private static partial void LogWarm(ILogger logger, int endpoints);

    [LoggerMessage(5004, LogLevel.Warning, "Pool scripts not preloaded (Redis unreachable?): {Error}", EventName = "PoolScriptsNotLoaded")]
    private static partial void LogNotWarm(ILogger logger, string error);
}
