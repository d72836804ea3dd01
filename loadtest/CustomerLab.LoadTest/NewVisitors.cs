using System.Diagnostics;

namespace CustomerLab.LoadTest;

/// <summary>
/// The expensive path of <c>/v1/number</c>: visitors without cookies, each of whom needs an assignment (reclaim,
/// least-recently-released choice, lease-history row, new cookies). Three phases:
/// <c>new</c> (a pool that never runs out), <c>burst</c> (500 visitors within 100 ms on a pool of 20: the integrity
/// issue's promise) and <c>exhausted</c> (a pool with no free number).
/// </summary>
internal static class NewVisitors
{
    public const string NewSite = "lt-new", BurstSite = "lt-burst", ExhaustedSite = "lt-exhausted";
    private const string Host = "new.example.com";

    /// <summary>Area codes of the big pool's numbers (202 is the other sites' plan): 9,000 numbers each.</summary>
    private static readonly string[] AreaCodes = ["212", "213", "305", "312", "404", "415", "503", "617", "718"];

    /// <summary>Numbers for the big pool, none of which <see cref="NumberPlan"/> hands out.</summary>
    private static IEnumerable<string> BigPoolNumbers(int count) =>
        AreaCodes.SelectMany(area => Enumerable.Range(1000, 9000).Select(n => $"+1{area}555{n:D4}")).Take(count);

    public static async Task SetUpAsync(EdgeClient client, string edgeUrl, NumberPlan plan, int bigPoolSize)
    {
        foreach (var (site, index) in new[] { (NewSite, 90), (BurstSite, 91), (ExhaustedSite, 92) })
            await client.AdminPutAsync(edgeUrl, $"/admin/sites/{site}", new
            {
                domains = new[] { Host }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(index), holdMinutes = 30, region = "US",
            });
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{NewSite}/pools/main", new { numbers = Array.Empty<string>() });
        foreach (var chunk in BigPoolNumbers(bigPoolSize).Chunk(5000))
            await client.AdminPostAsync(edgeUrl, $"/admin/sites/{NewSite}/pools/main/numbers", new { numbers = chunk });
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{BurstSite}/pools/main", new { numbers = plan.Take(20) });
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{ExhaustedSite}/pools/main", new { numbers = plan.Take(5) });
        // The exhausted pool's five numbers go to five visitors who keep them for the whole run (30-minute hold).
        for (var i = 0; i < 5; i++) await client.NumberAsync(edgeUrl, new Visitor(), ExhaustedSite, $"https://{Host}/", "");
    }

    private static Operation Cookieless(EdgeClient client, string edgeUrl, string site) => async (_, seq, _) =>
    {
        var answer = await client.NumberAsync(edgeUrl, new Visitor(), site, $"https://{Host}/landing?v={seq}", "https://www.google.com/");
        return (answer.Ok, !answer.Ok ? answer.Status.ToString() : answer.Reason is null ? answer.Kind ?? "?" : $"{answer.Kind}:{answer.Reason}");
    };

    /// <summary>Closed loop of new visitors until <paramref name="duration"/> or <paramref name="maxRequests"/>, so the pool never runs out.</summary>
    public static Task<EndpointStats> NewClosedAsync(EdgeClient client, string edgeUrl, string phase, int concurrency, TimeSpan warmup, TimeSpan duration, long maxRequests) =>
        Generator.ClosedAsync("/v1/number new", phase, concurrency, warmup, duration, Cookieless(client, edgeUrl, NewSite), maxRequests);

    public static Task<EndpointStats> NewOpenAsync(EdgeClient client, string edgeUrl, string phase, double rate, TimeSpan duration) =>
        Generator.OpenAsync("/v1/number new", phase, rate, 64, duration, Cookieless(client, edgeUrl, NewSite));

    public static Task<EndpointStats> ExhaustedClosedAsync(EdgeClient client, string edgeUrl, int concurrency, TimeSpan warmup, TimeSpan duration) =>
        Generator.ClosedAsync("/v1/number exhausted", "exhausted", concurrency, warmup, duration, Cookieless(client, edgeUrl, ExhaustedSite));

    /// <summary>500 cookie-less visitors due within 100 ms on a pool of 20 (all may be in flight at once).</summary>
    public static Task<EndpointStats> BurstAsync(EdgeClient client, string edgeUrl) =>
        Generator.OpenAsync("/v1/number burst", "burst", 5000, 500, TimeSpan.FromMilliseconds(100), Cookieless(client, edgeUrl, BurstSite));

    /// <summary>Leases the burst pool holds afterwards, from the edge's own stats: each must be a visitor that was told its number.</summary>
    public static async Task<int> LeasedAsync(EdgeClient client, string edgeUrl, string site)
    {
        var stats = await client.AdminGetAsync(edgeUrl, $"/admin/sites/{site}/pools/main/stats");
        return (int?)stats?["leasedNow"] ?? -1;
    }
}
