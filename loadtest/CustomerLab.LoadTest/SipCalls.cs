using System.Diagnostics;
using System.Globalization;

namespace CustomerLab.LoadTest;

/// <summary>One offered call rate through Kamailio and the edge, as SIPp measured it.</summary>
/// <param name="RouteP50Ms">INVITE → 100 Trying: Kamailio sends it once the edge has named the route.</param>
/// <param name="AnswerP99Ms">INVITE → 200 OK (post-dial delay; the business answers at once).</param>
internal sealed record SipStepResult(int OfferedPerSecond, int Offered, int Connected, int Failed, double ConnectedPerSecond, double ConnectedRatio,
    double RouteP50Ms, double RouteP99Ms, double AnswerP50Ms, double AnswerP99Ms, double AnswerMaxMs)
{
    /// <summary>What SIPp logged for the failed calls, grouped (at most five kinds).</summary>
    public List<string> Errors { get; init; } = [];
}

/// <summary>
/// The calls phase (<c>loadtest/run.sh calls</c>): SIPp callers at rising call rates through Debian's Kamailio running
/// <c>telephony/kamailio/kamailio.cfg</c>, which asks the edge for every route and reports every lifecycle; a SIPp
/// business answers at once. Per rate: connected ÷ offered, the route decision's and the answer's p50/p99.
/// </summary>
internal static class SipCalls
{
    private const string Secret = "loadtest-phone-secret";
    private const int Numbers = 200;
    private const int TalkMs = 1000;

    public static async Task RunAsync(RunOptions options, Stack stack, EdgeClient client, RunResult result)
    {
        var rates = options.Quick ? new[] { 25, 100, 200 } : new[] { 25, 50, 100, 200, 300, 400, 600 };
        var seconds = options.Quick ? 6 : 15;
        result.Settings["callRates"] = rates;
        result.Settings["callStepSeconds"] = seconds;
        result.Settings["talkMs"] = TalkMs;
        result.Settings["kamailioChildren"] = 16;

        await stack.StartClickHouseAsync();
        await stack.StartRedisAsync();
        var edgePort = await stack.StartEdgeAsync(0);
        var edgeUrl = $"http://127.0.0.1:{edgePort}";
        var businessPort = Stack.FreePort();
        var kamailioPort = Stack.FreePort();
        var business = stack.Track(ManagedProcess.Start("business", "sipp",
            ["-sf", Scenario(options, "business.xml"), "-i", "127.0.0.1", "-p", businessPort.ToString(), "-nostdin"], stack.RunDirectory, options.PidFile));
        var kamailio = stack.Track(ManagedProcess.Start("kamailio", "kamailio",
            ["-f", Path.Combine(options.RepoRoot, "telephony", "kamailio", "kamailio.cfg"), "-DD", "-E", "-m", "256",
             "-l", $"udp:127.0.0.1:{kamailioPort}", "-A", $"EDGE_URL=\"{edgeUrl}\"", "-A", $"EDGE_SECRET=\"{Secret}\"", "-A", "CHILDREN=16"],
            stack.RunDirectory, options.PidFile));

        var plan = new NumberPlan();
        var numbers = plan.Take(Numbers);
        await client.AdminPutAsync(edgeUrl, "/admin/sites/sipload", new
        {
            domains = new[] { "example.com" }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(7),
            forwardTo = "+13125550100", forwardSip = $"sip:business@127.0.0.1:{businessPort}",
        });
        await client.AdminPutAsync(edgeUrl, "/admin/sites/sipload/pools/main", new { numbers });
        var injection = Path.Combine(stack.RunDirectory, "sip-calls.csv");
        await File.WriteAllLinesAsync(injection, ["SEQUENTIAL", .. numbers.Select((n, i) => $"{n};+1617555{i:D4}")]);

        var connectedTotal = 0;
        var firstCall = Stopwatch.StartNew();
        await using var sampler = new ResourceSampler(() => new[] { stack.Edges[0].Process, kamailio, business, stack.ClickHouse!, stack.Redis! });
        // Warm-up: the edge's route and report paths compiled, Kamailio's workers connected.
        sampler.Phase = "calls warm-up";
        connectedTotal += (await StepAsync(options, stack, injection, kamailioPort, 20, 3)).Connected;
        foreach (var rate in rates)
        {
            sampler.Phase = $"calls@{rate}";
            Console.WriteLine($"==> calls at {rate}/s for {seconds} s");
            var step = await StepAsync(options, stack, injection, kamailioPort, rate, seconds);
            result.SipSteps.Add(step);
            connectedTotal += step.Connected;
            Console.WriteLine($"    connected {step.Connected}/{step.Offered} ({step.ConnectedRatio:P1}), {step.ConnectedPerSecond:0} calls/s, " +
                              $"route p99 {step.RouteP99Ms} ms, answer p99 {step.AnswerP99Ms} ms");
        }
        // Every connected call is one completed row. The edge attributes and stores calls in the background, behind the
        // phone; how fast it drains is its own capacity figure, so wait (bounded) for all of them.
        var offeredFor = firstCall.Elapsed.TotalSeconds;
        var stored = 0L;
        var deadline = DateTime.UtcNow.AddSeconds(options.Quick ? 150 : 420);
        while (DateTime.UtcNow < deadline)
        {
            stored = long.Parse((await client.QueryAsync(stack.ClickHouseUrl, stack.Database,
                "SELECT count() FROM calls FINAL WHERE provider = 'sip' AND status = 'completed' AND answered"))[0][0]);
            if (stored >= connectedTotal) break;
            await Task.Delay(500);
        }
        var rows = long.Parse((await client.QueryAsync(stack.ClickHouseUrl, stack.Database, "SELECT count() FROM calls FINAL WHERE provider = 'sip'"))[0][0]);
        result.Settings["sipCallsConnected"] = connectedTotal;
        result.Settings["sipCallsStoredCompleted"] = stored;
        result.Settings["sipCallsSecondsOffered"] = Math.Round(offeredFor, 1);
        result.Settings["sipCallsSecondsUntilStored"] = Math.Round(firstCall.Elapsed.TotalSeconds, 1);
        // Attribution and storage throughput: every call stored, over the time from the first call to the last row.
        result.Settings["sipCallsStoredPerSecond"] = Math.Round(stored / firstCall.Elapsed.TotalSeconds, 1);
        result.Settings["sipCallRows"] = rows;
        result.Targets.Add(new("SIP calls stored once each (completed, answered rows ÷ connected calls)", "100%",
            $"{stored} rows of {connectedTotal} calls ({rows} rows in all)", stored == connectedTotal && rows == connectedTotal, ""));
        await sampler.DisposeAsync();
        result.Resources = sampler.Samples.GroupBy(s => (s.Phase, s.Process))
            .Select(g => new ResourceResult(g.Key.Phase, g.Key.Process, Math.Round(g.Average(s => s.CpuPercent), 1), Math.Round(g.Max(s => s.CpuPercent), 1), Math.Round(g.Max(s => s.RssMb), 1)))
            .ToList();
    }

    private static string Scenario(RunOptions options, string name) => Path.Combine(options.RepoRoot, "telephony", "sipp", name);

    /// <summary>Offers <paramref name="rate"/> calls a second for <paramref name="seconds"/>, each talking <see cref="TalkMs"/>; waits for all to end.</summary>
    private static async Task<SipStepResult> StepAsync(RunOptions options, Stack stack, string injection, int kamailioPort, int rate, int seconds)
    {
        var directory = Path.Combine(stack.RunDirectory, $"sipp-{rate}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var offered = rate * seconds;
        var psi = new ProcessStartInfo("sipp") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "-sf", Scenario(options, "caller.xml"), "-inf", injection, "-d", TalkMs.ToString(), "-i", "127.0.0.1", "-p", Stack.FreePort().ToString(),
            $"127.0.0.1:{kamailioPort}", "-r", rate.ToString(), "-m", offered.ToString(), "-l", (rate * 5).ToString(),
            "-default_behaviors", "all,-abortunexp", "-recv_timeout", "15000", "-nostdin", "-trace_err", "-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-stf", "stat.csv", "-timeout", $"{seconds + 60}s",
        })
            psi.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        // Calls were offered for `seconds`; the last ones then talked for TalkMs before SIPp could stop.
        var offering = Math.Max(1, clock.Elapsed.TotalSeconds - TalkMs / 1000.0);

        var stat = File.ReadAllLines(Path.Combine(directory, "stat.csv"));
        var header = stat[0].Split(';');
        var last = stat[^1].Split(';');
        int Column(string name) => int.Parse(last[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
        var connected = Column("SuccessfulCall(C)");
        var failed = Column("FailedCall(C)");
        var rtt = Directory.GetFiles(directory, "*_rtt.csv").SelectMany(File.ReadLines).Skip(1)
            .Select(l => l.Split(';')).Where(p => p.Length >= 3)
            .Select(p => (Ms: double.Parse(p[1], CultureInfo.InvariantCulture), Counter: p[2].Trim())).ToList();
        var route = rtt.Where(r => r.Counter == "1").Select(r => r.Ms).Order().ToArray();
        var answer = rtt.Where(r => r.Counter == "2").Select(r => r.Ms).Order().ToArray();
        var errors = Directory.GetFiles(directory, "*_errors.log").SelectMany(File.ReadLines)
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"(Aborting call.*?received '[^\r\n']{0,40}|Call-Id.*?timed out.*|[A-Z][a-z]+ call .*)").Value)
            .Where(l => l.Length > 0).Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"Call-Id '[^']*'", "Call-Id …"))
            .GroupBy(l => l).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Count()}× {g.Key}").ToList();
        return new SipStepResult(rate, offered, connected, failed,
            Math.Round(connected / offering, 1), Math.Round((double)connected / offered, 4),
            Percentile(route, 50), Percentile(route, 99), Percentile(answer, 50), Percentile(answer, 99), answer.Length == 0 ? 0 : answer[^1]) { Errors = errors };
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
