using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CustomerLab.Edge.Numbers;
using CustomerLab.Tests.Fixtures;
using StackExchange.Redis;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// The three servers every pool test runs on: in-process Garnet, Debian's redis-server, and a real three-master
/// Redis Cluster. A class fixture: one multiplexer per server per test class, connected on first use and
/// disposed after the class. Use <see cref="Names"/> as <c>[MemberData]</c> of a <c>[Theory]</c>.
/// </summary>
public sealed class PoolServers(RedisServerFixture redisServer, GarnetFixture garnet, RedisClusterFixture cluster) : IAsyncDisposable
{
    public const string Garnet = "garnet";
    public const string RedisServer = "redis-server";
    public const string RedisCluster = "redis-cluster";

    /// <summary>The server names, for <c>[MemberData(nameof(PoolServers.Names), MemberType = typeof(PoolServers))]</c>.</summary>
    public static TheoryData<string> Names => [Garnet, RedisServer, RedisCluster];

    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _connections = new();

    /// <summary>The class's shared multiplexer for that server.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync(string server) =>
        _connections.GetOrAdd(server, s => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectNewAsync(s))).Value;

    /// <summary>A pool client on that server reading time from <paramref name="time"/>.</summary>
    public async Task<NumberPool> PoolAsync(string server, TimeProvider time) => new(await ConnectAsync(server), time);

    private async Task<ConnectionMultiplexer> ConnectNewAsync(string server)
    {
        var configuration = server switch
        {
            Garnet => garnet.Endpoint,
            RedisServer => redisServer.Server.Endpoint,
            RedisCluster => await cluster.ConfigurationAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(server), server, "Unknown pool test server."),
        };
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5_000; // ms
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A site key no other test uses: the test name, the server and a GUID (no braces: it sits in a hash tag).</summary>
    public static string SiteKey(string server, [CallerMemberName] string test = "") => $"{test}-{server}-{Guid.NewGuid():N}";

    /// <summary>E.164-looking test numbers <c>+44207000000i</c>, so their ordinal order is their index order.</summary>
    public static string Number(int index) => $"+44207{index:D6}";

    public static string[] Numbers(int count, int first = 0) => [.. Enumerable.Range(first, count).Select(Number)];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            if (!connection.IsValueCreated) continue;
            try
            {
                await (await connection.Value).DisposeAsync();
            }
            catch (RedisConnectionException)
            {
                // It never connected; the test that asked for it already failed with the reason.
            }
        }
        _connections.Clear();
    }
}
