using System.Net;
using System.Xml.Linq;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.DependencyInjection;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>Twilio voice: a tracking number rings the business, and the call's lifecycle lands on its one row.</summary>
public sealed class TwilioVoiceTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_RingsTheForwardToNumber_AndIsStoredOnceAttributedAnsweredWithTalkTime()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var forwardTo = NewNumber();
        await CreateSiteAsync(visitor, site, NumbersEdgeFixture.Numbers(3), forwardTo);
        const string landing = "https://www.example.com/landing?gclid=GCLID-VOICE&utm_source=google&utm_medium=cpc";
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, landing, "https://www.google.com/", "Landing")).StatusCode);
        var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 1,
            TimeSpan.FromSeconds(30), "the pageview in ClickHouse");
        var call = new TwilioCall(fixture.Edge.CreateClient(), number);

        var voice = await call.VoiceAsync();
        var lifecycle = await call.AnsweredAsync(talkSeconds: 42, totalSeconds: 57);

        Assert.Equal(HttpStatusCode.OK, voice.StatusCode);
        Assert.Equal("text/xml", voice.Content.Headers.ContentType!.MediaType);
        Assert.Equal(forwardTo, call.DialedNumber.Value.Trim());
        Assert.Equal(call.From, (string?)call.Dial.Attribute("callerId"));
        Assert.Equal("30", (string?)call.Dial.Attribute("timeout"));
        Assert.Equal("true", (string?)call.Dial.Attribute("answerOnBridge"));
        Assert.Equal("http://localhost/v1/calls/twilio/dial", (string?)call.Dial.Attribute("action"));
        Assert.Equal("initiated ringing answered completed", (string?)call.DialedNumber.Attribute("statusCallbackEvent"));
        Assert.Equal($"http://localhost/v1/calls/twilio/status?tn={Uri.EscapeDataString(number)}", (string?)call.DialedNumber.Attribute("statusCallback"));
        Assert.All(lifecycle, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // After an answered Dial the caller's call just ends.
        var afterDial = XDocument.Parse(await lifecycle[6].Content.ReadAsStringAsync(Ct)).Root!;
        Assert.Equal(["Hangup"], afterDial.Elements().Select(e => e.Name.LocalName));

        await WaitForCallAsync(fixture.Edge, clickHouse, call.CallSid);
        var row = await CallRowAsync(clickHouse, call.CallSid);
        Assert.Equal("attributed", row["attribution_status"]);
        Assert.Equal(session, row["session_id"]);
        Assert.Equal("GCLID-VOICE", row["gclid"]);
        Assert.Equal("completed", row["status"]);
        Assert.Equal("true", row["answered"]);
        Assert.Equal("42", row["talk_seconds"]);
        Assert.Equal("57", row["duration_seconds"]);
        Assert.Equal("completed", row["dial_status"]);
        Assert.Equal(forwardTo, row["forwarded_to"]);
        Assert.Equal(call.From, row["caller_number"]);
        // One row, also before any merge: the lifecycle is written once, when the call has ended.
        Assert.Equal(1UL, await CountAsync(clickHouse, $"SELECT count() FROM calls WHERE call_id = '{call.CallSid}'"));
    }

    [Fact]
    public async Task NoAnswer_SaysTheSitesMessage_AndStoresTheCallNotAnswered()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1);
        var forwardTo = NewNumber();
        await CreateSiteAsync(admin, site, number, forwardTo,
            calls: new { callerId = "tracking-number", dialTimeoutSeconds = 12, noAnswerMessage = "Nobody is here, call us tomorrow." });
        var call = new TwilioCall(fixture.Edge.CreateClient(), number[0]);

        await call.VoiceAsync();
        await call.StatusAsync("in-progress");
        await call.BusinessLegAsync("initiated");
        await call.BusinessLegAsync("no-answer");
        var action = await call.DialActionAsync("no-answer", 0);
        await call.StatusAsync("completed", 19);

        Assert.Equal(number[0], (string?)call.Dial.Attribute("callerId"));
        Assert.Equal("12", (string?)call.Dial.Attribute("timeout"));
        var afterDial = XDocument.Parse(await action.Content.ReadAsStringAsync(Ct)).Root!;
        Assert.Equal(["Say", "Hangup"], afterDial.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("Nobody is here, call us tomorrow.", afterDial.Element("Say")!.Value);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await WaitForCallAsync(fixture.Edge, clickHouse, call.CallSid);
        var row = await CallRowAsync(clickHouse, call.CallSid);
        Assert.Equal("false", row["answered"]);
        Assert.Equal("no-answer", row["dial_status"]);
        Assert.Equal("0", row["talk_seconds"]);
        Assert.Equal("19", row["duration_seconds"]);
    }

    [Fact]
    public async Task PoolWithItsOwnForwardTo_RingsThatNumber_AndOverflowAndDefaultNumbersRingTheirs()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var siteLine = NewNumber();
        var salesLine = NewNumber();
        var overflow = NewNumber();
        var defaultNumber = NewNumber();
        var paid = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, NumbersEdgeFixture.Numbers(1), siteLine, overflow: overflow, defaultNumber: defaultNumber);
        var pool = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/paid", new { match = new { paidClickId = true }, numbers = paid, forwardTo = salesLine });
        Assert.Equal(HttpStatusCode.OK, pool.StatusCode);

        var paidCall = new TwilioCall(fixture.Edge.CreateClient(), paid[0]);
        var overflowCall = new TwilioCall(fixture.Edge.CreateClient(), overflow);
        var defaultCall = new TwilioCall(fixture.Edge.CreateClient(), defaultNumber);
        await paidCall.VoiceAsync();
        await overflowCall.VoiceAsync();
        await defaultCall.VoiceAsync();

        Assert.Equal(salesLine, paidCall.DialedNumber.Value.Trim());
        Assert.Equal(siteLine, overflowCall.DialedNumber.Value.Trim());
        Assert.Equal(siteLine, defaultCall.DialedNumber.Value.Trim());
        // The overflow call's lifecycle is stored too: ambiguous or without a lease, never lost.
        await overflowCall.StatusAsync("completed", 5);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await WaitForCallAsync(fixture.Edge, clickHouse, overflowCall.CallSid);
        var row = await CallRowAsync(clickHouse, overflowCall.CallSid);
        Assert.Equal(site, row["site_id"]);
        Assert.Equal(siteLine, row["forwarded_to"]);
    }

    [Fact]
    public async Task UnknownNumber_IsRejected_AndNothingIsStored()
    {
        // An admin change first: the edge's routing table is then current (read from Redis), so not knowing means no site's.
        using var admin = new EdgeClient(fixture.Edge);
        await CreateSiteAsync(admin, TestSites.NewSiteKey(), NumbersEdgeFixture.Numbers(1), NewNumber());
        // A 617 number: no test puts one in a pool.
        var call = new TwilioCall(fixture.Edge.CreateClient(), "+16175550188");

        var voice = await call.VoiceAsync();

        Assert.Equal(HttpStatusCode.OK, voice.StatusCode);
        Assert.Equal(["Reject"], call.Twiml!.Root!.Elements().Select(e => e.Name.LocalName));
        Assert.Contains(fixture.Edge.Logs.Lines, l => l.Contains(call.CallSid, StringComparison.Ordinal) && l.Contains("rejected", StringComparison.Ordinal));
        await WaitForNoPendingEventsAsync();
        var redis = fixture.Edge.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        Assert.False(await redis.KeyExistsAsync($"cl:call:twilio:{call.CallSid}"));
    }

    [Fact]
    public async Task ForgedOrMisaddressedSignatures_Are401_AndNothingIsStored()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, number, NewNumber());
        using var http = fixture.Edge.CreateClient();
        var call = new TwilioCall(http, number[0]);
        var fields = call.Caller("ringing");
        const string voice = "/v1/calls/twilio/voice";

        var tampered = await CallWebhooks.SendTwilioAsync(http, voice, fields, tamper: f => f["To"] = "+12025550199");
        var wrongToken = await CallWebhooks.SendTwilioAsync(http, voice, fields, token: "not-the-token-at-all");
        var otherQuery = await CallWebhooks.SendTwilioAsync(http, voice + "?x=2", fields, signedUrl: "http://localhost" + voice + "?x=1");
        var unsigned = await http.PostAsync(voice, new FormUrlEncodedContent(fields), Ct);
        var status = await CallWebhooks.SendTwilioAsync(http, "/v1/calls/twilio/status", call.Caller("completed"), token: "forged-token-forged");
        var dial = await CallWebhooks.SendTwilioAsync(http, "/v1/calls/twilio/dial", call.Caller("in-progress"), token: "forged-token-forged");
        // Signed as Twilio's validator also accepts: the URL with its default port, and with a query string.
        var genuine = new TwilioCall(http, number[0]).Caller("ringing");
        var withPort = await CallWebhooks.SendTwilioAsync(http, voice, genuine, signedUrl: "http://localhost:80" + voice);
        var withQuery = await CallWebhooks.SendTwilioAsync(http, voice + "?campaign=a%20b", genuine);

        Assert.All([tampered, wrongToken, otherQuery, unsigned, status, dial], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, withPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withQuery.StatusCode);
        // The genuine call's state appears (its events are applied in spool order); the forged ones were never spooled.
        var redis = fixture.Edge.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        await Poll.UntilAsync(async () => await redis.KeyExistsAsync($"cl:call:twilio:{genuine["CallSid"]}"), TimeSpan.FromSeconds(30), "the genuine call's state");
        await WaitForNoPendingEventsAsync();
        Assert.False(await redis.KeyExistsAsync($"cl:call:twilio:{call.CallSid}"));
    }

    [Fact]
    public async Task SiteWithItsOwnTwilioAccount_IsVerifiedWithItsToken_NotTheDeployments()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1);
        var forwardTo = NewNumber();
        const string siteToken = "f00dfeedf00dfeedf00dfeedf00dfeed";
        await CreateSiteAsync(admin, site, number, forwardTo, calls: new { twilioAccountSid = TwilioCall.AccountSid, twilioAuthToken = siteToken });

        var byDeployment = await new TwilioCall(fixture.Edge.CreateClient(), number[0]).VoiceAsync();
        var bySite = new TwilioCall(fixture.Edge.CreateClient(), number[0], token: siteToken);
        var answered = await bySite.VoiceAsync();
        var leg = await bySite.BusinessLegAsync("initiated");
        var shown = await (await admin.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}")).Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, byDeployment.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(forwardTo, bySite.DialedNumber.Value.Trim());
        Assert.Equal(HttpStatusCode.OK, leg.StatusCode);
        Assert.DoesNotContain(siteToken, shown);
    }

    [Fact]
    public async Task FallbackTwiml_DialsEachNumbersForwardTo_WithoutTheEdge()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(2);
        var forwardTo = NewNumber();
        await CreateSiteAsync(admin, site, numbers, forwardTo, calls: new { dialTimeoutSeconds = 20 });

        var list = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/calls/fallback-twiml"));
        var one = await admin.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/calls/fallback-twiml/{Uri.EscapeDataString(numbers[1])}");
        var unknown = await admin.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/calls/fallback-twiml/%2B16175550188");

        Assert.Equal(numbers.Append("+12025550199").Order(StringComparer.Ordinal), list.EnumerateArray().Select(e => e.GetProperty("number").GetString()));
        Assert.Equal("text/xml", one.Content.Headers.ContentType!.MediaType);
        var dial = XDocument.Parse(await one.Content.ReadAsStringAsync(Ct)).Root!.Element("Dial")!;
        Assert.Equal(forwardTo, dial.Element("Number")!.Value.Trim());
        Assert.Equal("20", (string?)dial.Attribute("timeout"));
        Assert.Null(dial.Attribute("action")); // nothing that needs the edge
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task OldTwilioEndpoint_IsTheStatusCallback_AndItsCallIsStored()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, number, NewNumber());
        var call = new TwilioCall(fixture.Edge.CreateClient(), number[0]);

        var ringing = await CallWebhooks.SendTwilioAsync(fixture.Edge.CreateClient(), call.Caller("ringing"));
        var fields = call.Caller("completed");
        fields["CallDuration"] = "33";
        var completed = await CallWebhooks.SendTwilioAsync(fixture.Edge.CreateClient(), fields);

        Assert.Equal(HttpStatusCode.OK, ringing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await WaitForCallAsync(fixture.Edge, clickHouse, call.CallSid);
        var row = await CallRowAsync(clickHouse, call.CallSid);
        Assert.Equal("33", row["duration_seconds"]);
        Assert.Equal(site, row["site_id"]);
    }

    private async Task WaitForNoPendingEventsAsync()
    {
        var log = fixture.Edge.Services.GetRequiredService<CustomerLab.Edge.Calls.Lifecycle.CallEventLog>();
        await Poll.UntilAsync(() => Task.FromResult(log.Pending == 0), TimeSpan.FromSeconds(30), "every spooled call event applied");
    }
}
