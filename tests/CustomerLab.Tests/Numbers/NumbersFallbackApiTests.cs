using System.Diagnostics;
using System.Net;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Numbers;

/// <summary><c>/v1/number</c> when Redis goes away: the default number with a reason, at once, never an error.</summary>
public sealed class NumbersFallbackApiTests(ClickHouseHostFixture clickHouse)
{
    private const string Page = "https://www.example.com/landing";

    [Fact]
    public async Task RedisDown_AnswersTheDefaultNumberWithAReason_WithoutWaitingForRedis()
    {
        await using var redis = new RedisServerProcess();
        await redis.StartAsync();
        await using var edge = new EdgeApplication(redis.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(RedisDown_AnswersTheDefaultNumberWithAReason_WithoutWaitingForRedis)));
        using var client = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2), defaultNumber: "+12025550199");
        Assert.Equal("assigned", (await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page))).GetProperty("status").GetString());

        await redis.StopAsync();
        var timings = new List<double>();
        var answers = new List<(HttpStatusCode Status, string? Reason, string? Number)>();
        for (var i = 0; i < 5; i++)
        {
            using var visitor = new EdgeClient(edge);
            var watch = Stopwatch.StartNew();
            var response = await visitor.RequestNumberAsync(site, Page);
            timings.Add(watch.Elapsed.TotalMilliseconds);
            var json = await EdgeClient.JsonAsync(response);
            answers.Add((response.StatusCode, json.GetProperty("reason").GetString(), json.GetProperty("number").GetString()));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"fallback answers: {string.Join(", ", timings.Select(t => $"{t:0.0} ms"))}");
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "redis_unavailable", "+12025550199"), a));
        // Not a speed benchmark: a check that the edge does not wait for Redis's 1 s command or 2 s connect timeouts.
        // The bound itself is Numbers:RedisTimeoutMs (40 ms); loadtest/ measures the latency.
        Assert.True(timings.Min() < 500, $"fallback answers took {string.Join(", ", timings.Select(t => $"{t:0} ms"))}");
    }
}
