using System.Net;
using System.Text.Json;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Health;

/// <summary><c>/healthz</c> and <c>/readyz</c> of the real edge against real servers.</summary>
public sealed class ReadinessTests(ClickHouseHostFixture clickHouse, RedisServerFixture sharedRedis)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_Is503NamingRedis_IfRedisIsStopped_AndRecovers()
    {
        await using var redis = new RedisServerProcess();
        await redis.StartAsync();
        await using var edge = new EdgeApplication(redis.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(Readyz_Is503NamingRedis_IfRedisIsStopped_AndRecovers)));
        using var http = edge.CreateClient();

        await Poll.UntilAsync(async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, Wait, "the edge to become ready");

        await redis.StopAsync();
        JsonElement body = default;
        await Poll.UntilAsync(async () =>
        {
            var response = await http.GetAsync("/readyz", Ct);
            body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, Wait, "/readyz to report the stopped Redis");
        Assert.Equal("not ready", body.GetProperty("status").GetString());
        Assert.Equal("down", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("clickhouse").GetProperty("status").GetString());

        // Liveness does not depend on the stores.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);

        await using var restarted = new RedisServerProcess(redis.Port);
        await restarted.StartAsync();
        await Poll.UntilAsync(async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, Wait, "/readyz after Redis came back");
    }

    [Fact]
    public async Task TheEdgeStopsCleanly_IfRedisHangsWhenItStops()
    {
        await using var redis = new RedisServerProcess();
        await redis.StartAsync();
        var edge = new EdgeApplication(redis.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(TheEdgeStopsCleanly_IfRedisHangsWhenItStops)));
        using (var http = edge.CreateClient())
            await Poll.UntilAsync(async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, Wait, "the edge to become ready");

        // A hung Redis answers nothing: the lease-generation subscription's UNSUBSCRIBE at stop times out (a closed
        // socket fails it the same way). Every hosted service still stops without throwing.
        redis.Pause();
        try
        {
            await edge.DisposeAsync();
        }
        finally
        {
            redis.Resume();
        }
    }

    [Fact]
    public async Task Readyz_Is503NamingClickHouse_IfNothingListensThere()
    {
        var deadPort = FreePort.Next();
        await using var edge = new EdgeApplication(sharedRedis.Server.Url, $"http://127.0.0.1:{deadPort}", "unused");
        using var http = edge.CreateClient();

        var response = await http.GetAsync("/readyz", Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("down", body.GetProperty("checks").GetProperty("clickhouse").GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_IsServed()
    {
        await using var edge = new EdgeApplication(sharedRedis.Server.Url, clickHouse.BaseUrl, "unused");
        using var http = edge.CreateClient();

        var json = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Ct)).RootElement;

        Assert.StartsWith("3.", json.GetProperty("openapi").GetString());
    }
}
