using System.Diagnostics;
using System.Globalization;

namespace CustomerLab.LoadTest;

/// <summary>
/// How cost grows (issue 19): five curves, each on its own fresh servers, each point measured at that size (never
/// extrapolated). State is built up point by point through the product's own paths where that is what is measured
/// (pools and leases through the admin API and <c>/v1/number</c>) and seeded directly where only reading is measured
/// (site configurations in Redis, pageviews and calls in ClickHouse). Points are saved as they are measured; a re-run
/// skips the points already in <c>scale.json</c> (it still rebuilds the state up to the next missing point).
/// </summary>
internal static partial class Scale
{
    private const int Concurrency = 32;
    private const string Host = "scale.example.com";

    private sealed record Context(RunOptions Options, ScaleResults Results, string Path, TimeSpan Phase, TimeSpan Warmup);

    public static async Task RunAsync(RunOptions options)
    {
        var path = System.IO.Path.Combine(options.OutputDirectory, "scale.json");
        var results = ScaleResults.Load(path, options.Fresh);
        var quick = options.Quick;
        var context = new Context(options, results, path, TimeSpan.FromSeconds(quick ? 4 : 8), TimeSpan.FromSeconds(1));
        results.Notes["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
        var curves = new (string Name, double[] Quick, double[] Full, Func<Context, double[], Task> Run)[]
        {
            ("pool", [10, 100, 1_000, 10_000, 50_000], [10, 100, 1_000, 5_000, 10_000, 25_000, 50_000], PoolCurveAsync),
            ("leases", [0, 10_000, 50_000, 100_000], [0, 10_000, 100_000, 250_000, 500_000], LeasesCurveAsync),
            ("sites", [1, 100, 1_000, 10_000, 100_000], [1, 100, 1_000, 10_000, 30_000, 100_000], SitesCurveAsync),
            ("pageviews", [100_000, 1_000_000, 3_000_000, 10_000_000], [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000], PageviewsCurveAsync),
            ("calls", [1_000, 10_000, 100_000, 1_000_000], [1_000, 10_000, 100_000, 300_000, 1_000_000], CallsCurveAsync),
        };
        foreach (var (name, quickPoints, fullPoints, run) in curves)
        {
            if (options.Curve is { } only && only != name) continue;
            var points = quick ? quickPoints : fullPoints;
            if (points.All(x => results.Has(name, x)))
            {
                Console.WriteLine($"==> scale {name}: every point is in scale.json (--fresh to measure again)");
                continue;
            }
            Console.WriteLine($"==> scale {name}: {string.Join(", ", points.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))}");
            var started = Stopwatch.StartNew();
            await run(context, points);
            results.Notes[$"{name}Seconds"] = started.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
            results.Save(path);
            ScaleCharts.Write(options.OutputDirectory, results);
        }
        ScaleCharts.Write(options.OutputDirectory, results);
    }

    private static ScalePoint Point(Context c, double x, Dictionary<string, double> values) =>
        new(x, values.ToDictionary(v => v.Key, v => Math.Round(v.Value, 4)), DateTime.UtcNow, c.Options.Quick, File.ReadAllText("/proc/loadavg").Trim());

    private static async Task<(Stack Stack, ScaleProbes Probes, string EdgeUrl)> StartAsync(Context c, bool edge = true)
    {
        var stack = new Stack(c.Options);
        await stack.StartClickHouseAsync();
        await stack.StartRedisAsync();
        var url = "";
        if (edge) url = $"http://127.0.0.1:{await stack.StartEdgeAsync(0)}";
        return (stack, new ScaleProbes(stack), url);
    }

    private static Task PutSiteAsync(EdgeClient client, string url, string site, int index) =>
        RetryAsync(() => client.AdminPutAsync(url, $"/admin/sites/{site}", new
        {
            domains = new[] { Host }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(index % 90), holdMinutes = 30, region = "US",
        }));

    /// <summary>
    /// Set-up writes again after a 503 (Redis or the record did not answer in time: on a loaded machine) or a 409 (the
    /// interrupted write's site lock, which runs out within 10 s). Adding numbers twice is harmless.
    /// </summary>
    private static async Task RetryAsync(Func<Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (InvalidOperationException ex) when (attempt < 10 && (ex.Message.Contains(": 503", StringComparison.Ordinal) || ex.Message.Contains(": 409", StringComparison.Ordinal)))
            {
                Console.WriteLine($"    set-up write refused ({ex.Message.Split(' ')[2]}), again in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>A pool filled through the admin API, 5,000 numbers a request.</summary>
    private static async Task PutPoolAsync(EdgeClient client, string url, string site, IReadOnlyList<string> numbers)
    {
        await RetryAsync(() => client.AdminPutAsync(url, $"/admin/sites/{site}/pools/main", new { numbers = Array.Empty<string>() }));
        foreach (var chunk in numbers.Chunk(5000))
            await RetryAsync(() => client.AdminPostAsync(url, $"/admin/sites/{site}/pools/main/numbers", new { numbers = chunk }));
    }

    /// <summary>Runs <paramref name="work"/> for 0…count-1 on a few workers (admin set-up: many small requests).</summary>
    private static Task ParallelAsync(int count, int workers, Func<int, Task> work)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) await work(i);
        })));
    }

    /// <summary>A cookie-less visitor on one of <paramref name="sites"/> (chosen in turn): an assignment.</summary>
    private static Operation NewVisitor(EdgeClient client, string url, Func<long, string> site)
    {
        long sequence = -1;
        return async (_, _, _) =>
        {
            var s = site(Interlocked.Increment(ref sequence));
            var answer = await client.NumberAsync(url, new Visitor(), s, $"https://{Host}/", "https://www.google.com/");
            return (answer.Ok && answer.Kind == "assigned", !answer.Ok ? answer.Status.ToString(CultureInfo.InvariantCulture) : answer.Reason is null ? answer.Kind ?? "?" : $"{answer.Kind}:{answer.Reason}");
        };
    }

    /// <summary>Assignments measured closed loop, with the µs Redis spent in the scripts meanwhile.</summary>
    private static async Task<(EndpointStats Stats, double RedisUsPerScript)> AssignmentsAsync(Context c, EdgeClient client, ScaleProbes probes, string url,
        Func<long, string> site, long count, string phase)
    {
        var before = await probes.ScriptStatsAsync();
        var stats = await Generator.ClosedAsync("/v1/number new", phase, Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(60), NewVisitor(client, url, site), count);
        var after = await probes.ScriptStatsAsync();
        var calls = Math.Max(1, after.Calls - before.Calls);
        Console.WriteLine($"    {phase}: {stats.Requests} requests, {stats.RequestsPerSecond:0}/s, p50 {stats.Ms(50):0.00} ms, p99 {stats.Ms(99):0.00} ms, " +
                          string.Join(", ", stats.Outcomes.Select(o => $"{o.Key} {o.Value}")));
        return (stats, (after.Micros - before.Micros) / (double)calls);
    }

    private static long Assigned(EndpointStats stats) => stats.Outcomes.GetValueOrDefault("assigned");

    /// <summary>
    /// Pool size: assignments on pools of N numbers. A small pool gives few assignments before it would run dry, so
    /// the samples are spread over enough pools of that size that none is more than half leased.
    /// </summary>
    private static async Task PoolCurveAsync(Context c, double[] points)
    {
        var (stack, probes, url) = await StartAsync(c);
        await using var _ = stack;
        using var __ = probes;
        using var client = new EdgeClient(256);
        var plan = new BigNumberPlan();
        var samples = c.Options.Quick ? 1500 : 4000;
        // Unmeasured warm-up: the JIT takes the assignment path to its optimised tier first.
        await PutSiteAsync(client, url, "sp-warm", 0);
        await PutPoolAsync(client, url, "sp-warm", plan.Take(4000));
        await Generator.ClosedAsync("/v1/number new", "warm-up", Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(c.Options.Quick ? 8 : 15),
            NewVisitor(client, url, _ => "sp-warm"), 1800);
        foreach (var x in points)
        {
            if (c.Results.Has("pool", x)) continue;
            var size = (int)x;
            var pools = Math.Max(1, (int)Math.Ceiling(2.0 * samples / size));
            var sites = Enumerable.Range(0, pools).Select(i => $"sp{size}-{i}").ToArray();
            await ParallelAsync(pools, 2, async i =>
            {
                await PutSiteAsync(client, url, sites[i], i);
                await PutPoolAsync(client, url, sites[i], plan.Take(size));
            });
            var (stats, redisUs) = await AssignmentsAsync(c, client, probes, url, seq => sites[seq % pools], Math.Min(samples, pools * size / 2), $"pool {size}");
            c.Results.Add(c.Path, "pool", Point(c, x, new()
            {
                ["pools"] = pools, ["requests"] = stats.Requests, ["assigned"] = Assigned(stats), ["assignPerSecond"] = stats.RequestsPerSecond,
                ["assignP50Ms"] = stats.Ms(50), ["assignP99Ms"] = stats.Ms(99), ["redisUsPerScript"] = redisUs,
            }));
        }
    }

    /// <summary>
    /// Live leases across pools: leases are taken by cookie-less visitors on pools of 50,000 numbers (30-minute hold:
    /// none expires during the curve); at each point, assignments on a separate pool, renewals of the throughput site's
    /// 1,000 visitors, and Redis's memory per lease (INFO used_memory, and MEMORY USAGE of one pool's structures).
    /// </summary>
    private static async Task LeasesCurveAsync(Context c, double[] points)
    {
        var (stack, probes, url) = await StartAsync(c);
        await using var _ = stack;
        using var __ = probes;
        using var client = new EdgeClient(256);
        var plan = new BigNumberPlan();
        const int FillPoolSize = 50_000;
        var perPoint = c.Options.Quick ? 1000 : 2000;
        var bench = await Bench.SetUpAsync(client, url, new NumberPlan());
        await PutSiteAsync(client, url, "sl-measure", 1);
        await PutPoolAsync(client, url, "sl-measure", plan.Take(perPoint * (points.Length + 2) * 2));
        // Warm-up (unmeasured): the measure pool's first assignments and the bench visitors' first leases and renewals.
        await Generator.ClosedAsync("/v1/number new", "warm-up", Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(30), NewVisitor(client, url, _ => "sl-measure"), perPoint);
        await Bench.NumberClosedAsync(client, url, bench, "warm-up", Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(c.Options.Quick ? 8 : 15));
        var fillPools = (int)Math.Ceiling(points.Max() / FillPoolSize);
        await ParallelAsync(fillPools, 2, async i =>
        {
            await PutSiteAsync(client, url, $"sl-{i}", i + 2);
            await PutPoolAsync(client, url, $"sl-{i}", plan.Take(FillPoolSize));
        });
        var liveKeys = Enumerable.Range(0, fillPools).Select(i => $"cl:{{sl-{i}}}:p:main:leases").Append("cl:{sl-measure}:p:main:leases").Append($"cl:{{{BenchSite.Key}}}:p:main:leases").ToArray();
        async Task<long> LiveAsync()
        {
            long total = 0;
            foreach (var key in liveKeys) total += await probes.Redis.SortedSetLengthAsync(key);
            return total;
        }
        long filled = 0;
        long? memoryAtStart = null, liveAtStart = null;
        foreach (var x in points)
        {
            var target = (long)x;
            if (target > filled)
            {
                var from = filled;
                var fill = await Generator.ClosedAsync("/v1/number new", "fill", Concurrency, TimeSpan.Zero, TimeSpan.FromMinutes(20),
                    NewVisitor(client, url, seq => $"sl-{(from + seq) / FillPoolSize}"), target - filled);
                Console.WriteLine($"    filled to {target:N0}: {fill.RequestsPerSecond:0}/s, " + string.Join(", ", fill.Outcomes.Select(o => $"{o.Key} {o.Value}")));
                filled = target;
            }
            var live = await LiveAsync();
            var memory = await probes.UsedMemoryAsync();
            memoryAtStart ??= memory;
            liveAtStart ??= live;
            if (c.Results.Has("leases", x)) continue;
            var (assign, redisUs) = await AssignmentsAsync(c, client, probes, url, _ => "sl-measure", perPoint, $"leases {target:N0}: assign");
            var before = await probes.ScriptStatsAsync();
            var renew = await Bench.NumberClosedAsync(client, url, bench, "renew", Concurrency, c.Warmup, c.Phase);
            var after = await probes.ScriptStatsAsync();
            Console.WriteLine($"    renew: {renew.RequestsPerSecond:0}/s, p50 {renew.Ms(50):0.00} ms, p99 {renew.Ms(99):0.00} ms, " + string.Join(", ", renew.Outcomes.Select(o => $"{o.Key} {o.Value}")));
            var values = new Dictionary<string, double>
            {
                ["liveLeases"] = live, ["assignPerSecond"] = assign.RequestsPerSecond, ["assignP50Ms"] = assign.Ms(50), ["assignP99Ms"] = assign.Ms(99),
                ["assigned"] = Assigned(assign), ["redisUsPerAssign"] = redisUs,
                ["renewPerSecond"] = renew.RequestsPerSecond, ["renewP50Ms"] = renew.Ms(50), ["renewP99Ms"] = renew.Ms(99),
                ["renewRedisScriptsPerRequest"] = (after.Calls - before.Calls) / (double)Math.Max(1, renew.Requests + c.Warmup.TotalSeconds * renew.RequestsPerSecond),
                ["renewRedisUsPerScript"] = (after.Micros - before.Micros) / (double)Math.Max(1, after.Calls - before.Calls),
                ["redisUsedMemoryMb"] = memory / 1048576.0,
            };
            if (live > liveAtStart)
                values["redisBytesPerLease"] = (memory - memoryAtStart!.Value) / (double)(live - liveAtStart!.Value);
            if (target > 0)
            {
                // One fill pool's own structures (expiry index, holder and info hashes), per lease, plus a session and a visitor key.
                var pool = "cl:{sl-0}:p:main:";
                var leasesInPool = await probes.Redis.SortedSetLengthAsync(pool + "leases");
                var structures = await probes.MemoryUsageAsync(pool + "leases") + await probes.MemoryUsageAsync(pool + "holder") + await probes.MemoryUsageAsync(pool + "info");
                var session = await probes.FirstKeyAsync("cl:{sl-0}:s:*");
                var visitor = await probes.FirstKeyAsync("cl:{sl-0}:v:*");
                values["memoryUsageBytesPerLease"] = structures / (double)Math.Max(1, leasesInPool)
                    + (session is null ? 0 : await probes.MemoryUsageAsync(session)) + (visitor is null ? 0 : await probes.MemoryUsageAsync(visitor));
            }
            c.Results.Add(c.Path, "leases", Point(c, x, values));
        }
    }

    /// <summary>
    /// Sites: N site configurations, each a copy of one made through the admin API (seeded in Redis directly: the admin
    /// API's record write per site is not what is measured), every site looked up once, then <c>/v1/number</c> for a
    /// random site (no pool: the answer is the site's default number, so the request is the lookup and the answer).
    /// </summary>
    private static async Task SitesCurveAsync(Context c, double[] points)
    {
        var (stack, probes, url) = await StartAsync(c);
        await using var _ = stack;
        using var __ = probes;
        using var client = new EdgeClient(256);
        await PutSiteAsync(client, url, "ss-0", 0);
        var template = (string)(await probes.Redis.StringGetAsync("cl:{ss-0}:config"))!;
        if (!template.Contains("\"ss-0\"", StringComparison.Ordinal)) throw new InvalidOperationException("site template does not name its key: " + template);
        Operation Lookup(int count) => async (_, _, _) =>
        {
            var site = $"ss-{Random.Shared.Next(count)}";
            var answer = await client.NumberAsync(url, new Visitor(), site, $"https://{Host}/", "");
            return (answer.Ok, !answer.Ok ? answer.Status.ToString(CultureInfo.InvariantCulture) : answer.Reason is null ? answer.Kind ?? "?" : $"{answer.Kind}:{answer.Reason}");
        };
        await Generator.ClosedAsync("/v1/number site", "warm-up", Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(c.Options.Quick ? 8 : 15), Lookup(1));
        var seeded = 1;
        long? memoryAtOne = null;
        double? rssAtOne = null;
        foreach (var x in points)
        {
            var target = (int)x;
            for (; seeded < target; seeded += 1000)
            {
                var batch = probes.Redis.CreateBatch();
                var writes = new List<Task>();
                for (var i = seeded; i < Math.Min(target, seeded + 1000); i++)
                {
                    writes.Add(batch.StringSetAsync($"cl:{{ss-{i}}}:config", template.Replace("\"ss-0\"", $"\"ss-{i}\"", StringComparison.Ordinal)));
                    writes.Add(batch.SetAddAsync("cl:sites", $"ss-{i}"));
                }
                batch.Execute();
                await Task.WhenAll(writes);
            }
            seeded = target;
            // Every site once (the edge's cache then holds them all), then the measured lookups.
            long touched = -1;
            await Generator.ClosedAsync("/v1/number site", "touch", Concurrency, TimeSpan.Zero, TimeSpan.FromMinutes(10), async (_, _, _) =>
            {
                var i = Interlocked.Increment(ref touched);
                var answer = await client.NumberAsync(url, new Visitor(), $"ss-{i}", $"https://{Host}/", "");
                return (answer.Ok, answer.Kind ?? answer.Status.ToString(CultureInfo.InvariantCulture));
            }, target);
            var memory = await probes.UsedMemoryAsync();
            var rss = stack.Edges[0].Process.Sample().RssMb;
            memoryAtOne ??= memory;
            rssAtOne ??= rss;
            if (c.Results.Has("sites", x)) continue;
            var stats = await Generator.ClosedAsync("/v1/number site", $"sites {target}", Concurrency, c.Warmup, c.Phase, Lookup(target));
            Console.WriteLine($"    sites {target:N0}: {stats.RequestsPerSecond:0}/s, p50 {stats.Ms(50):0.00} ms, p99 {stats.Ms(99):0.00} ms, " + string.Join(", ", stats.Outcomes.Select(o => $"{o.Key} {o.Value}")));
            var values = new Dictionary<string, double>
            {
                ["lookupPerSecond"] = stats.RequestsPerSecond, ["lookupP50Ms"] = stats.Ms(50), ["lookupP99Ms"] = stats.Ms(99), ["errors"] = stats.Errors,
                ["edgeRssMb"] = stack.Edges[0].Process.Sample().RssMb, ["redisUsedMemoryMb"] = memory / 1048576.0,
                ["siteConfigBytes"] = await probes.MemoryUsageAsync("cl:{ss-0}:config"),
            };
            if (target > 1)
            {
                values["redisBytesPerSite"] = (memory - memoryAtOne!.Value) / (double)(target - 1);
                values["edgeRssKbPerSite"] = (rss - rssAtOne!.Value) * 1024 / (target - 1);
            }
            c.Results.Add(c.Path, "sites", Point(c, x, values));
        }
    }
}
