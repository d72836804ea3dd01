namespace CustomerLab.LoadTest;

/// <summary>Two edges behind nginx on loopback, one Redis, one ClickHouse: throughput beside one edge; invariants and accuracy hold.</summary>
internal static class Nginx
{
    public static async Task RunAsync(RunOptions options, Stack stack, EdgeClient client, BenchSite bench, NumberPlan plan, ModelOptions model,
        RunResult result, ResourceSampler sampler, Func<string, Func<Task<EndpointStats>>, Task<EndpointStats>> phase,
        int concurrency, TimeSpan warmup, TimeSpan serverWarmup, TimeSpan duration, EndpointStats baseline)
    {
        Console.WriteLine("==> second edge and nginx");
        await stack.StartEdgeAsync(1);
        await stack.StartNginxAsync();
        var url = $"http://127.0.0.1:{stack.NginxPort}";
        // The second edge starts cold: warm both through nginx, as the first one was warmed before its phases.
        await Bench.WarmUpAsync(client, null, url, bench, concurrency, serverWarmup);
        var number = await phase("nginx number", () => Bench.NumberClosedAsync(client, url, bench, "nginx number", concurrency, warmup, duration));
        var collect = await phase("nginx collect", () => Bench.CollectClosedAsync(client, url, bench, "nginx collect", concurrency, warmup, duration));
        result.Ratios["nginx number/baseline"] = Math.Round(number.RequestsPerSecond / baseline.RequestsPerSecond, 3);
        result.Ratios["nginx collect/baseline"] = Math.Round(collect.RequestsPerSecond / baseline.RequestsPerSecond, 3);
        sampler.Phase = "nginx model";
        Console.WriteLine("==> visitor model through nginx");
        var visitors = new VisitorModel(model, url, stack, new EdgeClient(512));
        await visitors.SetUpAsync(plan);
        result.NginxModel = await visitors.RunAsync();
        Console.WriteLine($"    {result.NginxModel.Calls} calls, accuracy {result.NginxModel.Accuracy}%");
        result.Notes.Add("nginx: both edges and nginx share the same 2 cores as the generator, so two edges cannot be faster than one here; the run shows the mode works and what the proxy hop costs.");
    }
}
