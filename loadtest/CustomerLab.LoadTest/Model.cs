using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CustomerLab.LoadTest;

/// <summary>Sizes of the visitor model; times are compressed (hold 1 min, pages seconds apart).</summary>
internal sealed record ModelOptions(int Sites, double ArrivalsPerSecondPerSite, int ArrivalSeconds, double PaidShare, double CallShare,
    double MeanPages, double MinGapSeconds, double MaxGapSeconds, double FullLoadShare, int HoldMinutes, int GraceMinutes)
{
    public double MeanLeaseSeconds => (MeanPages - 1) * (MinGapSeconds + MaxGapSeconds) / 2 + HoldMinutes * 60;

    /// <summary>
    /// Expected peak concurrent leases of a pool over the run (Poisson mean + 3σ) with the edge's 20% headroom, plus the
    /// numbers released in one grace window (arrivals × grace), so a reused number rests through it (Numbers/PoolSizing.cs).
    /// </summary>
    public int RecommendedPoolSize(double share)
    {
        var mean = ArrivalsPerSecondPerSite * share * Math.Min(MeanLeaseSeconds, ArrivalSeconds + 10);
        return (int)Math.Ceiling(1.2 * (mean + 3 * Math.Sqrt(mean)) + ArrivalsPerSecondPerSite * share * GraceMinutes * 60);
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

/// <summary>When a session calls: while browsing, after its last page inside the lease, or after the lease ended (grace window).</summary>
internal enum CallTiming { WhileBrowsing, AfterPages, AfterLease }

internal sealed record CallTruth(string CallId, string Site, string Number, string ExpectedSession, CallTiming Timing, double AtS,
    string? Attribution, string? AttributedSession, int Status)
{
    /// <summary>Another session was answered this number after this session's last answer and before the call.</summary>
    public bool ChangedHands { get; init; }

    /// <summary>The sessions the edge named for an ambiguous call (from the calls table).</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>
    /// Credited to the right session: attributed to it; or, when the number changed hands within the grace window, marked
    /// ambiguous with it among the candidates, the only truthful answer the edge can give.
    /// </summary>
    public bool Correct => Attribution == "attributed" && AttributedSession == ExpectedSession
                           || ChangedHands && Attribution == "ambiguous" && Candidates.Contains(ExpectedSession);

    public string Outcome => Correct ? (Attribution == "ambiguous" ? "correct_ambiguous" : "correct")
        : Attribution == "attributed" ? "wrong_session" : Attribution ?? $"http_{Status}";
}

internal sealed record PoolSample(double T, string Site, string Pool, int Size, int Leased, double Utilisation, long Exhausted, long PeakDemand, int Recommended);

internal sealed record ModelResult(
    int Sessions, int SessionsPaid, long PageviewsSent, long PageviewsAcked, int Calls, int CallsCorrect, double Accuracy,
    Dictionary<string, int> CallOutcomes, int CallsStoredWithRightSession, int InvariantViolationsSharedNumber, int InvariantViolationsTwoNumbers,
    long DefaultAnswers, Dictionary<string, int> DefaultReasons, double AccuracyOfCallsToTrackingNumbers, Dictionary<string, int> PoolSizes, Dictionary<string, int> PoolRecommendedAtEnd, Dictionary<string, int> PoolPeakDemand,
    double FreshnessP50Ms, double FreshnessP95Ms, int FreshnessSamples, int FreshnessNeverSeen, List<PoolSample> PoolSeries,
    List<CallTruth> Misattributed, Dictionary<string, Dictionary<string, int>> OutcomesByTiming);

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
        // 40% call while browsing, 30% after their last page inside the lease, 30% after the lease ended (within the
        // grace window, where a number may have changed hands); without a grace window those call inside the lease.
        var timing = random.NextDouble() switch
        {
            < 0.4 => CallTiming.WhileBrowsing,
            < 0.7 => CallTiming.AfterPages,
            _ => model.GraceMinutes > 0 ? CallTiming.AfterLease : CallTiming.AfterPages,
        };
        var callAfterPage = calls && timing == CallTiming.WhileBrowsing ? random.Next(pages) : -1;
        string? shown = null;
        double lastNumberSend = 0, leaseEnd = 0;
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
                        // When the lease ends, as the edge told the page (a renewal answered from the signed cookie
                        // keeps the expiry Redis has, which may be up to a quarter of a hold earlier than send + hold).
                        leaseEnd = answer.ExpiresAt is { } expires ? Now + (expires - DateTimeOffset.UtcNow).TotalSeconds : send + model.HoldMinutes * 60;
                        if (answer.Kind == "default") { Interlocked.Increment(ref _defaults); _defaultReasons.AddOrUpdate(answer.Reason ?? "", 1, (_, c) => c + 1); }
                        _observations.Add(new(key, visitor.SessionId, answer.Number ?? "", answer.Kind ?? "", send, Now));
                    }
                }
                await PageviewAsync(visitor, key, url, referrer, random);
                if (p == callAfterPage && shown is not null) await CallAsync(key, shown, visitor.SessionId, CallTiming.WhileBrowsing, random);
            }
            if (calls && callAfterPage < 0 && shown is not null)
            {
                var hold = model.HoldMinutes * 60;
                // After the last page: before the lease runs out (within half a hold of the last number request), or
                // after it ended (3 s of slack past its expiry) and before the grace window closes (5 s of slack).
                var due = timing == CallTiming.AfterLease
                    ? leaseEnd + 3 + random.NextDouble() * (model.GraceMinutes * 60 - 8)
                    : lastNumberSend + 2 + random.NextDouble() * (hold * 0.5 - 2);
                if (due > Now) await Task.Delay(TimeSpan.FromSeconds(due - Now));
                await CallAsync(key, shown, visitor.SessionId, timing, random);
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

    private async Task CallAsync(string site, string number, string session, CallTiming timing, Random random)
    {
        var callId = "lt-" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        var t = Now;
        CallAnswer answer;
        try { answer = await client.CallAsync(edgeUrl, callId, $"+1312555{random.Next(1000, 9999)}", number, at); }
        catch (HttpRequestException) { answer = new(false, 0, null, null); }
        _calls.Add(new(callId, site, number, session, timing, t, answer.Attribution, answer.SessionId, answer.Status));
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

        // Ground truth for calls after the lease: did another session get the number between this session's last
        // answer and the call? Then the number changed hands inside the grace window.
        var answers = _observations.Where(o => o.Kind is "assigned" or "renewed").GroupBy(o => (o.Site, o.Number)).ToDictionary(g => g.Key, g => g.ToList());
        bool ChangedHands(CallTruth c)
        {
            var history = answers.GetValueOrDefault((c.Site, c.Number)) ?? [];
            var ownLast = history.Where(o => o.Session == c.ExpectedSession).Select(o => o.SendS).DefaultIfEmpty(double.MaxValue).Max();
            return history.Any(o => o.Session != c.ExpectedSession && o.RecvS > ownLast && o.SendS < c.AtS);
        }
        Dictionary<string, (string Session, string[] Candidates)> stored = [];
        try
        {
            var rows = await client.QueryAsync(stack.ClickHouseUrl, stack.Database,
                "SELECT call_id, session_id, arrayStringConcat(candidate_sessions, ' ') FROM calls FINAL WHERE provider = 'lt'");
            stored = rows.Where(r => r.Length >= 3).ToDictionary(r => r[0], r => (r[1], r[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }
        catch (HttpRequestException ex) { Console.Error.WriteLine($"calls table: {ex.Message}"); }
        var calls = _calls.Select(c => c with
        {
            ChangedHands = ChangedHands(c),
            Candidates = stored.TryGetValue(c.CallId, out var row) ? row.Candidates : [],
        }).ToList();
        var outcomes = calls.GroupBy(c => c.Outcome).ToDictionary(g => g.Key, g => g.Count());
        var byTiming = calls.GroupBy(c => c.Timing switch
            {
                CallTiming.WhileBrowsing => "while browsing",
                CallTiming.AfterPages => "after the last page, inside the lease",
                _ => c.ChangedHands ? "after the lease, the number changed hands" : "after the lease, nobody else had the number",
            })
            .ToDictionary(g => g.Key, g => g.GroupBy(c => c.Outcome).ToDictionary(o => o.Key, o => o.Count()));
        var storedRight = calls.Count(c => stored.TryGetValue(c.CallId, out var row) && row.Session == c.ExpectedSession);

        var latencies = _fresh.Where(f => _seen.ContainsKey(f.Key)).Select(f => (_seen[f.Key] - f.Value.Sent) * 1000).OrderBy(x => x).ToList();
        double Pct(double p) => latencies.Count == 0 ? 0 : Math.Round(latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p / 100 * latencies.Count) - 1)], 0);
        List<PoolSample> pools;
        lock (_pools) pools = [.. _pools];
        var last = pools.GroupBy(p => $"{p.Site}/{p.Pool}").ToDictionary(g => g.Key, g => g.Last());
        var correct = calls.Count(c => c.Correct);
        return new ModelResult(_sessions, _paid, _sent, _acked, calls.Count, correct, calls.Count == 0 ? 0 : Math.Round(100.0 * correct / calls.Count, 2),
            outcomes, storedRight, shared, twoNumbers, _defaults, new Dictionary<string, int>(_defaultReasons),
            Math.Round(100.0 * correct / Math.Max(1, calls.Count(c => c.Attribution != "not_tracking_number")), 2), PoolSizes,
            last.ToDictionary(l => l.Key, l => l.Value.Recommended), last.ToDictionary(l => l.Key, l => (int)l.Value.PeakDemand),
            Pct(50), Pct(95), latencies.Count, _fresh.Count - latencies.Count, pools, calls.Where(c => !c.Correct).Take(20).ToList(), byTiming);
    }
}
