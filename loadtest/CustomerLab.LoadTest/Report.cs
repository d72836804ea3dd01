using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CustomerLab.LoadTest;

/// <summary>Writes <c>{name}.json</c>, <c>{name}.md</c> and the PNG charts under the results directory.</summary>
internal static class Report
{
    public static void Write(RunOptions options, RunResult result)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var name = options.Name;
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        File.WriteAllText(Path.Combine(options.OutputDirectory, name + ".json"), json);
        var charts = Charts.Write(options.OutputDirectory, name, result);
        var md = Markdown(options, result, charts);
        File.WriteAllText(Path.Combine(options.OutputDirectory, name + ".md"), md);
        Console.WriteLine();
        Console.WriteLine(md);
    }

    private static string F(double x, string format = "0.##") => x.ToString(format, CultureInfo.InvariantCulture);

    public static string Markdown(RunOptions options, RunResult r, IReadOnlyList<string> charts)
    {
        var sb = new StringBuilder();
        var command = "loadtest/run.sh " + (options.Command == "full" ? "" : options.Command + " " + (options.FaultKind ?? "")).Trim() + (options.Quick ? " --quick" : "");
        sb.AppendLine($"# Load test: {r.Command}");
        sb.AppendLine();
        sb.AppendLine($"`{command.Replace("  ", " ")}` · {r.StartedAt:yyyy-MM-dd HH:mm} UTC · {r.TotalSeconds} s · {r.Machine}; generator, servers and edge share the machine (loopback); load average at start {r.Settings.GetValueOrDefault("loadAverageAtStart")}, at end {r.Settings.GetValueOrDefault("loadAverageAtEnd")}.");
        sb.AppendLine();
        if (r.Targets.Count > 0)
        {
            sb.AppendLine("| target | bar | measured | result | margin |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var t in r.Targets) sb.AppendLine($"| {t.Target} | {t.Bar} | {t.Measured} | {(t.Pass ? "pass" : "**miss**")} | {t.Margin} |");
            sb.AppendLine();
        }
        if (r.Endpoints.Count > 0)
        {
            sb.AppendLine("| phase | endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | answers |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var e in r.Endpoints)
                sb.AppendLine($"| {e.Phase} | {e.Endpoint} | {e.Requests} | {F(e.RequestsPerSecond, "0")} | {F(e.P50Ms)} | {F(e.P90Ms)} | {F(e.P99Ms)} | {F(e.P999Ms)} | {e.Errors} | {string.Join(", ", e.Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))} |");
            sb.AppendLine();
        }
        if (r.Endpoints.Where(e => e.SendLatenessP99Ms is not null).ToList() is { Count: > 0 } open)
            sb.AppendLine("Open-loop phases: the generator sent each request at most this late after it was due, at p99 (its own error, included in the " +
                "latency above): " + string.Join(", ", open.Select(e => $"{e.Phase} {F(e.SendLatenessP99Ms!.Value)} ms")) + ".").AppendLine();
        if (r.SipSteps.Count > 0)
        {
            sb.AppendLine("| offered calls/s | offered | connected | failed | connected ÷ offered | connected calls/s | route p50 ms | route p99 ms | answer p50 ms | answer p99 ms | answer max ms |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var s in r.SipSteps)
                sb.AppendLine($"| {s.OfferedPerSecond} | {s.Offered} | {s.Connected} | {s.Failed} | {F(s.ConnectedRatio * 100, "0.##")}% | {F(s.ConnectedPerSecond, "0")} | {F(s.RouteP50Ms)} | {F(s.RouteP99Ms)} | {F(s.AnswerP50Ms)} | {F(s.AnswerP99Ms)} | {F(s.AnswerMaxMs)} |");
            sb.AppendLine();
            foreach (var s in r.SipSteps.Where(s => s.Errors.Count > 0))
                sb.AppendLine($"- SIPp's error log at {s.OfferedPerSecond}/s: {string.Join("; ", s.Errors)}");
            sb.AppendLine();
            sb.AppendLine($"Stored: {r.Settings.GetValueOrDefault("sipCallsStoredCompleted")} of {r.Settings.GetValueOrDefault("sipCallsConnected")} connected calls as completed rows, " +
                          $"{r.Settings.GetValueOrDefault("sipCallsSecondsUntilStored")} s after the first call (calls offered for {r.Settings.GetValueOrDefault("sipCallsSecondsOffered")} s): " +
                          $"{r.Settings.GetValueOrDefault("sipCallsStoredPerSecond")} calls attributed and stored a second, behind the phone.");
            sb.AppendLine();
            sb.AppendLine("Route: SIPp's INVITE → 100 Trying, which Kamailio sends once the edge has answered where the call goes (SIPp counts whole milliseconds). " +
                          "Answer: INVITE → 200 OK from a business that answers at once (the post-dial delay this setup adds).");
            sb.AppendLine();
        }
        if (r.Ratios.Count > 0)
            sb.AppendLine("Ratios to the bare Kestrel baseline (closed loop, same generator, same run): " + string.Join(", ", r.Ratios.Select(x => $"{x.Key} = {F(x.Value * 100, "0.#")}%")) + ".").AppendLine();
        foreach (var (label, m) in new[] { ("Visitor model", r.Model), ("Visitor model through nginx (2 edges)", r.NginxModel) })
        {
            if (m is null) continue;
            sb.AppendLine($"**{label}.** {m.Sessions} sessions ({m.SessionsPaid} paid), {m.PageviewsSent} pageviews sent, {m.PageviewsAcked} acknowledged; " +
                $"{m.Calls} calls, attributed to the true session: {m.CallsCorrect} ({F(m.Accuracy)}%); outcomes: {string.Join(", ", m.CallOutcomes.Select(o => $"{o.Key} {o.Value}"))}; " +
                $"calls rows in ClickHouse with the true session: {m.CallsStoredWithRightSession}. Default-number answers: {m.DefaultAnswers} ({string.Join(", ", m.DefaultReasons.Select(o => $"{o.Key} {o.Value}"))}); accuracy over calls to tracking numbers only: {F(m.AccuracyOfCallsToTrackingNumbers)}%. " +
                $"Invariant violations: number shared by two live sessions {m.InvariantViolationsSharedNumber}, session with two numbers {m.InvariantViolationsTwoNumbers}. " +
                $"Ingest freshness (sent → queryable, {m.FreshnessSamples} events): p50 {F(m.FreshnessP50Ms, "0")} ms, p95 {F(m.FreshnessP95Ms, "0")} ms" +
                (m.FreshnessNeverSeen > 0 ? $", {m.FreshnessNeverSeen} not seen within the wait" : "") + ".");
            sb.AppendLine();
            if (m.OutcomesByTiming is { Count: > 0 })
            {
                sb.AppendLine($"Calls by when they were placed (grace window {r.Settings.GetValueOrDefault("graceMinutes")} min; `correct_ambiguous`: the number changed hands inside the grace window and the call names the true session among its candidates):");
                sb.AppendLine();
                sb.AppendLine("| calls placed | outcomes |");
                sb.AppendLine("|---|---|");
                foreach (var (timing, byOutcome) in m.OutcomesByTiming.OrderBy(t => t.Key))
                    sb.AppendLine($"| {timing} | {string.Join(", ", byOutcome.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))} |");
                sb.AppendLine();
            }
            sb.AppendLine("| pool | size (model's recommendation) | peak demand (edge) | edge's recommended size at end |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var (pool, size) in m.PoolSizes)
                sb.AppendLine($"| {pool} | {size} | {m.PoolPeakDemand.GetValueOrDefault(pool)} | {m.PoolRecommendedAtEnd.GetValueOrDefault(pool)} |");
            sb.AppendLine();
        }
        foreach (var f in r.Faults)
        {
            sb.AppendLine($"**Fault {f.Fault}.** {f.Timeline}.");
            sb.AppendLine();
            sb.AppendLine("| sent | acknowledged (202) | stored (FINAL) | acknowledged and stored | lost | duplicated | raw rows before dedup | stored, not acknowledged | drain s |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
            sb.AppendLine($"| {f.Sent} | {f.Acknowledged} | {f.Stored} | {f.StoredAcknowledged} | {f.Lost} | {f.Duplicated} | {f.RawRowsBeforeDedup} | {f.StoredNotAcknowledged} | {F(f.DrainSeconds)} |");
            sb.AppendLine();
            sb.AppendLine($"Collect answers: {string.Join(", ", f.CollectOutcomes.Select(o => $"{o.Key} {o.Value}"))}. /v1/number answers: {string.Join(", ", f.NumberOutcomes.Select(o => $"{o.Key} {o.Value}"))}.");
            if (r.Settings.TryGetValue("faultDefaultAnswersAfter", out var defaultsAfter))
                sb.AppendLine($"After the fault: {defaultsAfter} default-number answers, the last {r.Settings.GetValueOrDefault("faultLastDefaultSecondsAfter")} s after it ({r.Settings.GetValueOrDefault("faultDefaultsAfterByReason")}); " +
                              $"numbers live in two sessions: {r.Settings.GetValueOrDefault("faultNumbersLiveInTwoSessions")}; slowest /v1/number: {r.Settings.GetValueOrDefault("faultSlowestNumberMs")} ms.");
            if (r.Settings.ContainsKey("faultNumberDuringCount"))
                sb.AppendLine($"/v1/number while the fault lasted: {r.Settings["faultNumberDuringCount"]} answers, p99 {r.Settings["faultNumberDuringP99Ms"]} ms, slowest {r.Settings["faultNumberDuringSlowest"]}. " +
                              $"After it ended: {r.Settings["faultNumberAfterCount"]} answers, p99 {r.Settings["faultNumberAfterP99Ms"]} ms, slowest {r.Settings["faultNumberAfterSlowest"]}; " +
                              $"first tracking answer {r.Settings["faultRecoverySeconds"]} s after the fault ended; redis_unavailable answers after it: {r.Settings["faultUnavailableAfter"]}. " +
                              $"Slowest /v1/collect while the fault lasted: {r.Settings["faultCollectDuringSlowestMs"]} ms.");
            sb.AppendLine();
        }
        if (r.Resources.Count > 0)
        {
            sb.AppendLine("| phase | process | CPU avg % | CPU max % | RSS max MB |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var x in r.Resources) sb.AppendLine($"| {x.Phase} | {x.Process} | {F(x.AvgCpuPercent, "0")} | {F(x.MaxCpuPercent, "0")} | {F(x.MaxRssMb, "0")} |");
            sb.AppendLine();
            sb.AppendLine("CPU: 100% = one core of 2.");
            sb.AppendLine();
        }
        foreach (var n in r.Notes) sb.AppendLine("- " + n);
        if (r.Notes.Count > 0) sb.AppendLine();
        foreach (var c in charts) sb.AppendLine($"![{c}]({c})");
        return sb.ToString();
    }
}

internal static class Charts
{
    public static IReadOnlyList<string> Write(string directory, string name, RunResult result)
    {
        var files = new List<string>();
        var runStart = result.StartedAt;
        var endpoints = result.Endpoints.Where(e => e.PerSecond.Count > 0).ToList();
        if (endpoints.Count > 0)
        {
            var latency = new ScottPlot.Plot();
            var throughput = new ScottPlot.Plot();
            foreach (var e in endpoints)
            {
                var xs = e.PerSecond.Select(p => (double)p.Second).ToArray();
                var l = latency.Add.Scatter(xs, e.PerSecond.Select(p => p.P99Ms).ToArray());
                l.LegendText = $"{e.Phase} p99";
                var t = throughput.Add.Scatter(xs, e.PerSecond.Select(p => (double)p.Count).ToArray());
                t.LegendText = e.Phase;
            }
            latency.Title("Latency over time: p99 per second, by phase");
            latency.XLabel("seconds into the phase");
            latency.YLabel("p99 latency (ms)");
            latency.ShowLegend(ScottPlot.Edge.Right);
            throughput.Title("Throughput per second, by phase");
            throughput.XLabel("seconds into the phase");
            throughput.YLabel("requests / s");
            throughput.ShowLegend(ScottPlot.Edge.Right);
            latency.SavePng(Path.Combine(directory, $"{name}-latency.png"), 1000, 500);
            throughput.SavePng(Path.Combine(directory, $"{name}-throughput.png"), 1000, 500);
            files.Add($"{name}-latency.png");
            files.Add($"{name}-throughput.png");
        }
        var pools = (result.Model?.PoolSeries ?? []).Concat(result.NginxModel?.PoolSeries ?? []).ToList();
        if (pools.Count > 0)
        {
            var plot = new ScottPlot.Plot();
            foreach (var g in pools.GroupBy(p => $"{p.Site}/{p.Pool}"))
            {
                var s = plot.Add.Scatter(g.Select(p => p.T).ToArray(), g.Select(p => p.Size == 0 ? 0 : 100.0 * p.Leased / p.Size).ToArray());
                s.LegendText = g.Key;
            }
            plot.Title("Pool utilisation (leased ÷ size) during the visitor model");
            plot.XLabel("seconds into the model");
            plot.YLabel("utilisation (%)");
            plot.ShowLegend(ScottPlot.Edge.Right);
            plot.SavePng(Path.Combine(directory, $"{name}-pools.png"), 1000, 500);
            files.Add($"{name}-pools.png");
        }
        return files;
    }
}
