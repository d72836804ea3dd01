using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// No caller is dropped because a store is down: the voice webhook dials from the in-memory routing table (or its
/// snapshot, after a restart), every callback is acknowledged once spooled, and the call's row arrives once the
/// stores are back, exactly once.
/// </summary>
[LongRunning]
public sealed class CallOutageTests(GarnetFixture garnet, ClickHouseHostFixture sharedClickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Landing = "https://www.example.com/landing?gclid=GCLID-OUTAGE&utm_source=google&utm_medium=cpc";

    [Fact]
    public async Task CallDials_AndIsStoredOnceAfterRecovery_IfRedisIsDown()
    {
        // Redis with its append-only file, so what it held before the stop is there after the restart.
        await using var redis = new RedisServerProcess(null, "--appendonly", "yes", "--appendfsync", "always");
        await redis.StartAsync();
        await using var edge = new EdgeApplication(redis.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("callsredisdown"));
        var (number, forwardTo, session) = await PrepareAsync(edge, sharedClickHouse);

        await redis.StopAsync();
        var call = new TwilioCall(edge.CreateClient(), number);
        var voice = await call.VoiceAsync();
        var lifecycle = await call.AnsweredAsync(talkSeconds: 31, totalSeconds: 40);

        Assert.Equal(HttpStatusCode.OK, voice.StatusCode);
        Assert.Equal(forwardTo, call.DialedNumber.Value.Trim());
        Assert.All(lifecycle, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await WaitForRetriesAsync(edge);
        await redis.StartAsync();
        await AssertStoredOnceAsync(edge, sharedClickHouse, call, session, forwardTo);
    }

    [Fact]
    public async Task CallDials_AndIsStoredOnceAfterRecovery_IfClickHouseIsDown()
    {
        await using var clickHouse = new ClickHouseHostFixture();
        await clickHouse.StartAsync();
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("callschdown"));
        var (number, forwardTo, session) = await PrepareAsync(edge, clickHouse);

        await clickHouse.StopAsync();
        var call = new TwilioCall(edge.CreateClient(), number);
        var voice = await call.VoiceAsync();
        var lifecycle = await call.AnsweredAsync(talkSeconds: 12, totalSeconds: 20);

        Assert.Equal(HttpStatusCode.OK, voice.StatusCode);
        Assert.Equal(forwardTo, call.DialedNumber.Value.Trim());
        Assert.All(lifecycle, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await WaitForRetriesAsync(edge);
        await clickHouse.StartAsync();
        await AssertStoredOnceAsync(edge, clickHouse, call, session, forwardTo);
    }

    [Fact]
    public async Task EdgeStartedWhileRedisIsDown_DialsFromItsSnapshot_AndStoresTheCallOnceAfterRecovery()
    {
        await using var redis = new RedisServerProcess(null, "--appendonly", "yes", "--appendfsync", "always");
        await redis.StartAsync();
        var database = EdgeApplication.DatabaseFor("callsrestart");
        var settings = new Dictionary<string, string?> { ["Delivery:SpoolPath"] = RepoPaths.NewTempDirectory("spool-calls-restart") };
        string number, forwardTo, session;
        await using (var first = new EdgeApplication(redis.Url, sharedClickHouse.BaseUrl, database, settings))
            (number, forwardTo, session) = await PrepareAsync(first, sharedClickHouse);

        await redis.StopAsync();
        await using var second = new EdgeApplication(redis.Url, sharedClickHouse.BaseUrl, database, settings);
        var call = new TwilioCall(second.CreateClient(), number);
        var voice = await call.VoiceAsync();
        var lifecycle = await call.AnsweredAsync(talkSeconds: 8, totalSeconds: 15);

        Assert.Equal(HttpStatusCode.OK, voice.StatusCode);
        Assert.Equal(forwardTo, call.DialedNumber.Value.Trim());
        Assert.All(lifecycle, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Contains(second.Logs.Lines, l => l.Contains("loaded from the snapshot", StringComparison.Ordinal));
        await WaitForRetriesAsync(second);
        await redis.StartAsync();
        await AssertStoredOnceAsync(second, sharedClickHouse, call, session, forwardTo);
    }

    [Fact]
    public async Task NumberUnknownOnlyBecauseRedisIsDown_Is503ForTwiliosFallback_NotRejected()
    {
        await using var redis = new RedisServerProcess();
        await redis.StartAsync();
        await redis.StopAsync();
        // A fresh edge with no snapshot, while Redis is down: its table is empty and was never read.
        await using var edge = new EdgeApplication(redis.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("callsnoroutes"));
        var call = new TwilioCall(edge.CreateClient(), NumbersEdgeFixture.Numbers(1)[0]);

        var voice = await call.VoiceAsync();

        // Any error makes Twilio request the number's Voice Fallback URL, whose static TwiML dials the business.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, voice.StatusCode);
        Assert.Contains(edge.Logs.Lines, l => l.Contains(call.CallSid, StringComparison.Ordinal) && l.Contains("Fallback", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A site with a forward-to number and a visitor from an ad click holding one of its numbers, recorded in ClickHouse.</summary>
    private static async Task<(string Number, string ForwardTo, string Session)> PrepareAsync(EdgeApplication edge, ClickHouseHostFixture clickHouse)
    {
        using var visitor = new EdgeClient(edge);
        await Poll.UntilAsync(async () => (await visitor.Http.GetAsync("/readyz", Ct)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the edge's /readyz");
        var site = TestSites.NewSiteKey();
        var forwardTo = NewNumber();
        await CreateSiteAsync(visitor, site, NumbersEdgeFixture.Numbers(2), forwardTo);
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, Landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, Landing, "https://www.google.com/", "Landing")).StatusCode);
        var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var ch = clickHouse.CreateClient(edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(ch, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 1
                                          && await CountAsync(ch, $"SELECT count() FROM lease_history FINAL WHERE session_id = '{session}'") == 1,
            TimeSpan.FromSeconds(30), "the pageview and the lease in ClickHouse");
        return (number, forwardTo, session);
    }

    /// <summary>The background processor has tried to store the call and failed against the stopped store.</summary>
    private static Task WaitForRetriesAsync(EdgeApplication edge) =>
        Poll.UntilAsync(() => Task.FromResult(edge.Logs.Lines.Any(l => l.Contains("not stored yet, retrying", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), "the call-event processor to retry against the stopped store");

    private static async Task AssertStoredOnceAsync(EdgeApplication edge, ClickHouseHostFixture clickHouse, TwilioCall call, string session, string forwardTo)
    {
        using var ch = clickHouse.CreateClient(edge.Database);
        await WaitForCallAsync(edge, ch, call.CallSid, TimeSpan.FromSeconds(90));
        var row = await CallRowAsync(ch, call.CallSid);
        Assert.Equal("attributed", row["attribution_status"]);
        Assert.Equal(session, row["session_id"]);
        Assert.Equal("GCLID-OUTAGE", row["gclid"]);
        Assert.Equal("true", row["answered"]);
        Assert.Equal(forwardTo, row["forwarded_to"]);
        Assert.Equal("completed", row["status"]);
        Assert.Equal(1UL, await CountAsync(ch, $"SELECT count() FROM calls WHERE call_id = '{call.CallSid}'"));
    }
}
