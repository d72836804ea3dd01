using System.Net;
using CustomerLab.Edge.Accounts;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CustomerLab.Tests.Record;

/// <summary>A redis-server of its own for tests that flush it (FLUSHALL would wipe the shared servers' other tests).</summary>
public sealed class FlushableRedis : IAsyncLifetime
{
    public RedisServerProcess Server { get; } = new();

    public async ValueTask InitializeAsync() => await Server.StartAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Wipes everything, as a restart without persistence or a flush by hand would.</summary>
    public async Task FlushAllAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{Server.Endpoint},allowAdmin=true");
        await admin.GetServer(Server.Endpoint).FlushAllDatabasesAsync();
    }
}

/// <summary>
/// Redis loses everything under running edges: sites, pools, users and the live lease come back from the record, once,
/// however many edges notice the loss at the same time.
/// </summary>
public sealed class RestoreTests(FlushableRedis redis, ClickHouseHostFixture clickHouse) : IClassFixture<FlushableRedis>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string RestoredLog = "Redis held nothing of the record";

    [Fact]
    public async Task FlushAll_UnderARunningEdge_BringsBackSitesPoolsUsersAndTheLiveLease()
    {
        var database = EdgeApplication.DatabaseFor(nameof(FlushAll_UnderARunningEdge_BringsBackSitesPoolsUsersAndTheLiveLease));
        await using var edge = new EdgeApplication(redis.Server.Url, clickHouse.BaseUrl, database);
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        string[] numbers = ["+12025550121", "+12025550122", "+12025550123"];
        await admin.CreateSiteAsync(site, numbers);
        await edge.Services.GetRequiredService<AccountStore>().SetAsync("analyst", "a-long-enough-password");
        using var holder = new EdgeClient(edge);
        var leased = await EdgeClient.JsonAsync(await holder.RequestNumberAsync(site, "https://www.example.com/"));
        Assert.Equal("assigned", leased.GetProperty("status").GetString());
        var number = leased.GetProperty("number").GetString();
        var restoresBefore = edge.Logs.Lines.Count(l => l.Contains(RestoredLog));

        await redis.FlushAllAsync();

        // The holder's next request (its cookies name the number and the lease's expiry) gets the same number back.
        var again = await EdgeClient.JsonAsync(await holder.RequestNumberAsync(site, "https://www.example.com/next"));
        Assert.Equal((number, "assigned"), (again.GetProperty("number").GetString(), again.GetProperty("status").GetString()));
        // A new visitor never gets a number whose lease may still be live: every other number is held back for one hold.
        using var newcomer = new EdgeClient(edge);
        var other = await EdgeClient.JsonAsync(await newcomer.RequestNumberAsync(site, "https://www.example.com/"));
        Assert.NotEqual(number, other.GetProperty("number").GetString());
        Assert.Equal("default", other.GetProperty("status").GetString());

        // The site and its pool are back, as the admin API and Redis show them; so is the user.
        var shown = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}"));
        var stats = shown.GetProperty("pools")[0].GetProperty("stats");
        Assert.Equal((3, 3), (stats.GetProperty("size").GetInt32(), stats.GetProperty("leasedNow").GetInt32()));
        Assert.True(await edge.Services.GetRequiredService<AccountStore>().VerifyAsync("analyst", "a-long-enough-password"));
        Assert.Equal(restoresBefore + 1, edge.Logs.Lines.Count(l => l.Contains(RestoredLog)));
    }

    [Fact]
    public async Task CallsAcrossTheLoss_AreAttributedToTheSessionThatHeldTheNumber()
    {
        await using var edge = new EdgeApplication(redis.Server.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(CallsAcrossTheLoss_AreAttributedToTheSessionThatHeldTheNumber)));
        using var holder = new EdgeClient(edge);
        var (site, number, session) = await LeaseRecordedAsync(edge, holder);

        await redis.FlushAllAsync();
        using var http = edge.CreateClient();
        async Task<(string? Status, string? Session)> CallAsync(string id)
        {
            var answer = await Calls.CallWebhooks.SendGenericAsync(http,
                new { provider = "acme", callId = id + Guid.NewGuid().ToString("N"), from = "+16175550123", to = number, status = "ringing", direction = "inbound", at = DateTimeOffset.UtcNow });
            var json = await EdgeClient.JsonAsync(answer);
            return (json.GetProperty("attribution").GetString(), json.TryGetProperty("sessionId", out var s) ? s.GetString() : null);
        }

        // Before anything noticed the loss: the number is missing from Redis's index; the call restores it and finds the
        // holder's lease in the history.
        Assert.Equal(("attributed", session), await CallAsync("before-"));
        // After the holder took its number back (a second lease row of the same session): still that session, not ambiguous.
        Assert.Equal(number, (await EdgeClient.JsonAsync(await holder.RequestNumberAsync(site, "https://www.example.com/next"))).GetProperty("number").GetString());
        Assert.Equal(("attributed", session), await CallAsync("after-"));
    }

    [Fact]
    public async Task ACallInProgress_KeepsItsStartAndAttribution_IfRedisLosesItsStateMidCall()
    {
        await using var edge = new EdgeApplication(redis.Server.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(ACallInProgress_KeepsItsStartAndAttribution_IfRedisLosesItsStateMidCall)));
        using var holder = new EdgeClient(edge);
        var (_, number, session) = await LeaseRecordedAsync(edge, holder);
        using var store = clickHouse.CreateClient(edge.Database);
        using var http = edge.CreateClient();
        var callId = "mid-call-" + Guid.NewGuid().ToString("N");
        var rang = DateTimeOffset.UtcNow;
        Task<HttpResponseMessage> EventAsync(string status, DateTimeOffset at, int? duration = null) => Calls.CallWebhooks.SendGenericAsync(http,
            new { provider = "acme", callId, from = "+16175550124", to = number, status, direction = "inbound", at, durationSeconds = duration });
        Assert.True((await EventAsync("ringing", rang)).IsSuccessStatusCode);

        // Redis forgets the call between its ringing and its end, 50 minutes later: past the lease and its grace window,
        // so attributing the call anew at its end would find nobody.
        await redis.FlushAllAsync();
        var ended = await EventAsync("completed", rang.AddMinutes(50), 2990);
        Assert.True(ended.IsSuccessStatusCode, await ended.Content.ReadAsStringAsync(Ct));

        // One call, with the start it rang at and the session that held the number then; no second row with the end as its start.
        using var reader = await store.ExecuteReaderAsync(
            $"SELECT toUnixTimestamp64Milli(started_at), status, attribution_status, session_id, duration_seconds FROM calls FINAL WHERE call_id = '{callId}'", cancellationToken: Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal((rang.ToUnixTimeMilliseconds(), "completed", "attributed", session, 2990u),
            (Convert.ToInt64(reader.GetValue(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), Convert.ToUInt32(reader.GetValue(4))));
        Assert.False(await reader.ReadAsync(Ct));
        Assert.Equal(0ul, await Calls.CallsTesting.CountAsync(store, $"SELECT count() FROM calls WHERE call_id = '{callId}' AND started_at != fromUnixTimestamp64Milli({rang.ToUnixTimeMilliseconds()})"));
    }

    /// <summary>A new site of two numbers whose first number <paramref name="holder"/> leases; returns once the lease's start row is in ClickHouse.</summary>
    private async Task<(string Site, string Number, string Session)> LeaseRecordedAsync(EdgeApplication edge, EdgeClient holder)
    {
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, Numbers.NumbersEdgeFixture.Numbers(2));
        var number = (await EdgeClient.JsonAsync(await holder.RequestNumberAsync(site, "https://www.example.com/"))).GetProperty("number").GetString()!;
        var session = holder.Cookies[Edge.Cookies.VisitorCookies.SessionCookie].Split('~')[0];
        using var history = clickHouse.CreateClient(edge.Database);
        await Poll.UntilAsync(async () => await Calls.CallsTesting.CountAsync(history, $"SELECT count() FROM lease_history WHERE site_id = '{site}'") == 1,
            Patience, "the lease's start row in ClickHouse");
        return (site, number, session);
    }

    [Fact]
    public async Task ThreeEdgesNoticingTheLossAtOnce_RestoreItOnce()
    {
        var database = EdgeApplication.DatabaseFor(nameof(ThreeEdgesNoticingTheLossAtOnce_RestoreItOnce));
        var edges = Enumerable.Range(0, 3).Select(_ => new EdgeApplication(redis.Server.Url, clickHouse.BaseUrl, database)).ToArray();
        try
        {
            var clients = edges.Select(e => new EdgeClient(e)).ToArray();
            var site = TestSites.NewSiteKey();
            await clients[0].CreateSiteAsync(site, ["+12025550131", "+12025550132"]);
            foreach (var c in clients) Assert.Equal(HttpStatusCode.OK, (await c.RequestNumberAsync(site, "https://www.example.com/")).StatusCode);

            var restoresBefore = edges.Sum(e => e.Logs.Lines.Count(l => l.Contains(RestoredLog)));
            await redis.FlushAllAsync();
            // Every edge at once: new visitors on each, and each edge's own check of the marker.
            var answers = await Task.WhenAll(edges.SelectMany(e => Enumerable.Range(0, 4).Select(async _ =>
            {
                using var visitor = new EdgeClient(e);
                return (await visitor.RequestNumberAsync(site, "https://www.example.com/")).StatusCode;
            })));
            Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));

            await Poll.UntilAsync(async () => (await EdgeClient.JsonAsync(await clients[2].AdminAsync(HttpMethod.Get, $"/admin/sites/{site}")))
                .GetProperty("pools")[0].GetProperty("stats").GetProperty("size").GetInt32() == 2, Patience, "the pool restored");
            Assert.Equal(restoresBefore + 1, edges.Sum(e => e.Logs.Lines.Count(l => l.Contains(RestoredLog))));
            foreach (var c in clients) c.Dispose();
        }
        finally
        {
            foreach (var e in edges) await e.DisposeAsync();
        }
    }
}
