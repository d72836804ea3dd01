using CustomerLab.Tests.Fixtures;
using CsCheck;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Admin;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// One number, one site, under random admin operations run two or three at a time from separate edges' clients, with
/// visitors leasing numbers in between, on Garnet, redis-server and a three-master Redis Cluster: no number is ever in
/// two sites' pools, no number is ever leased live in two sites, and no site's overflow number is another site's
/// tracking or overflow number.
/// </summary>
[LongRunning]
public sealed class SiteNumbersPropertyTests(PoolServers servers) : IClassFixture<PoolServers>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private const int Sites = 3, PoolsPerSite = 2, Universe = 6;
    private static int _run;

    public abstract record Op;
    public sealed record PutPoolOp(int Site, int Pool, int Overflow, int[] Numbers) : Op
    {
        public override string ToString() => $"put s{Site}/p{Pool} overflow={(Overflow < 0 ? "-" : "n" + Overflow)} numbers=[{string.Join(",", Numbers.Select(n => "n" + n))}]";
    }
    public sealed record AddOp(int Site, int Pool, int[] Numbers) : Op
    {
        public override string ToString() => $"add s{Site}/p{Pool} [{string.Join(",", Numbers.Select(n => "n" + n))}]";
    }
    public sealed record RetireOp(int Site, int Pool, int Number) : Op
    {
        public override string ToString() => $"retire s{Site}/p{Pool} n{Number}";
    }
    public sealed record DeleteSiteOp(int Site) : Op
    {
        public override string ToString() => $"delete s{Site}";
    }
    public sealed record CreateSiteOp(int Site) : Op
    {
        public override string ToString() => $"create s{Site}";
    }
    public sealed record AssignOp(int Site, int Pool, int Session) : Op
    {
        public override string ToString() => $"assign s{Site}/p{Pool} session {Session}";
    }
    public sealed record AdvanceOp(int Minutes) : Op
    {
        public override string ToString() => $"advance {Minutes} min";
    }

    private static readonly Gen<int[]> GenNumbers = Gen.Int[0, Universe - 1].ArrayUnique[0, 3];

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, Sites - 1], Gen.Int[0, PoolsPerSite - 1], Gen.Int[-2, Universe - 1], GenNumbers)
            .Select((s, p, o, n) => (Op)new PutPoolOp(s, p, o, n))),
        (3, Gen.Select(Gen.Int[0, Sites - 1], Gen.Int[0, PoolsPerSite - 1], GenNumbers).Select((s, p, n) => (Op)new AddOp(s, p, n))),
        (3, Gen.Select(Gen.Int[0, Sites - 1], Gen.Int[0, PoolsPerSite - 1], Gen.Int[0, Universe - 1]).Select((s, p, n) => (Op)new RetireOp(s, p, n))),
        (1, Gen.Int[0, Sites - 1].Select(s => (Op)new DeleteSiteOp(s))),
        (1, Gen.Int[0, Sites - 1].Select(s => (Op)new CreateSiteOp(s))),
        (4, Gen.Select(Gen.Int[0, Sites - 1], Gen.Int[0, PoolsPerSite - 1], Gen.Int[0, 5]).Select((s, p, v) => (Op)new AssignOp(s, p, v))),
        (1, Gen.OneOfConst(1, 31).Select(m => (Op)new AdvanceOp(m))));

    /// <summary>Steps of one to three operations that run at once.</summary>
    private static readonly Gen<Op[][]> GenSteps = GenOp.Array[1, 3].Array[1, 25];

    [Theory]
    [MemberData(nameof(PoolServers.Names), MemberType = typeof(PoolServers))]
    public async Task NoNumberServesTwoSites_IfRandomAdminOperationsRunConcurrently(string server)
    {
        var connection = await servers.ConnectAsync(server);
        await GenSteps.SampleAsync(steps => RunAsync(connection, server, steps),
            writeLine: TestContext.Current.TestOutputHelper!.WriteLine,
            iter: 60, threads: 2,
            print: steps => "\n" + string.Join("\n", steps.Select((ops, i) => $"  {i,2}: {string.Join(" | ", ops.Select(o => o.ToString()))}")));
    }

    private static async Task RunAsync(IConnectionMultiplexer connection, string server, Op[][] steps)
    {
        var run = Interlocked.Increment(ref _run);
        var time = new FakeTimeProvider(Start);
        var pool = new NumberPool(connection, time);
        // Two edges: each its own store (and site cache) and its own admin service, one Redis.
        var edges = Enumerable.Range(0, 2).Select(_ => NewEdge(connection, pool, time)).ToArray();
        var sites = Enumerable.Range(0, Sites).Select(s => $"claims-{server}-{run}-{s}-{Guid.NewGuid():N}").ToArray();
        // Numbers no other run uses: claims are global per number.
        var numbers = Enumerable.Range(0, Universe).Select(i => $"+9{run % 1_000_000:D6}{server.Length:D2}{i:D2}").ToArray();
        foreach (var site in sites) await CreateAsync(edges[0].Store, site);

        for (var step = 0; step < steps.Length; step++)
        {
            await Task.WhenAll(steps[step].Select((op, i) => ApplyAsync(connection, edges[i % edges.Length].Admin, pool, time, sites, numbers, op)));
            await AssertOneSitePerNumberAsync(edges[0].Store, pool, sites, numbers, time, $"after step {step}");
        }
    }

    private static (SiteStore Store, SiteNumbers Admin) NewEdge(IConnectionMultiplexer connection, NumberPool pool, TimeProvider time)
    {
        var store = new SiteStore(connection, time, NullLogger<SiteStore>.Instance);
        return (store, new SiteNumbers(store, pool, new NumberClaims(connection), new NumberIndex(connection), new SiteAdminLock(connection), null, _ => { }));
    }

    private static Task CreateAsync(SiteStore store, string site) =>
        store.UpdateAsync(site, existing => existing ?? new SiteConfig
        {
            SiteKey = site, Domains = ["example.com"], Targets = ["+12025550198"], DefaultNumber = "+12025550199", HoldMinutes = 30,
        });

    private static async Task ApplyAsync(IConnectionMultiplexer connection, SiteNumbers admin, NumberPool pool, FakeTimeProvider time, string[] sites, string[] numbers, Op op)
    {
        switch (op)
        {
            case PutPoolOp(var s, var p, var o, var n):
                await admin.PutPoolAsync(sites[s], new PoolConfig { Id = $"p{p}", OverflowNumber = o < 0 ? null : numbers[o] }, [.. n.Select(i => numbers[i])]);
                break;
            case AddOp(var s, var p, var n):
                await admin.AddNumbersAsync(sites[s], $"p{p}", [.. n.Select(i => numbers[i])]);
                break;
            case RetireOp(var s, var p, var n):
                await admin.RetireAsync(sites[s], $"p{p}", numbers[n]);
                break;
            case DeleteSiteOp(var s):
                await admin.DeleteSiteAsync(sites[s]);
                break;
            case CreateSiteOp(var s):
                // Through a fresh store: a site made again after its deletion, as an operator would.
                await CreateAsync(new SiteStore(connection, time, NullLogger<SiteStore>.Instance), sites[s]);
                break;
            case AssignOp(var s, var p, var v):
                // Leases go on even for a deleted site: another edge's copy of its configuration lives for a while.
                await pool.AssignAsync(sites[s], $"p{p}", $"session{v}", $"visitor{v}", "direct", TimeSpan.FromMinutes(30));
                break;
            case AdvanceOp(var m):
                time.Advance(TimeSpan.FromMinutes(m));
                break;
        }
    }

    private static async Task AssertOneSitePerNumberAsync(SiteStore store, NumberPool pool, string[] sites, string[] numbers, TimeProvider time, string where)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var inPools = numbers.ToDictionary(n => n, _ => new HashSet<string>());
        var leasedIn = numbers.ToDictionary(n => n, _ => new HashSet<string>());
        var overflowOf = numbers.ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var site in sites)
        {
            var config = await store.GetFreshAsync(site);
            foreach (var o in config?.Pools.Select(p => p.OverflowNumber).OfType<string>() ?? []) overflowOf[o].Add(site);
            for (var p = 0; p < PoolsPerSite; p++)
            {
                var snapshot = await pool.SnapshotAsync(site, $"p{p}");
                foreach (var n in snapshot.All) inPools[n].Add(site);
                foreach (var (n, expiry) in snapshot.LeaseExpiry)
                    if (expiry > now) leasedIn[n].Add(site);
            }
        }
        foreach (var n in numbers)
        {
            Assert.True(inPools[n].Count <= 1, $"{where}: {n} is in pools of {string.Join(", ", inPools[n])}");
            Assert.True(leasedIn[n].Count <= 1, $"{where}: {n} is leased live in {string.Join(", ", leasedIn[n])}");
            Assert.True(overflowOf[n].Count <= 1, $"{where}: {n} is the overflow number of {string.Join(", ", overflowOf[n])}");
            Assert.True(overflowOf[n].Count == 0 || inPools[n].Count == 0,
                $"{where}: {n} is an overflow number of {string.Join(", ", overflowOf[n])} and a tracking number of {string.Join(", ", inPools[n])}");
        }
    }
}
