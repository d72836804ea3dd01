using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Connects to Redis and loads the pool scripts on every primary at start-up, then makes harmless trips through the
/// code a number request runs (a site lookup; an assignment and its renewal on a throwaway pool of one number, whose
/// keys are then deleted), so the first visitors do not pay for the connection, the script upload or compiling that
/// code, and fall back to the default number under the 40 ms bound. With only a site lookup and a reclaim, the first
/// request of a fresh start still fell back in one start of thirteen: an embedded Garnet runs the assign script's
/// commands in this process, cold. A failure is logged and left to the requests (which fall back while Redis is down).
/// </summary>
internal sealed partial class NumberPoolWarmup(IConnectionMultiplexer redis, NumberPool pools, Sites.SiteStore sites, ILogger<NumberPoolWarmup> logger)
    : IHostedService
{
    /// <summary>Not a valid site key ('.' is not allowed), so no site can have it, nor its throwaway pool.</summary>
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
                await AssignAndRenewAsync(); // the assign script reclaims expired leases first: no separate reclaim
                LogWarm(logger, redis.GetEndPoints().Length);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogNotWarm(logger, ex.Message);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>A lease of the throwaway pool's one number and its heartbeat; every key they touched is deleted after.</summary>
    private async Task AssignAndRenewAsync()
    {
        var db = redis.GetDatabase();
        var keys = pools.KeysFor(WarmupSite, WarmupSite);
        var caps = new LeaseCaps(WarmupSite, 1, 0, 1);
        RedisKey[] touched = [.. keys.AssignKeys(WarmupSite, WarmupSite, caps.Network), keys.All];
        try
        {
            await db.SortedSetAddAsync(keys.Free, WarmupSite, 0);
            await pools.AssignAsync(WarmupSite, WarmupSite, WarmupSite, WarmupSite, "", TimeSpan.FromMinutes(1), caps);
            await pools.AssignAsync(WarmupSite, WarmupSite, WarmupSite, WarmupSite, "", TimeSpan.FromMinutes(1), caps);
        }
        finally
        {
            await db.KeyDeleteAsync(touched);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(5003, LogLevel.Information, "Pool scripts loaded on {Endpoints} Redis endpoint(s)", EventName = "PoolScriptsLoaded")]
    private static partial void LogWarm(ILogger logger, int endpoints);

    [LoggerMessage(5004, LogLevel.Warning, "Pool scripts not preloaded (Redis unreachable?): {Error}", EventName = "PoolScriptsNotLoaded")]
    private static partial void LogNotWarm(ILogger logger, string error);
}
