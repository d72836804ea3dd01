namespace CustomerLab.LoadTest;

internal sealed record ResourceResult(string Phase, string Process, double AvgCpuPercent, double MaxCpuPercent, double MaxRssMb);

internal sealed record TargetResult(string Target, string Bar, string Measured, bool Pass, string Margin);

internal sealed record FaultResult(string Fault, string Timeline, long Sent, long Acknowledged, long Stored, long StoredAcknowledged, long Lost,
    long Duplicated, long RawRowsBeforeDedup, long StoredNotAcknowledged, Dictionary<string, long> CollectOutcomes, Dictionary<string, long> NumberOutcomes,
    double DrainSeconds);

internal sealed class RunResult
{
    public string Command { get; set; } = "";
    public bool Quick { get; set; }
    public DateTime StartedAt { get; set; } = DateTime.UtcNow;
    public double TotalSeconds { get; set; }
    public string Machine { get; set; } = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
    public Dictionary<string, object> Settings { get; set; } = [];
    public List<EndpointResult> Endpoints { get; set; } = [];
    public Dictionary<string, double> Ratios { get; set; } = [];
    public ModelResult? Model { get; set; }
    public ModelResult? NginxModel { get; set; }
    public List<ResourceResult> Resources { get; set; } = [];
    public List<FaultResult> Faults { get; set; } = [];
    public List<TargetResult> Targets { get; set; } = [];
    public List<string> Notes { get; set; } = [];
    public List<SipStepResult> SipSteps { get; set; } = [];
}

/// <summary>Runs one command: starts the servers it needs, drives them, stops them.</summary>
internal static class Runner
{
    public static async Task<RunResult> RunAsync(RunOptions options)
    {
        var started = DateTime.UtcNow;
        var result = new RunResult { Command = options.Name, Quick = options.Quick };
        var quick = options.Quick;
        var phase = TimeSpan.FromSeconds(quick ? 5 : 20);
        var warmup = TimeSpan.FromSeconds(quick ? 2 : 5);
        // A service is measured running, not starting: the JIT takes the edge's hot paths to their optimised tier only
        // after some seconds of traffic (profiled: in a 2 s warm-up, a fifth of the edge's CPU went to the JIT).
        var serverWarmup = TimeSpan.FromSeconds(quick ? 8 : 15);
        const int Concurrency = 32; // connections of the closed-loop generator
        result.Settings["closedLoopConnections"] = Concurrency;
        result.Settings["phaseSeconds"] = phase.TotalSeconds;
        result.Settings["warmupSeconds"] = warmup.TotalSeconds;
        result.Settings["serverWarmupSeconds"] = serverWarmup.TotalSeconds;
        result.Settings["graceMinutes"] = options.GraceMinutes;
        // The machine is shared: its load average says how much the figures can be trusted.
        result.Settings["loadAverageAtStart"] = File.ReadAllText("/proc/loadavg").Trim();

        await using var stack = new Stack(options);
        if (options.Command == "calls")
        {
            using var admin = new EdgeClient(8);
            await SipCalls.RunAsync(options, stack, admin, result);
            Evaluate(result);
            result.TotalSeconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
            return result;
        }
        if (options.Command == "fault")
        {
            result.Faults.Add(await Faults.RunAsync(options, stack, result));
            Evaluate(result);
            result.TotalSeconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
            return result;
        }

        var model = new ModelOptions(Sites: 3, ArrivalsPerSecondPerSite: quick ? 3 : 5, ArrivalSeconds: quick ? 45 : 150, PaidShare: 0.4,
            CallShare: 0.3, MeanPages: 4, MinGapSeconds: 2, MaxGapSeconds: 6, FullLoadShare: 0.5, HoldMinutes: 1, GraceMinutes: options.GraceMinutes);
        if (options.Command == "model")
        {
            // The visitor model alone: attribution accuracy and the pool invariants, without the throughput phases.
            result.Settings["model"] = model;
            await stack.StartClickHouseAsync();
            await stack.StartRedisAsync();
            var port = await stack.StartEdgeAsync(0);
            Console.WriteLine($"==> visitor model ({model.ArrivalSeconds} s of arrivals at {model.ArrivalsPerSecondPerSite * model.Sites}/s)");
            var alone = new VisitorModel(model, $"http://127.0.0.1:{port}", stack, new EdgeClient(512));
            await alone.SetUpAsync(new NumberPlan());
            result.Model = await alone.RunAsync();
            Console.WriteLine($"    {result.Model.Calls} calls, accuracy {result.Model.Accuracy}%");
            Evaluate(result);
            result.Settings["loadAverageAtEnd"] = File.ReadAllText("/proc/loadavg").Trim();
            result.TotalSeconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
            return result;
        }

        using var client = new EdgeClient(256);
        Console.WriteLine($"==> servers (ClickHouse host, redis-server, edge, baseline) in {stack.RunDirectory}");
        var needsEdge = options.Command != "baseline";
        if (needsEdge)
        {
            await stack.StartClickHouseAsync();
            await stack.StartRedisAsync();
            await stack.StartEdgeAsync(0);
        }
        await stack.StartBaselineAsync();
        // The edges and the baseline, and what else takes the cores: the ClickHouse host, Redis, nginx.
        await using var sampler = new ResourceSampler(() => stack.Edges.Select(e => e.Process).Append(stack.Baseline!)
            .Concat(new[] { stack.ClickHouse, stack.Redis, stack.Nginx }.OfType<ManagedProcess>()));
        var edgeUrl = needsEdge ? $"http://127.0.0.1:{stack.Edges[0].Port}" : "";
        var plan = new NumberPlan();
        var bench = needsEdge ? await Bench.SetUpAsync(client, edgeUrl, plan) : null;
        var newVisitors = options.Command is "new" or "full";
        // The new-visitor pool is sized so the phases below never run it dry (at most about 85% of it is leased).
        var bigPool = quick ? 30_000 : 80_000;
        if (newVisitors)
        {
            result.Settings["newVisitorPoolSize"] = bigPool;
            await NewVisitors.SetUpAsync(client, edgeUrl, plan, bigPool);
        }

        async Task<EndpointStats> Phase(string name, Func<Task<EndpointStats>> run)
        {
            sampler.Phase = name;
            Console.WriteLine($"==> {name}");
            var stats = await run();
            result.Endpoints.Add(stats.ToResult());
            Console.WriteLine($"    {stats.Requests} requests, {stats.RequestsPerSecond:0} req/s, p50 {stats.Ms(50):0.00} ms, p99 {stats.Ms(99):0.00} ms, errors {stats.Errors}");
            return stats;
        }

        await Bench.WarmUpAsync(client, stack, needsEdge ? edgeUrl : null, bench, Concurrency, serverWarmup);
        var baseline = await Phase("baseline", () => Bench.BaselineClosedAsync(client, stack, Concurrency, warmup, phase));
        if (newVisitors)
        {
            // Every request a cookie-less visitor: the assignment path, not the heartbeat.
            var fresh = await Phase("new", () => NewVisitors.NewClosedAsync(client, edgeUrl, "new", Concurrency, warmup, phase, bigPool / 2));
            result.Ratios["new/baseline"] = Math.Round(fresh.RequestsPerSecond / baseline.RequestsPerSecond, 3);
            var halfNew = fresh.RequestsPerSecond / 2;
            await Phase("new@half", () => NewVisitors.NewOpenAsync(client, edgeUrl, "new@half", halfNew, phase));
            await Phase("baseline@new-half", () => Bench.BaselineOpenAsync(client, stack, halfNew, phase, "baseline@new-half"));
            var burst = await Phase("burst", () => NewVisitors.BurstAsync(client, edgeUrl));
            result.Settings["burstLeasedAfter"] = await NewVisitors.LeasedAsync(client, edgeUrl, NewVisitors.BurstSite);
            var exhausted = await Phase("exhausted", () => NewVisitors.ExhaustedClosedAsync(client, edgeUrl, Concurrency, warmup, phase));
            result.Ratios["exhausted/baseline"] = Math.Round(exhausted.RequestsPerSecond / baseline.RequestsPerSecond, 3);
        }
        if (options.Command is "number" or "full" or "nginx")
        {
            var number = await Phase("number", () => Bench.NumberClosedAsync(client, edgeUrl, bench!, "number", Concurrency, warmup, phase));
            result.Ratios["number/baseline"] = Math.Round(number.RequestsPerSecond / baseline.RequestsPerSecond, 3);
            // How the renewals were answered: from the signed lease cookie, or by Redis (the edge's /metrics).
            foreach (var (by, count) in await RenewalsByAnswerAsync(client, edgeUrl))
                result.Settings[$"renewalsAnsweredBy_{by}"] = count;
            var half = number.RequestsPerSecond / 2;
            result.Settings["halfRateRequestsPerSecond"] = Math.Round(half);
            await Phase("number@half", () => Bench.NumberOpenAsync(client, edgeUrl, bench!, "number@half", half, phase));
            await Phase("baseline@half", () => Bench.BaselineOpenAsync(client, stack, half, phase));
        }
        if (options.Command is "voice" or "full")
        {
            // Twilio's voice webhook. First at a fixed rate of new calls (the target's), after a warm-up at that rate,
            // while the edge's background attribution keeps up; then its throughput beside the baseline's, and its p99 at
            // half that rate (every call also queues its attribution, so those phases measure the edge with a backlog).
            var numbers = await VoiceBench.SetUpAsync(client, edgeUrl, plan);
            var rate = VoiceBench.TargetRate;
            result.Settings["voiceTargetRequestsPerSecond"] = rate;
            await VoiceBench.OpenAsync(client, edgeUrl, numbers, rate, warmup, "voice warm-up"); // this path's own warm-up
            var voiceTarget = await Phase("voice@target", () => VoiceBench.OpenAsync(client, edgeUrl, numbers, rate, phase, "voice@target"));
            var baselineTarget = await Phase("baseline@voice-target", () => Bench.BaselineOpenAsync(client, stack, rate, phase, "baseline@voice-target"));
            result.Settings["voiceP99OverBaselineP99AtTarget"] = Math.Round(voiceTarget.Ms(99) / baselineTarget.Ms(99), 2);
            var voice = await Phase("voice", () => VoiceBench.ClosedAsync(client, edgeUrl, numbers, Concurrency, warmup, phase));
            result.Ratios["voice/baseline"] = Math.Round(voice.RequestsPerSecond / baseline.RequestsPerSecond, 3);
            var half = voice.RequestsPerSecond / 2;
            result.Settings["voiceHalfRateRequestsPerSecond"] = Math.Round(half);
            var voiceHalf = await Phase("voice@half", () => VoiceBench.OpenAsync(client, edgeUrl, numbers, half, phase, "voice@half"));
            var baselineHalf = await Phase("baseline@voice-half", () => Bench.BaselineOpenAsync(client, stack, half, phase, "baseline@voice-half"));
            result.Settings["voiceP99OverBaselineP99AtHalf"] = Math.Round(voiceHalf.Ms(99) / baselineHalf.Ms(99), 2);
        }
        if (options.Command is "signin")
        {
            // Tag traffic must not starve behind password hashing: /v1/number's rate beside a sign-in flood, over its rate
            // alone, measured back to back with the same generator.
            var alone = await Phase("number-alone", () => Bench.NumberClosedAsync(client, edgeUrl, bench!, "number-alone", Concurrency, warmup, phase));
            var flood = SignInBench.FloodAsync(client, edgeUrl, Concurrency, warmup + phase);
            var during = await Phase("number+signin-flood", () => Bench.NumberClosedAsync(client, edgeUrl, bench!, "number+signin-flood", Concurrency, warmup, phase));
            var floodStats = await flood;
            result.Endpoints.Add(floodStats.ToResult());
            Console.WriteLine($"    sign-in flood: {floodStats.Requests} requests, {floodStats.RequestsPerSecond:0} req/s, errors {floodStats.Errors}");
            result.Ratios["number-during-signin-flood/number-alone"] = Math.Round(during.RequestsPerSecond / alone.RequestsPerSecond, 3);
        }
        if (options.Command is "collect" or "full" or "nginx")
        {
            var commitsBefore = await SpoolCommitsAsync(client, edgeUrl);
            var collect = await Phase("collect", () => Bench.CollectClosedAsync(client, edgeUrl, bench!, "collect", Concurrency, warmup, phase));
            result.Ratios["collect/baseline"] = Math.Round(collect.RequestsPerSecond / baseline.RequestsPerSecond, 3);
            // Group commits (one fdatasync each) during the phase and its warm-up, from the edge's /metrics.
            var commitsAfter = await SpoolCommitsAsync(client, edgeUrl);
            var commits = commitsAfter.Commits - commitsBefore.Commits;
            result.Settings["collectSpoolCommitsPerSecond"] = Math.Round(commits / (phase + warmup).TotalSeconds);
            result.Settings["collectEventsPerSpoolCommit"] = commits == 0 ? 0 : Math.Round((collect.Requests + collect.RequestsPerSecond * warmup.TotalSeconds) / commits, 1);
            result.Settings["collectBytesPerSpoolCommit"] = commits == 0 ? 0 : Math.Round((commitsAfter.Bytes - commitsBefore.Bytes) / commits);
        }
        if (options.Command is "full" or "nginx") result.Settings["model"] = model;
        if (options.Command == "full")
        {
            sampler.Phase = "model";
            Console.WriteLine($"==> visitor model ({model.ArrivalSeconds} s of arrivals at {model.ArrivalsPerSecondPerSite * model.Sites}/s)");
            var visitors = new VisitorModel(model, edgeUrl, stack, new EdgeClient(512));
            await visitors.SetUpAsync(plan);
            result.Model = await visitors.RunAsync();
            Console.WriteLine($"    {result.Model.Calls} calls, accuracy {result.Model.Accuracy}%, freshness p95 {result.Model.FreshnessP95Ms} ms");
        }
        if (options.Command == "nginx")
        {
            await Nginx.RunAsync(options, stack, client, bench!, plan, model, result, sampler, Phase, Concurrency, warmup, serverWarmup, phase, baseline);
        }

        await sampler.DisposeAsync();
        result.Resources = sampler.Samples.GroupBy(s => (s.Phase, s.Process))
            .Select(g => new ResourceResult(g.Key.Phase, g.Key.Process, Math.Round(g.Average(s => s.CpuPercent), 1), Math.Round(g.Max(s => s.CpuPercent), 1), Math.Round(g.Max(s => s.RssMb), 1)))
            .ToList();
        Evaluate(result);
        result.Settings["loadAverageAtEnd"] = File.ReadAllText("/proc/loadavg").Trim();
        result.TotalSeconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
        return result;
    }

    /// <summary>The edge's renewal counter by <c>answered_by</c> (cookie, redis), from its Prometheus text.</summary>
    /// <summary>The spool's commits so far and the bytes they wrote (customerlab_spool_commits_total, customerlab_spool_commit_bytes).</summary>
    private static async Task<(double Commits, double Bytes)> SpoolCommitsAsync(EdgeClient client, string edgeUrl)
    {
        double commits = 0, bytes = 0;
        foreach (var line in (await client.GetTextAsync(edgeUrl + "/metrics")).Split('\n'))
        {
            var value = line.StartsWith('#') ? null : line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault();
            if (value is null || !double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var x)) continue;
            if (line.StartsWith("customerlab_spool_commits_total", StringComparison.Ordinal)) commits += x;
            else if (line.StartsWith("customerlab_spool_commit_bytes_sum", StringComparison.Ordinal)) bytes += x;
        }
        return (commits, bytes);
    }

    private static async Task<Dictionary<string, long>> RenewalsByAnswerAsync(EdgeClient client, string edgeUrl)
    {
        var counts = new Dictionary<string, long>();
        foreach (var line in (await client.GetTextAsync(edgeUrl + "/metrics")).Split('\n'))
        {
            if (!line.StartsWith("customerlab_number_renewals_total{", StringComparison.Ordinal)) continue;
            var by = System.Text.RegularExpressions.Regex.Match(line, "answered_by=\"([a-z]+)\"").Groups[1].Value;
            if (by.Length > 0 && double.TryParse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var value))
                counts[by] = (long)value;
        }
        return counts;
    }

    private static void Evaluate(RunResult result)
    {
        static string Pct(double x) => $"{x * 100:0.#}%";
        if (result.SipSteps.Count > 0)
        {
            var all = result.SipSteps;
            var lowest = all[0].AnswerP99Ms;
            // "Before post-dial delay grows": every call connected, and the answer's p99 within twice the lowest rate's (at least 10 ms more).
            var held = all.Where(s => s.ConnectedRatio >= 0.999 && s.AnswerP99Ms <= Math.Max(2 * lowest, lowest + 10)).ToList();
            result.Targets.Add(new("SIP calls connected ÷ offered, every rate", "100%", string.Join(" / ", all.Select(s => $"{s.OfferedPerSecond}/s {Pct(s.ConnectedRatio)}")),
                all.All(s => s.Connected == s.Offered), ""));
            result.Targets.Add(new("most calls/s before post-dial delay grows", "reported", held.Count == 0 ? "none" : $"{held.Max(s => s.ConnectedPerSecond):0} calls/s (offered {held.Max(s => s.OfferedPerSecond)}/s)", true, ""));
        }
        if (result.Ratios.TryGetValue("new/baseline", out var fresh))
            result.Targets.Add(new("/v1/number new visitors throughput ÷ baseline", "≥ 25%", Pct(fresh), fresh >= 0.25, $"{(fresh - 0.25) * 100:+0.#;-0.#} points"));
        if (result.Endpoints.FirstOrDefault(e => e.Phase == "new@half") is { } newHalf && result.Endpoints.FirstOrDefault(e => e.Phase == "baseline@new-half") is { } baseHalf)
        {
            var bar = 3 * baseHalf.P99Ms;
            result.Targets.Add(new($"/v1/number new visitors p99 at half that rate ({newHalf.RequestsPerSecond:0}/s)", $"≤ 3 × baseline's {baseHalf.P99Ms:0.00} ms",
                $"{newHalf.P99Ms:0.00} ms", newHalf.P99Ms <= bar, $"{bar - newHalf.P99Ms:+0.00;-0.00} ms"));
        }
        if (result.Endpoints.FirstOrDefault(e => e.Phase == "burst") is { } burst)
        {
            var assigned = burst.Outcomes.GetValueOrDefault("assigned");
            var unavailable = burst.Outcomes.GetValueOrDefault("default:redis_unavailable");
            var leased = result.Settings.TryGetValue("burstLeasedAfter", out var held) ? Convert.ToInt64(held) : -1;
            result.Targets.Add(new($"burst: {burst.Requests} visitors in 100 ms on a pool of 20, assigned", "= 20", assigned.ToString(), assigned == 20, ""));
            result.Targets.Add(new("burst: redis_unavailable on a healthy Redis", "0", unavailable.ToString(), unavailable == 0, ""));
            result.Targets.Add(new("burst: leases held afterwards = visitors told their number", $"= {assigned}", leased.ToString(), leased == assigned, ""));
        }
        if (result.Ratios.TryGetValue("number/baseline", out var n))
            result.Targets.Add(new("/v1/number renewals throughput ÷ baseline", "≥ 50%", Pct(n), n >= 0.5, $"{(n - 0.5) * 100:+0.#;-0.#} points"));
        if (result.Endpoints.FirstOrDefault(e => e.Phase == "number@half") is { } half && result.Endpoints.FirstOrDefault(e => e.Phase == "baseline@half") is { } baseAtHalf)
        {
            var bar = 3 * baseAtHalf.P99Ms;
            result.Targets.Add(new($"/v1/number renewals p99 at half that rate ({half.RequestsPerSecond:0}/s)", $"≤ 3 × baseline's {baseAtHalf.P99Ms:0.00} ms",
                $"{half.P99Ms:0.00} ms", half.P99Ms <= bar, $"{bar - half.P99Ms:+0.00;-0.00} ms"));
        }
        if (result.Endpoints.FirstOrDefault(e => e.Phase == "voice@target") is { } voice)
            result.Targets.Add(new($"Twilio voice webhook p99 at {voice.RequestsPerSecond:0} new calls/s", "≤ 20 ms", $"{voice.P99Ms:0.00} ms", voice.P99Ms <= 20, $"{20 - voice.P99Ms:+0.00;-0.00} ms"));
        if (result.Ratios.TryGetValue("number-during-signin-flood/number-alone", out var s))
            result.Targets.Add(new("/v1/number rate during a sign-in flood ÷ without", "≥ 80%", Pct(s), s >= 0.8, $"{(s - 0.8) * 100:+0.#;-0.#} points"));
        if (result.Ratios.TryGetValue("collect/baseline", out var c))
            result.Targets.Add(new("/v1/collect throughput ÷ baseline", "≥ 50%", Pct(c), c >= 0.5, $"{(c - 0.5) * 100:+0.#;-0.#} points"));
        foreach (var (label, model) in new[] { ("", result.Model), (" (2 edges + nginx)", result.NginxModel) })
        {
            if (model is null) continue;
            result.Targets.Add(new("attribution accuracy" + label, "≥ 99%", $"{model.Accuracy}% ({model.CallsCorrect}/{model.Calls})", model.Accuracy >= 99, $"{model.Accuracy - 99:+0.##;-0.##} points"));
            var violations = model.InvariantViolationsSharedNumber + model.InvariantViolationsTwoNumbers;
            result.Targets.Add(new("pool invariants" + label, "0 violations", violations.ToString(), violations == 0, violations == 0 ? "" : $"{violations} too many"));
        }
        var edgeRss = result.Resources.Where(r => r.Process.StartsWith("edge", StringComparison.Ordinal)).Select(r => r.MaxRssMb).DefaultIfEmpty(0).Max();
        if (edgeRss > 0)
            result.Targets.Add(new("edge RSS at full load", "< 300 MB", $"{edgeRss:0} MB", edgeRss < 300, $"{300 - edgeRss:+0;-0} MB"));
        foreach (var f in result.Faults)
        {
            result.Targets.Add(new($"fault {f.Fault}: acknowledged events lost / duplicated", "0 / 0", $"{f.Lost} / {f.Duplicated}", f.Lost == 0 && f.Duplicated == 0,
                f.Lost + f.Duplicated == 0 ? "" : $"{f.Lost} lost, {f.Duplicated} duplicated"));
            // Raw rows, before FINAL: a duplicate the deduplication token did not catch fails the run even if merges hide it.
            var rawExtra = f.RawRowsBeforeDedup - f.Stored;
            result.Targets.Add(new($"fault {f.Fault}: raw duplicate rows (no FINAL)", "0", rawExtra.ToString(), rawExtra == 0, rawExtra == 0 ? "" : $"{rawExtra} too many"));
            if (result.Settings.TryGetValue("faultNumbersLiveInTwoSessions", out var twoValue) && twoValue?.ToString() is { } two)
                result.Targets.Add(new($"fault {f.Fault}: numbers live in two sessions", "0", two, two == "0", two == "0" ? "" : $"{two} too many"));
            if (result.Settings.TryGetValue("faultCallsAcrossPlaced", out var acrossValue) && Convert.ToInt32(acrossValue) is var acrossPlaced and > 0)
            {
                var acrossRatio = Convert.ToDouble(result.Settings["faultCallsAcrossAttributedCorrectly"]) / acrossPlaced;
                result.Targets.Add(new($"fault {f.Fault}: calls across the fault attributed to the session shown the number", "≥ 99%",
                    $"{Pct(acrossRatio)} of {acrossPlaced}", acrossRatio >= 0.99, $"{(acrossRatio - 0.99) * 100:+0.#;-0.#} points"));
                var allRatio = Convert.ToDouble(result.Settings["faultCallsAttributedCorrectly"]) / Convert.ToDouble(result.Settings["faultCallsPlaced"]);
                result.Targets.Add(new($"fault {f.Fault}: every call of the run attributed to the session shown the number", "≥ 99%",
                    $"{Pct(allRatio)} of {result.Settings["faultCallsPlaced"]}", allRatio >= 0.99, $"{(allRatio - 0.99) * 100:+0.#;-0.#} points"));
            }
            if (f.Fault == "redis-hang" && result.Settings.TryGetValue("faultNumberDuringSlowestMs", out var slowestValue) && slowestValue?.ToString() is { } slowest)
            {
                result.Targets.Add(new($"fault {f.Fault}: slowest /v1/number while Redis hangs (bound 40 ms + the machine)", "≤ 100 ms", $"{slowest} ms", int.Parse(slowest) <= 100,
                    $"{100 - int.Parse(slowest):+0;-0} ms"));
                var recovery = double.Parse(result.Settings["faultRecoverySeconds"]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture);
                result.Targets.Add(new($"fault {f.Fault}: first tracking answer after SIGCONT", "≤ 1 s", $"{recovery:0.00} s", recovery <= 1,
                    $"{1 - recovery:+0.00;-0.00} s"));
                var collect = int.Parse(result.Settings["faultCollectDuringSlowestMs"]!.ToString()!);
                result.Targets.Add(new($"fault {f.Fault}: slowest /v1/collect while Redis hangs (Events:RedisTimeoutMs 500 + the machine)", "≤ 600 ms", $"{collect} ms", collect <= 600,
                    $"{600 - collect:+0;-0} ms"));
            }
        }
    }
}
