using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CustomerLab.LoadTest;

/// <summary>Sizes of the visitor model; times are compressed (hold 1 min, pages seconds apart).</summary>
internal sealed record ModelOptions(int Sites, double ArrivalsPerSecondPerSite, int ArrivalSeconds, double PaidShare, double CallShare,
    double MeanPages, double MinGapSeconds, double MaxGapSeconds, double FullLoadShare, int HoldMinutes)
{
    public double MeanLeaseSeconds => (MeanPages - 1) * (MinGapSeconds + MaxGapSeconds) / 2 + HoldMinutes * 60;

    /// <summary>Expected peak concurrent leases of a pool over the run (Poisson mean + 3σ), plus the edge's 20% headroom.</summary>
    public int RecommendedPoolSize(double share)
    {
        var mean = ArrivalsPerSecondPerSite * share * Math.Min(MeanLeaseSeconds, ArrivalSeconds + 10);
        return (int)Math.Ceiling(1.2 * (mean + 3 * Math.Sqrt(mean)));
    }
}

/// <summary>Numbers for the run's pools: valid US numbers +1 202-555-NNNN, handed out once each.</summary>
internal sealed class NumberPlan
{
    private int _next = 1000;
    public List<string> Take(int count) => Enumerable.Range(0, count).Select(_ => $"+1202555{_next++:D4}").ToList();
    public static string Default(int site) => $"+1202555{9900 + site:D4}";
    public const string Target = "+12025559999";
}

internal sealed record NumberObservation(string Site, string Session, string Number, string Kind, double SendS, double RecvS);

internal sealed record CallTruth(string CallId, string Site, string Number, string ExpectedSession, bool WhileBrowsing, double AtS,
    string? Attribution, string? AttributedSession, int Status)
{
    public bool Correct => Attribution == "attributed" && AttributedSession == ExpectedSession;
}

internal sealed record PoolSample(double T, string Site, string Pool, int Size, int Leased, double Utilisation, long Exhausted, long PeakDemand, int Recommended);

internal sealed record ModelResult(
    int Sessions, int SessionsPaid, long PageviewsSent, long PageviewsAcked, int Calls, int CallsCorrect, double Accuracy,
    Dictionary<string, int> CallOutcomes, int CallsStoredWithRightSession, int InvariantViolationsSharedNumber, int InvariantViolationsTwoNumbers,
    long DefaultAnswers, Dictionary<string, int> DefaultReasons, double AccuracyOfCallsToTrackingNumbers, Dictionary<string, int> PoolSizes, Dictionary<string, int> PoolRecommendedAtEnd, Dictionary<string, int> PoolPeakDemand,
    double FreshnessP50Ms, double FreshnessP95Ms, int FreshnessSamples, int FreshnessNeverSeen, List<PoolSample> PoolSeries,
    List<CallTruth> Misattributed);

/// <summary>
/// Realistic traffic with ground truth: visitors arrive (Poisson) on several sites, paid (gclid) or organic; each session
/// loads pages (number + pageview) and navigates in the SPA (pageview only); a share of them call the number they were
/// shown, while browsing or after their last page but before the lease runs out. Every answer is recorded, so each call's
/// true session is known and compared with the edge's attribution.
/// </summary>
internal sealed class VisitorModel(ModelOptions model, string edgeUrl, Stack stack, EdgeClient client)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<NumberObservation> _observations = [];
    private readonly ConcurrentBag<CallTruth> _calls = [];
    private readonly ConcurrentDictionary<string, (double Sent, double Acked)> _fresh = new();
    private readonly ConcurrentDictionary<string, double> _seen = new();
    private readonly List<PoolSample> _pools = [];
    private readonly ConcurrentDictionary<string, int> _defaultReasons = new();
    private long _sent, _acked, _defaults;
    private int _sessions, _paid;

    public Dictionary<string, int> PoolSizes { get; } = [];
    public static string SiteKey(int i) => $"lt-{(char)('a' + i)}";
    private static string Host(int i) => $"shop-{(char)('a' + i)}.example.com";

    public async Task SetUpAsync(NumberPlan plan)
    {
        for (var s = 0; s < model.Sites; s++)
        {
            await client.AdminPutAsync(edgeUrl, $"/admin/sites/{SiteKey(s)}", new
            {
                domains = new[] { Host(s) }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(s),
                holdMinutes = model.HoldMinutes, region = "US",
            });
            var paid = model.RecommendedPoolSize(model.PaidShare);
            var organic = model.RecommendedPoolSize(1 - model.PaidShare);
            // The first pool whose rule matches wins; "organic" has no rule, so it is the default pool.
            await client.AdminPutAsync(edgeUrl, $"/admin/sites/{SiteKey(s)}/pools/paid", new { match = new { paidClickId = true }, numbers = plan.Take(paid) });
            await client.AdminPutAsync(edgeUrl, $"/admin/sites/{SiteKey(s)}/pools/organic", new { numbers = plan.Take(organic) });
            PoolSizes[$"{SiteKey(s)}/paid"] = paid;
            PoolSizes[$"{SiteKey(s)}/organic"] = organic;
        }
    }

    private double Now => _clock.Elapsed.TotalSeconds;

    public async Task<ModelResult> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        var poolLoop = Task.Run(() => SamplePoolsAsync(stop.Token));
        var freshLoop = Task.Run(() => PollFreshnessAsync(stop.Token));
        var sessions = new List<Task>();
        var random = new Random(8);
        var rate = model.ArrivalsPerSecondPerSite * model.Sites;
        var t = 0.0;
        while (true)
        {
            t += -Math.Log(1 - random.NextDouble()) / rate;
            if (t > model.ArrivalSeconds) break;
            var wait = t - Now;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            var seed = random.Next();
            sessions.Add(Task.Run(() => SessionAsync(new Random(seed))));
        }
        await Task.WhenAll(sessions);
        // Let the last events reach ClickHouse (freshness), bounded.
        var deadline = Now + 20;
        while (Now < deadline && _fresh.Keys.Any(k => !_seen.ContainsKey(k))) await Task.Delay(250);
        await stop.CancelAsync();
        await Task.WhenAll(poolLoop, freshLoop);
        return await EvaluateAsync();
    }

    private async Task SessionAsync(Random random)
    {
        var site = random.Next(model.Sites);
        var key = SiteKey(site);
        var host = Host(site);
        var visitor = new Visitor();
        var paid = random.NextDouble() < model.PaidShare;
        Interlocked.Increment(ref _sessions);
        if (paid) Interlocked.Increment(ref _paid);
        // Geometric number of pages with the given mean (at least one).
        var pages = 1;
        while (random.NextDouble() > 1 / model.MeanPages && pages < 20) pages++;
        var calls = random.NextDouble() < model.CallShare;
        var callAfterPage = calls && random.NextDouble() < 0.5 ? random.Next(pages) : -1;
        string? shown = null;
        double lastNumberSend = 0;
        var url = paid ? $"https://{host}/landing?gclid=lt{random.NextInt64():x}" : $"https://{host}/";
        var referrer = paid ? "https://www.google.com/" : new[] { "https://www.bing.com/", "", "https://news.example.org/story" }[random.Next(3)];
        try
        {
            for (var p = 0; p < pages; p++)
            {
                if (p > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(model.MinGapSeconds + random.NextDouble() * (model.MaxGapSeconds - model.MinGapSeconds)));
                    referrer = url;
                    url = $"https://{host}/products/{random.Next(200)}";
                }
                if (p == 0 || random.NextDouble() < model.FullLoadShare)
                {
                    // A full page load: the tag asks for the number (assign, or renew: the heartbeat).
                    var send = Now;
                    var answer = await client.NumberAsync(edgeUrl, visitor, key, url, referrer);
                    if (answer.Ok)
                    {
                        shown = answer.Number;
                        lastNumberSend = send;
                        if (answer.Kind == "default") { Interlocked.Increment(ref _defaults); _defaultReasons.AddOrUpdate(answer.Reason ?? "", 1, (_, c) => c + 1); }
                        _observations.Add(new(key, visitor.SessionId, answer.Number ?? "", answer.Kind ?? "", send, Now));
                    }
                }
                await PageviewAsync(visitor, key, url, referrer, random);
                if (p == callAfterPage && shown is not null) await CallAsync(key, shown, visitor.SessionId, true, random);
            }
            if (calls && callAfterPage < 0 && shown is not null)
            {
                // After the last page, before the lease (hold after the last number request) runs out.
                var due = lastNumberSend + 2 + random.NextDouble() * (model.HoldMinutes * 60 * 0.5 - 2);
                if (due > Now) await Task.Delay(TimeSpan.FromSeconds(due - Now));
                await CallAsync(key, shown, visitor.SessionId, false, random);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException) { }
    }

    private async Task PageviewAsync(Visitor visitor, string site, string url, string referrer, Random random)
    {
        var token = Guid.NewGuid().ToString("N");
        var withToken = url + (url.Contains('?') ? "&" : "?") + "lt=" + token;
        var sent = Now;
        Interlocked.Increment(ref _sent);
        var (ok, _) = await client.CollectAsync(edgeUrl, visitor, site, [(withToken, referrer)]);
        if (!ok) return;
        Interlocked.Increment(ref _acked);
        _fresh[token] = (sent, Now);
    }

    private async Task CallAsync(string site, string number, string session, bool whileBrowsing, Random random)
    {
        var callId = "lt-" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        var t = Now;
        CallAnswer answer;
        try { answer = await client.CallAsync(edgeUrl, callId, $"+1312555{random.Next(1000, 9999)}", number, at); }
        catch (HttpRequestException) { answer = new(false, 0, null, null); }
        _calls.Add(new(callId, site, number, session, whileBrowsing, t, answer.Attribution, answer.SessionId, answer.Status));
    }

    private async Task SamplePoolsAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var pool in PoolSizes.Keys)
            {
                var (site, id) = (pool.Split('/')[0], pool.Split('/')[1]);
                try
                {
                    if (await client.AdminGetAsync(edgeUrl, $"/admin/sites/{site}/pools/{id}/stats") is { } s)
                        lock (_pools)
                            _pools.Add(new(Math.Round(Now, 2), site, id, (int?)s["size"] ?? 0, (int?)s["leasedNow"] ?? 0, (double?)s["utilisation"] ?? 0,
                                (long?)s["exhaustedLastHour"] ?? 0, (long?)s["peakConcurrentDemand"] ?? 0, (int?)s["recommendedSize"] ?? 0));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            }
            try { await Task.Delay(1000, cancellationToken); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Event sent → queryable: polls ClickHouse for the tokens of acknowledged events not yet seen.</summary>
    private async Task PollFreshnessAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var pending = _fresh.Keys.Where(k => !_seen.ContainsKey(k)).Take(2000).ToList();
            if (pending.Count > 0)
            {
                try
                {
                    var rows = await client.QueryAsync(stack.ClickHouseUrl, stack.Database,
                        $"SELECT DISTINCT extractURLParameter(url, 'lt') FROM pageviews WHERE extractURLParameter(url, 'lt') IN ({string.Join(',', pending.Select(p => $"'{p}'"))})");
                    var now = Now;
                    foreach (var row in rows) _seen.TryAdd(row[0], now);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            }
            try { await Task.Delay(250, cancellationToken); } catch (OperationCanceledException) { return; }
        }
    }

    private async Task<ModelResult> EvaluateAsync()
    {
        var hold = model.HoldMinutes * 60.0;
        // Invariant 1: a number is leased to at most one live session. B got number n while A's lease on n was surely live:
        // A's request answered before B's was sent, and B's answer came before A's send time + hold.
        var shared = 0;
        foreach (var group in _observations.Where(o => o.Kind is "assigned" or "renewed").GroupBy(o => (o.Site, o.Number)))
        {
            var list = group.OrderBy(o => o.SendS).ToList();
            foreach (var b in list)
                if (list.Any(a => a.Session != b.Session && a.RecvS <= b.SendS && b.RecvS < a.SendS + hold - 0.5)) shared++;
        }
        // Invariant 2: a session holds one number per pool: a session never renews onto a different number (its gaps are < hold).
        var twoNumbers = _observations.Where(o => o.Kind is "assigned" or "renewed").GroupBy(o => (o.Site, o.Session))
            .Count(g => g.Select(o => o.Number).Distinct().Count() > 1);

        var calls = _calls.ToList();
        var outcomes = calls.GroupBy(c => c.Correct ? "correct" : c.Attribution == "attributed" ? "wrong_session" : c.Attribution ?? $"http_{c.Status}")
            .ToDictionary(g => g.Key, g => g.Count());
        var stored = 0;
        try
        {
            var rows = await client.QueryAsync(stack.ClickHouseUrl, stack.Database, "SELECT call_id, session_id FROM calls FINAL WHERE provider = 'lt'");
            var bySession = rows.Where(r => r.Length >= 2).ToDictionary(r => r[0], r => r[1]);
            stored = calls.Count(c => bySession.TryGetValue(c.CallId, out var s) && s == c.ExpectedSession);
        }
        catch (HttpRequestException ex) { Console.Error.WriteLine($"calls table: {ex.Message}"); }

        var latencies = _fresh.Where(f => _seen.ContainsKey(f.Key)).Select(f => (_seen[f.Key] - f.Value.Sent) * 1000).OrderBy(x => x).ToList();
        double Pct(double p) => latencies.Count == 0 ? 0 : Math.Round(latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p / 100 * latencies.Count) - 1)], 0);
        List<PoolSample> pools;
        lock (_pools) pools = [.. _pools];
        var last = pools.GroupBy(p => $"{p.Site}/{p.Pool}").ToDictionary(g => g.Key, g => g.Last());
        var correct = calls.Count(c => c.Correct);
        return new ModelResult(_sessions, _paid, _sent, _acked, calls.Count, correct, calls.Count == 0 ? 0 : Math.Round(100.0 * correct / calls.Count, 2),
            outcomes, stored, shared, twoNumbers, _defaults, new Dictionary<string, int>(_defaultReasons),
            Math.Round(100.0 * correct / Math.Max(1, calls.Count(c => c.Attribution != "not_tracking_number")), 2), PoolSizes,
            last.ToDictionary(l => l.Key, l => l.Value.Recommended), last.ToDictionary(l => l.Key, l => (int)l.Value.PeakDemand),
            Pct(50), Pct(95), latencies.Count, _fresh.Count - latencies.Count, pools, calls.Where(c => !c.Correct).Take(20).ToList());
    }
}
