using CustomerLab.Edge.Redis;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Tests.Redis;

/// <summary>Both Redis-protocol servers the edge supports run its Lua scripts, and the embedded one keeps data.</summary>
public sealed class RedisStoreTests(RedisServerFixture redisServer, GarnetFixture garnet)
{
    public static TheoryData<string> Servers => ["redis-server", "garnet"];

    private string EndpointOf(string server) => server == "garnet" ? garnet.Endpoint : redisServer.Server.Endpoint;

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task LuaScript_RunsAtomically_OnEachServer(string server)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(EndpointOf(server));
        var db = mux.GetDatabase();
        RedisKey key = $"{{{nameof(LuaScript_RunsAtomically_OnEachServer)}-{Guid.NewGuid():N}}}:counter";

        const string incrementTwice = "redis.call('INCR', KEYS[1]); return redis.call('INCRBY', KEYS[1], ARGV[1])";
        var result = (long)await db.ScriptEvaluateAsync(incrementTwice, [key], [5]);

        Assert.Equal(6, result);
        Assert.Equal(6, (long)await db.StringGetAsync(key));
    }

    [Fact]
    public async Task EmbeddedGarnet_KeepsData_AcrossRestart()
    {
        var options = Options.Create(new RedisOptions { EmbeddedPort = FreePort.Next(), EmbeddedDataPath = RepoPaths.NewTempDirectory("garnet-aof") });
        const string key = "restart-check";

        using (var first = new EmbeddedGarnet(options, NullLogger<EmbeddedGarnet>.Instance))
        {
            first.Start();
            await using var mux = await ConnectionMultiplexer.ConnectAsync(first.Endpoint);
            await mux.GetDatabase().StringSetAsync(key, "kept");
        }

        using var second = new EmbeddedGarnet(options, NullLogger<EmbeddedGarnet>.Instance);
        second.Start();
        await using var again = await ConnectionMultiplexer.ConnectAsync(second.Endpoint);
        Assert.Equal("kept", (string?)await again.GetDatabase().StringGetAsync(key));
    }

    [Fact]
    public void EmbeddedGarnet_FailsWithClearMessage_IfPortIsTaken()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        var options = Options.Create(new RedisOptions { EmbeddedPort = port, EmbeddedDataPath = RepoPaths.NewTempDirectory("garnet-taken") });
        using var garnetServer = new EmbeddedGarnet(options, NullLogger<EmbeddedGarnet>.Instance);

        var error = Assert.ThrowsAny<Exception>(garnetServer.Start);

        Assert.Contains($"could not start on 127.0.0.1:{port}", error.Message);
    }
}
