namespace CustomerLab.LoadTest;

/// <summary>The throughput site: 1,000 visitors with cookies, a pool big enough for all of them.</summary>
internal sealed class BenchSite(Visitor[] visitors)
{
    public const string Key = "lt-bench";
    public const string Host = "bench.example.com";
    public Visitor[] Visitors { get; } = visitors;

    /// <summary>Worker w takes visitors w, w+C, w+2C… in turn, so one visitor never has two requests in flight.</summary>
    public Visitor For(int worker, long sequence, int workers)
    {
        var perWorker = Math.Max(1, Visitors.Length / workers);
        return Visitors[(worker + (int)(sequence % perWorker) * workers) % Visitors.Length];
    }
}

internal static class Bench
{
    private const int VisitorCount = 1000;
    private const string Body = """{"k":"lt-bench","u":"https://bench.example.com/","r":""}""";

    public static async Task<BenchSite> SetUpAsync(EdgeClient client, string edgeUrl, NumberPlan plan)
    {
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{BenchSite.Key}", new
        {
            domains = new[] { BenchSite.Host }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(99), holdMinutes = 1, region = "US",
        });
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{BenchSite.Key}/pools/main", new { numbers = plan.Take(VisitorCount + 200) });
        return new BenchSite(Enumerable.Range(0, VisitorCount).Select(_ => new Visitor()).ToArray());
    }

    /// <summary>
    /// Traffic that is not measured, right after start-up: the baseline (when <paramref name="stack"/> is given) and the
    /// edge's number and collect paths (when <paramref name="edgeUrl"/> is given), each for <paramref name="duration"/>.
    /// </summary>
    public static async Task WarmUpAsync(EdgeClient client, Stack? stack, string? edgeUrl, BenchSite? site, int concurrency, TimeSpan duration)
    {
        Console.WriteLine($"==> warm-up ({duration.TotalSeconds:0} s per server path, not measured)");
        if (stack is not null) await BaselineClosedAsync(client, stack, concurrency, TimeSpan.Zero, duration);
        if (string.IsNullOrEmpty(edgeUrl) || site is null) return;
        // Collect first: its events reach ClickHouse while the number path warms, not while it is measured.
        await CollectClosedAsync(client, edgeUrl, site, "warm-up", concurrency, TimeSpan.Zero, duration);
        await NumberClosedAsync(client, edgeUrl, site, "warm-up", concurrency, TimeSpan.Zero, duration);
    }

    public static Task<EndpointStats> BaselineClosedAsync(EdgeClient client, Stack stack, int concurrency, TimeSpan warmup, TimeSpan duration) =>
        Generator.ClosedAsync("baseline", "baseline", concurrency, warmup, duration, (_, _, _) => client.BaselineAsync($"http://127.0.0.1:{stack.BaselinePort}", Body));

    public static Task<EndpointStats> BaselineOpenAsync(EdgeClient client, Stack stack, double rate, TimeSpan duration, string phase = "baseline@half") =>
        Generator.OpenAsync("baseline", phase, rate, 64, duration, (_, _, _) => client.BaselineAsync($"http://127.0.0.1:{stack.BaselinePort}", Body));

    private static Operation Number(EdgeClient client, string edgeUrl, BenchSite site, int workers) => async (w, seq, _) =>
    {
        var answer = await client.NumberAsync(edgeUrl, site.For(w, seq, workers), BenchSite.Key, "https://bench.example.com/", "");
        return (answer.Ok, !answer.Ok ? answer.Status.ToString() : answer.Reason is null ? answer.Kind ?? "?" : $"{answer.Kind}:{answer.Reason}");
    };

    public static Task<EndpointStats> NumberClosedAsync(EdgeClient client, string edgeUrl, BenchSite site, string phase, int concurrency, TimeSpan warmup, TimeSpan duration) =>
        Generator.ClosedAsync("/v1/number", phase, concurrency, warmup, duration, Number(client, edgeUrl, site, concurrency));

    public static Task<EndpointStats> NumberOpenAsync(EdgeClient client, string edgeUrl, BenchSite site, string phase, double rate, TimeSpan duration) =>
        Generator.OpenAsync("/v1/number", phase, rate, 64, duration, Number(client, edgeUrl, site, 64));

    public static Task<EndpointStats> CollectClosedAsync(EdgeClient client, string edgeUrl, BenchSite site, string phase, int concurrency, TimeSpan warmup, TimeSpan duration) =>
        Generator.ClosedAsync("/v1/collect", phase, concurrency, warmup, duration, async (w, seq, _) =>
        {
            var (ok, status) = await client.CollectAsync(edgeUrl, site.For(w, seq, concurrency), BenchSite.Key,
                [($"https://bench.example.com/p/{seq % 50}?lt=b{w}-{seq}", "https://www.google.com/")]);
            return (ok, status.ToString());
        });
}
