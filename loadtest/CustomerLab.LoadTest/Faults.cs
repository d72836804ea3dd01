using System.Collections.Concurrent;
using System.Diagnostics;

namespace CustomerLab.LoadTest;

/// <summary>
/// Collect (and /v1/number) traffic while one server fails: ClickHouse stopped for 30 s, Redis restarted, or the edge
/// SIGKILLed and started again. Every event carries a unique token, so after the spool drains we count exactly which
/// acknowledged (202) events are in ClickHouse, once each (read with FINAL: what an analyst sees).
/// </summary>
internal static class Faults
{
    private const string Site = "lt-fault";
    private const string Host = "fault.example.com";

    public static async Task<FaultResult> RunAsync(RunOptions options, Stack stack, RunResult result)
    {
        var kind = options.FaultKind!;
        await stack.StartClickHouseAsync();
        await stack.StartRedisAsync();
        var port = await stack.StartEdgeAsync(0);
        var url = $"http://127.0.0.1:{port}";
        using var client = new EdgeClient(64);
        await client.AdminPutAsync(url, $"/admin/sites/{Site}", new { domains = new[] { Host }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(98), holdMinutes = 1, region = "US" });
        await client.AdminPutAsync(url, $"/admin/sites/{Site}/pools/main", new { numbers = new NumberPlan().Take(300) });

        var total = options.Quick ? 50 : 80;      // seconds of traffic
        var faultAt = options.Quick ? 10 : 20;    // seconds into the run
        var downFor = kind switch { "clickhouse" => 30, "redis" or "redis-hang" => 5, _ => 0 };
        var timeline = kind switch
        {
            "clickhouse" => $"ClickHouse host stopped (SIGTERM) at {faultAt} s, started again at {faultAt + downFor} s; traffic for {total} s",
            "redis" => $"redis-server stopped (SIGTERM) at {faultAt} s, started again (same AOF) at {faultAt + downFor} s; traffic for {total} s",
            "redis-flush" => $"redis-server emptied (FLUSHALL) at {faultAt} s; traffic for {total} s; hold 1 min",
            "redis-fresh" => $"redis-server killed at {faultAt} s and started again at once without its data (a restart without persistence); traffic for {total} s; hold 1 min",
            "redis-hang" => $"redis-server hung (SIGSTOP) at {faultAt} s for {downFor} s, then SIGCONT; Numbers:RedisTimeoutMs 40 (production); traffic for {total} s",
            _ => $"edge SIGKILLed at {faultAt} s and started again at once (same spool); traffic for {total} s",
        };
        Console.WriteLine($"==> fault {kind}: {timeline}");

        var sent = new ConcurrentDictionary<string, byte>();
        var acked = new ConcurrentDictionary<string, byte>();
        var collectOutcomes = new ConcurrentDictionary<string, long>();
        var numberOutcomes = new ConcurrentDictionary<string, long>();
        // Ground truth of tracking answers: (number, session, received at s); checked after the run for a number
        // answered to a session while another session's lease on it was surely live.
        var leases = new ConcurrentQueue<(string Number, string Session, double At)>();
        // Who was shown each number last, and when (s): what a call to it is expected to be attributed to.
        var shown = new ConcurrentDictionary<string, (string Session, double At)>();
        var numberLatencies = new ConcurrentQueue<(double At, double Ms, string Answer)>();
        var collectLatencies = new ConcurrentQueue<(double At, double Ms)>();
        double faultStartedAt = double.MaxValue, faultEndedAt = double.MaxValue;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(total));
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var visitor = new Visitor();
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                if (i % 20 == 0) visitor = new Visitor();
                var events = Enumerable.Range(0, random.Next(1, 6)).Select(_ => ($"https://{Host}/p/{random.Next(100)}?lt={Guid.NewGuid():N}", "https://www.google.com/")).ToList();
                foreach (var e in events) sent[Token(e.Item1)] = 0;
                string outcome;
                try
                {
                    if (i % 5 == 0)
                    {
                        var asked = clock.Elapsed.TotalSeconds;
                        var n = await client.NumberAsync(url, visitor, Site, $"https://{Host}/", "");
                        var answeredAt = clock.Elapsed.TotalSeconds;
                        var answer = n.Ok ? $"{n.Kind}{(n.Reason is null ? "" : ":" + n.Reason)}" : n.Status.ToString();
                        numberLatencies.Enqueue((asked, (answeredAt - asked) * 1000, answer));
                        if (n.Ok && n.Kind is "assigned" or "renewed")
                        {
                            leases.Enqueue((n.Number!, visitor.SessionId, answeredAt));
                            shown[n.Number!] = (visitor.SessionId, answeredAt);
                        }
                        numberOutcomes.AddOrUpdate(answer, 1, (_, c) => c + 1);
                    }
                    var collectAsked = clock.Elapsed.TotalSeconds;
                    var (ok, status) = await client.CollectAsync(url, visitor, Site, events);
                    collectLatencies.Enqueue((collectAsked, (clock.Elapsed.TotalSeconds - collectAsked) * 1000));
                    if (ok) foreach (var e in events) acked[Token(e.Item1)] = 0;
                    outcome = status.ToString();
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException) { outcome = "connection error"; }
                collectOutcomes.AddOrUpdate(outcome, 1, (_, c) => c + 1);
                await Task.Delay(40);
            }
        })).ToArray();

        // Calls to numbers shown a moment ago, before, during and after the fault: each answer names the session the
        // edge attributed it to, checked afterwards against who was shown the number last.
        var calls = new ConcurrentQueue<PlacedCall>();
        var caller = Task.Run(async () =>
        {
            var random = new Random(99);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await Task.Delay(100);
                var now = clock.Elapsed.TotalSeconds;
                var recent = shown.Where(e => now - e.Value.At is > 0.5 and < 20).ToList();
                if (recent.Count == 0) continue;
                var (number, (session, answeredAt)) = recent[random.Next(recent.Count)];
                // A 503 asks the provider to send the webhook again (same call, same start time), as providers do: up to
                // ten times, half a second apart. A call that never gets through counts as wrong.
                var (callId, from, at) = ($"lt-fault-{i}", $"+1617555{random.Next(10000):D4}", DateTimeOffset.UtcNow);
                var answer = new CallAnswer(false, 0, null, null);
                for (var attempt = 0; attempt < 10 && (attempt == 0 || answer.Status == 503); attempt++)
                {
                    if (attempt > 0) await Task.Delay(500);
                    try { answer = await client.CallAsync(url, callId, from, number, at); }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException) { answer = new(false, 0, null, null); }
                }
                calls.Enqueue(new(number, session, answeredAt, now, answer.Ok ? answer.SessionId : null, answer.Ok ? answer.Attribution : $"failed {answer.Status}"));
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(faultAt));
        faultStartedAt = clock.Elapsed.TotalSeconds;
        switch (kind)
        {
            case "redis-flush":
                await RedisCliAsync(stack.RedisPort, "FLUSHALL");
                break;
            case "redis-fresh":
                await stack.Redis!.KillAsync();
                Directory.Delete(Path.Combine(stack.RunDirectory, "redis"), recursive: true);
                await stack.StartRedisAsync();
                break;
            case "redis-hang":
                Signal(stack.Redis!.Pid, SigStop);
                await Task.Delay(TimeSpan.FromSeconds(downFor));
                Signal(stack.Redis!.Pid, SigCont);
                break;
            case "clickhouse":
                await stack.ClickHouse!.StopAsync(TimeSpan.FromSeconds(10));
                await Task.Delay(TimeSpan.FromSeconds(downFor));
                await stack.StartClickHouseAsync();
                break;
            case "redis":
                await stack.Redis!.StopAsync(TimeSpan.FromSeconds(10));
                await Task.Delay(TimeSpan.FromSeconds(downFor));
                await stack.StartRedisAsync();
                break;
            default:
                await stack.Edges[0].Process.KillAsync();
                await stack.StartEdgeAsync(0, port);
                break;
        }
        faultEndedAt = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"    fault done at {faultEndedAt:0} s");
        await Task.WhenAll(workers);
        await caller;

        // Drain: wait until every acknowledged event is in ClickHouse, or no progress for 30 s (at most 3 minutes).
        var drain = Stopwatch.StartNew();
        Dictionary<string, long> stored = [];
        long lastCount = -1;
        var lastProgress = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                stored = (await client.QueryAsync(stack.ClickHouseUrl, stack.Database,
                        $"SELECT extractURLParameter(url, 'lt'), count() FROM pageviews FINAL WHERE site_id = '{Site}' GROUP BY 1"))
                    .ToDictionary(r => r[0], r => long.Parse(r[1]));
            }
            catch (HttpRequestException) { }
            if (acked.Keys.All(stored.ContainsKey)) break;
            if (stored.Count != lastCount) { lastCount = stored.Count; lastProgress.Restart(); }
            else if (lastProgress.Elapsed > TimeSpan.FromSeconds(30)) break;
            await Task.Delay(1000);
        }
        long raw = 0;
        try { raw = long.Parse((await client.QueryAsync(stack.ClickHouseUrl, stack.Database, $"SELECT count() FROM pageviews WHERE site_id = '{Site}'"))[0][0]); }
        catch (HttpRequestException) { }

        var storedAcked = acked.Keys.Count(stored.ContainsKey);
        var twoSessions = LiveInTwoSessions(leases, HoldSeconds);
        var after = numberLatencies.Where(l => l.At >= faultStartedAt && l.Answer.StartsWith("default", StringComparison.Ordinal))
            .Select(l => (l.At, Reason: l.Answer.Split(':', 2) is [_, var reason] ? reason : "")).ToList();
        var lastDefault = after.Count == 0 ? 0 : after.Max(d => d.At) - faultStartedAt;
        // By reason: pool_exhausted is also the run's steady state (a 300-number pool, visitors arriving faster than
        // a hold), so each reason gets its count and how long after the fault's start it was last answered.
        var afterByReason = string.Join(", ", after.GroupBy(d => d.Reason).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()} (the last {g.Max(d => d.At) - faultStartedAt:0.0} s after)"));
        result.Settings["faultDefaultsAfterByReason"] = afterByReason;
        var slowest = numberLatencies.IsEmpty ? 0 : numberLatencies.Max(l => l.Ms);
        Console.WriteLine($"    numbers live in two sessions {twoSessions}; default answers after the fault {after.Count}, the last {lastDefault:0.0} s after it; slowest /v1/number {slowest:0} ms");
        // /v1/number while the fault lasts and after it ends, apart: the bound holds during a hang; after it, how soon
        // Redis answers again and how slow the answers are while it catches up.
        var during = numberLatencies.Where(l => l.At >= faultStartedAt && l.At < faultEndedAt).ToList();
        var afterEnd = numberLatencies.Where(l => l.At >= faultEndedAt).ToList();
        foreach (var (name, window) in new[] { ("During", during), ("After", afterEnd) })
        {
            var ms = window.Select(l => l.Ms).Order().ToList();
            var slow = window.OrderByDescending(l => l.Ms).FirstOrDefault();
            result.Settings[$"faultNumber{name}Count"] = ms.Count.ToString();
            result.Settings[$"faultNumber{name}P99Ms"] = (ms.Count == 0 ? 0 : ms[(int)Math.Ceiling(0.99 * ms.Count) - 1]).ToString("0");
            result.Settings[$"faultNumber{name}SlowestMs"] = (ms.Count == 0 ? 0 : ms[^1]).ToString("0");
            result.Settings[$"faultNumber{name}Slowest"] = slow.Answer is null ? "" : $"{slow.Ms:0} ms at {slow.At - faultStartedAt:+0.0;-0.0} s from the fault's start, answered {slow.Answer}";
            Console.WriteLine($"    /v1/number {name.ToLowerInvariant()} the fault: {ms.Count} answers, p99 {result.Settings[$"faultNumber{name}P99Ms"]} ms, slowest {result.Settings[$"faultNumber{name}Slowest"]}");
        }
        // Recovery: the first number request after the fault ends that Redis answers (assigned or renewed), end to end.
        var firstTracking = afterEnd.Where(l => l.Answer is "assigned" or "renewed").Select(l => l.At + l.Ms / 1000 - faultEndedAt).DefaultIfEmpty(double.NaN).Min();
        var unavailableAfter = afterEnd.Where(l => l.Answer == "default:redis_unavailable").ToList();
        result.Settings["faultRecoverySeconds"] = firstTracking.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        result.Settings["faultUnavailableAfter"] = unavailableAfter.Count == 0 ? "none"
            : $"{unavailableAfter.Count}, the last {unavailableAfter.Max(l => l.At) - faultEndedAt:0.0} s after it ended";
        Console.WriteLine($"    recovered: first tracking answer {firstTracking:0.00} s after the fault ended; redis_unavailable answers after it: {result.Settings["faultUnavailableAfter"]}");
        var collectDuring = collectLatencies.Where(l => l.At >= faultStartedAt && l.At < faultEndedAt).Select(l => l.Ms).DefaultIfEmpty(0).Max();
        result.Settings["faultCollectDuringSlowestMs"] = collectDuring.ToString("0");
        Console.WriteLine($"    slowest /v1/collect while the fault lasted: {collectDuring:0} ms");
        result.Settings["faultNumbersLiveInTwoSessions"] = twoSessions.ToString();
        result.Settings["faultDefaultAnswersAfter"] = after.Count.ToString();
        result.Settings["faultLastDefaultSecondsAfter"] = lastDefault.ToString("0.0");
        result.Settings["faultSlowestNumberMs"] = slowest.ToString("0");
        var (all, across) = Attribution(calls, leases, faultStartedAt);
        Console.WriteLine($"    calls attributed to the session shown the number: {all.Correct} of {all.Placed}; across the fault (shown before it, called after): {across.Correct} of {across.Placed}");
        result.Settings["faultCallsPlaced"] = all.Placed;
        result.Settings["faultCallsAttributedCorrectly"] = all.Correct;
        result.Settings["faultCallsAcrossPlaced"] = across.Placed;
        result.Settings["faultCallsAcrossAttributedCorrectly"] = across.Correct;
        result.Settings["faultCallsWrongByKind"] = string.Join(", ", all.Wrong.GroupBy(w => w.Kind).Select(g => $"{g.Key} {g.Count()}"));
        result.Settings["faultCallsWrong"] = string.Join("; ", all.Wrong.Take(8).Select(w => w.Text));
        var fault = new FaultResult(kind, timeline, sent.Count, acked.Count, stored.Count, storedAcked, acked.Count - storedAcked,
            stored.Values.Sum(c => c - 1), raw, stored.Keys.Count(k => !acked.ContainsKey(k)),
            new Dictionary<string, long>(collectOutcomes), new Dictionary<string, long>(numberOutcomes), Math.Round(drain.Elapsed.TotalSeconds, 1));
        Console.WriteLine($"    sent {fault.Sent}, acknowledged {fault.Acknowledged}, stored {fault.Stored}, lost {fault.Lost}, duplicated {fault.Duplicated}");
        result.Settings["fault"] = timeline;
        return fault;
    }

    private sealed record PlacedCall(string Number, string Session, double ShownAt, double CalledAt, string? AttributedSession, string? Attribution);

    private sealed record Tally(int Placed, int Correct, List<(string Kind, string Text)> Wrong);

    /// <summary>
    /// Calls attributed to the session that was shown the number last: all of them, and those across the fault (the
    /// number shown before it, the call after it). A failed or timed-out call counts as wrong. Calls whose number was
    /// shown to another session within a second of the call are left out: who "should" get it is then a race.
    /// </summary>
    private static (Tally All, Tally Across) Attribution(IEnumerable<PlacedCall> calls, IEnumerable<(string Number, string Session, double At)> answers, double faultAt)
    {
        var byNumber = answers.GroupBy(a => a.Number).ToDictionary(g => g.Key, g => g.OrderBy(a => a.At).ToList());
        var all = new Tally(0, 0, []);
        var across = new Tally(0, 0, []);
        foreach (var call in calls)
        {
            var history = byNumber.GetValueOrDefault(call.Number) ?? [];
            if (history.Any(a => a.Session != call.Session && Math.Abs(a.At - call.CalledAt) < 1)) continue;
            var expected = history.LastOrDefault(a => a.At <= call.CalledAt).Session ?? call.Session;
            var correct = call.AttributedSession == expected;
            var crosses = call.ShownAt < faultAt && call.CalledAt >= faultAt;
            if (!correct)
            {
                var wrong = (call.AttributedSession is null ? call.Attribution ?? "" : "another session",
                    $"{call.Number} at {call.CalledAt:0.0} s (shown at {call.ShownAt:0.0} s): {call.Attribution} {call.AttributedSession ?? "-"}");
                all.Wrong.Add(wrong);
                if (crosses) across.Wrong.Add(wrong);
            }
            all = all with { Placed = all.Placed + 1, Correct = all.Correct + (correct ? 1 : 0) };
            if (crosses) across = across with { Placed = across.Placed + 1, Correct = across.Correct + (correct ? 1 : 0) };
        }
        return (all, across);
    }

    private static string Token(string url) => url[(url.IndexOf("lt=", StringComparison.Ordinal) + 3)..];

    /// <summary>The site's hold (1 minute), in seconds.</summary>
    private const double HoldSeconds = 60;

    /// <summary>
    /// Tracking answers that gave a number to one session while another session's lease on it was surely live: that
    /// session had it answered less than a hold (minus 1 s of slack for clocks and in-flight requests) earlier.
    /// </summary>
    private static int LiveInTwoSessions(IEnumerable<(string Number, string Session, double At)> answers, double holdSeconds)
    {
        var violations = 0;
        foreach (var group in answers.GroupBy(a => a.Number))
        {
            var last = new Dictionary<string, double>();
            foreach (var (_, session, at) in group.OrderBy(a => a.At))
            {
                if (last.Any(e => e.Key != session && at < e.Value + holdSeconds - 1)) violations++;
                last[session] = at;
            }
        }
        return violations;
    }

    private static async Task RedisCliAsync(int port, string command)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", ["-p", port.ToString(), command]) { RedirectStandardOutput = true })!;
        await cli.WaitForExitAsync();
        if (cli.ExitCode != 0) throw new InvalidOperationException($"redis-cli {command} exited {cli.ExitCode}");
    }

    private const int SigCont = 18, SigStop = 19; // Linux x86-64 and arm64

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed");
    }
}
