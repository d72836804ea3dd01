using CsCheck;
using CustomerLab.Edge.Numbers;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CustomerLab.Tests.Record;

/// <summary>
/// A live lease is never handed out twice and its holder keeps it, also across a loss of Redis in the middle of random
/// visits, releases and clock jumps (fake clock). The model is what browsers hold: each session's signed lease cookie
/// (number and expiry). The loss wipes the site's keys and restores them as <c>RecordRestorer</c> does (numbers back,
/// free ones held back for one hold).
/// </summary>
public sealed class LeaseResumePropertyTests(PoolServers servers) : IClassFixture<PoolServers>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(30);
    private const string PoolId = "main";
    private const int Sessions = 8, Size = 4;

    public abstract record Op;
    public sealed record VisitOp(int Session) : Op { public override string ToString() => $"visit s{Session}"; }
    public sealed record ReleaseOp(int Session) : Op { public override string ToString() => $"release s{Session}"; }
    public sealed record AdvanceOp(int Minutes) : Op { public override string ToString() => $"advance {Minutes} min"; }
    public sealed record LossOp : Op { public override string ToString() => "LOSS: Redis wiped, restored from the record"; }

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (8, Gen.Int[0, Sessions - 1].Select(s => (Op)new VisitOp(s))),
        (1, Gen.Int[0, Sessions - 1].Select(s => (Op)new ReleaseOp(s))),
        (2, Gen.OneOfConst(1, 5, 29, 30, 31, 45).Select(m => (Op)new AdvanceOp(m))));

    /// <summary>Random operations with a loss in the middle.</summary>
    private static readonly Gen<Op[]> GenOps = Gen.Select(GenOp.Array[2, 30], GenOp.Array[1, 30])
        .Select((before, after) => (Op[])[.. before, new LossOp(), .. after]);

    [Theory]
    [InlineData(PoolServers.Garnet)]
    [InlineData(PoolServers.RedisServer)]
    public async Task NoLiveLeaseIsHandedOutTwice_AndItsHolderKeepsIt_IfRedisIsLostMidway(string server)
    {
        var connection = await servers.ConnectAsync(server);
        await GenOps.SampleAsync(ops => RunAsync(connection, server, ops),
            writeLine: TestContext.Current.TestOutputHelper!.WriteLine, iter: 60, threads: 2,
            print: ops => "\n" + string.Join("\n", ops.Select((op, i) => $"  {i,2}: {op}")));
    }

    private static async Task RunAsync(IConnectionMultiplexer connection, string server, Op[] ops)
    {
        var time = new FakeTimeProvider(Start);
        var pool = new NumberPool(connection, time);
        var site = PoolServers.SiteKey(server, nameof(NoLiveLeaseIsHandedOutTwice_AndItsHolderKeepsIt_IfRedisIsLostMidway));
        var numbers = PoolServers.Numbers(Size);
        await pool.AddNumbersAsync(site, PoolId, numbers);
        // What each browser holds: the lease cookie's number and expiry (ms).
        var cookies = new Dictionary<int, (string Number, long ExpiresMs)>();

        for (var step = 0; step < ops.Length; step++)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var where = $"step {step}: {ops[step]}";
            switch (ops[step])
            {
                case VisitOp(var s):
                {
                    var live = cookies.TryGetValue(s, out var c) && c.ExpiresMs > now ? c.Number : null;
                    var result = await pool.AssignAsync(site, PoolId, $"s{s}", $"v{s}", "direct", Hold, resumeNumber: live);
                    if (live is not null)
                        Assert.True(result.Lease?.Number == live, $"{where}: the holder of {live} got {result.Status} {result.Lease?.Number}");
                    if (result.Lease is { } lease)
                    {
                        var other = cookies.FirstOrDefault(e => e.Key != s && e.Value.Number == lease.Number && e.Value.ExpiresMs > now);
                        Assert.True(other.Value.Number is null, $"{where}: {lease.Number} handed to s{s} while s{other.Key}'s lease on it runs until {other.Value.ExpiresMs}");
                        cookies[s] = (lease.Number, lease.ExpiresAt.ToUnixTimeMilliseconds());
                    }
                    break;
                }
                case ReleaseOp(var s):
                    // An opt-out: the edge ends the lease and forgets the browser's cookies.
                    if (cookies.Remove(s, out var held)) await pool.ReleaseAsync(site, PoolId, held.Number, $"s{s}");
                    break;
                case AdvanceOp(var minutes):
                    time.Advance(TimeSpan.FromMinutes(minutes));
                    break;
                case LossOp:
                    await WipeAsync(connection, site);
                    // As RecordRestorer does it: the numbers join the emptied pool already held back, in one step.
                    Assert.Equal(numbers.Length, await pool.HoldBackAsync(site, PoolId, numbers, time.GetUtcNow() + Hold));
                    Assert.Equal(0, await pool.AddNumbersAsync(site, PoolId, numbers));
                    break;
            }
            var snapshot = await pool.SnapshotAsync(site, PoolId);
            Assert.True(snapshot.All.SetEquals(numbers), $"{where}: the pool holds {{{string.Join(", ", snapshot.All)}}}");
            Assert.Equal(snapshot.All.Count, snapshot.Free.Count + snapshot.LeaseExpiry.Count);
        }
    }

    /// <summary>Every key of the site, as a flush would leave it (other tests' keys on the shared server stay).</summary>
    private static async Task WipeAsync(IConnectionMultiplexer connection, string site)
    {
        foreach (var endpoint in connection.GetEndPoints())
        {
            var keys = new List<RedisKey>();
            await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: $"cl:{{{site}}}:*")) keys.Add(key);
            if (keys.Count > 0) await connection.GetDatabase().KeyDeleteAsync([.. keys]);
        }
    }
}
