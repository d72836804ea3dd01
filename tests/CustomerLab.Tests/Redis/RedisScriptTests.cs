using CustomerLab.Edge.Redis;
using CustomerLab.Tests.Numbers;
using StackExchange.Redis;

namespace CustomerLab.Tests.Redis;

/// <summary>Scripts sent by hash run on every server we support, also after the server forgot them.</summary>
public sealed class RedisScriptTests(PoolServers servers) : IClassFixture<PoolServers>
{
    [Theory]
    [MemberData(nameof(PoolServers.Names), MemberType = typeof(PoolServers))]
    public async Task ScriptRuns_IfTheServerNeverSawIt_AndAgainAfterItForgotIt(string server)
    {
        var redis = await servers.ConnectAsync(server);
        var db = redis.GetDatabase();
        // A script no other test sends, so the server cannot know it yet.
        var script = new RedisScript($"-- {Guid.NewGuid():N}\nreturn redis.call('INCR', KEYS[1]) + tonumber(ARGV[1])");
        RedisKey key = $"cl:{{{PoolServers.SiteKey(server)}}}:script";

        var first = (long)await script.EvaluateAsync(db, [key], [100]);
        var second = (long)await script.EvaluateAsync(db, [key], [100]);
        foreach (var endpoint in redis.GetEndPoints())
            await redis.GetServer(endpoint).ExecuteAsync("SCRIPT", "FLUSH");
        var afterFlush = (long)await script.EvaluateAsync(db, [key], [100]);

        Assert.Equal([101L, 102L, 103L], [first, second, afterFlush]);
        Assert.Equal(40, Convert.ToHexString(script.Sha1).Length);
    }
}
