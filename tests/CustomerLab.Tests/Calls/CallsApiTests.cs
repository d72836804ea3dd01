using System.Net;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Calls;

/// <summary>Call webhooks and attribution, end to end through the real edge, Garnet and the local ClickHouse.</summary>
public sealed class CallsApiTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_IsCreditedToTheSessionAndItsGclid_IfTheNumberWasLeasedFromAnAdClick()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(3));
        const string landing = "https://www.example.com/landing?gclid=GCLID-123&utm_source=google&utm_medium=cpc&utm_campaign=spring&pub=aff42";
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, landing, "https://www.google.com/", "Landing")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, "https://www.example.com/contact", landing, "Contact")).StatusCode);
        var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 2,
            TimeSpan.FromSeconds(30), "both pageviews in ClickHouse");

        var callId = "CA" + Guid.NewGuid().ToString("N");
        var ringing = await CallWebhooks.SendTwilioAsync(fixture.Edge.CreateClient(), Twilio(callId, "+16175550123", number, "ringing"));
        var completed = await CallWebhooks.SendTwilioAsync(fixture.Edge.CreateClient(), Twilio(callId, "+16175550123", number, "completed", duration: 95));

        Assert.Equal(HttpStatusCode.OK, ringing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        // Twilio's callbacks are acknowledged once spooled; the row follows.
        await CallsTesting.WaitForCallAsync(fixture.Edge, clickHouse, callId);
        var call = await CallsTesting.CallRowAsync(clickHouse, callId);
        Assert.Equal(1UL, await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM calls FINAL WHERE call_id = '{callId}'"));
        Assert.Equal("attributed", call["attribution_status"]);
        Assert.Equal(session, call["session_id"]);
        Assert.Equal("GCLID-123", call["gclid"]);
        Assert.Equal("completed", call["status"]);
        Assert.Equal("95", call["duration_seconds"]);
        Assert.Equal("google", call["first_source"]);
        Assert.Equal("cpc", call["first_medium"]);
        Assert.Equal("spring", call["first_campaign"]);
        Assert.Equal("paid", call["first_channel"]);
        Assert.Equal(landing, call["landing_page"]);
        Assert.Equal("aff42", call["publisher_id"]);
        Assert.Equal("Massachusetts", call["caller_region"]);
        Assert.Equal("+16175550123", call["caller_number"]);

        // The offline conversion export has it, in Google Ads' format; the generic export too.
        var googleAds = await (await visitor.AdminAsync(HttpMethod.Get, $"/admin/exports/google-ads-calls.csv?site={site}&conversionName=Call&value=25&currency=EUR")).Content.ReadAsStringAsync(Ct);
        var lines = googleAds.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Parameters:TimeZone=+0000", lines[0]);
        Assert.StartsWith("Google Click ID,Caller's Phone Number,Call Start Time,Conversion Name", lines[1]);
        Assert.Matches(@"^GCLID-123,\+16175550123,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000,Call,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000,25,EUR$", lines[2]);
        Assert.Equal(3, lines.Length);
        var exported = JsonDocument.Parse(await (await visitor.AdminAsync(HttpMethod.Get, $"/admin/exports/calls.json?site={site}")).Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(callId, exported[0].GetProperty("call_id").GetString());
        Assert.Equal("attributed", exported[0].GetProperty("attribution_status").GetString());
    }

    [Theory]
    [InlineData("/admin/exports/calls.csv", "site")]
    [InlineData("/admin/exports/calls.csv?site=abc&from=yesterday", "from")]
    [InlineData("/admin/exports/calls.json?site=abc&from=2026-02-01&to=2026-01-01", "to")]
    [InlineData("/admin/exports/google-ads-calls.csv?site=abc&currency=euro", "currency")]
    public async Task Export_Is400NamingTheParameter_IfItIsInvalid(string path, string field)
    {
        using var client = new EdgeClient(fixture.Edge);
        var response = await client.AdminAsync(HttpMethod.Get, path);
        var body = await EdgeClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task Call_IsAttributedWithinTheGraceWindow_AndNotAfterIt()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2), holdMinutes: 1);
        var lease = await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, "https://www.example.com/"));
        var number = lease.GetProperty("number").GetString()!;
        var expiry = lease.GetProperty("expiresAt").GetDateTimeOffset();
        using var http = fixture.Edge.CreateClient();

        // Grace is 10 minutes (the default): 5 minutes after the lease ran out is in, 15 is out.
        var inGrace = await SendGenericAsync(http, "in-" + Guid.NewGuid().ToString("N"), number, expiry.AddMinutes(5));
        var afterGrace = await SendGenericAsync(http, "out-" + Guid.NewGuid().ToString("N"), number, expiry.AddMinutes(15));

        Assert.Equal("attributed", inGrace.GetProperty("attribution").GetString());
        Assert.Equal(visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0], inGrace.GetProperty("sessionId").GetString());
        Assert.Equal("no_lease", afterGrace.GetProperty("attribution").GetString());
    }

    [Fact]
    public async Task Call_IsAmbiguousWithItsCandidates_IfTheNumberChangedHandsWithinTheGraceWindow()
    {
        using var first = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await first.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));
        var number = (await EdgeClient.JsonAsync(await first.RequestNumberAsync(site, "https://www.example.com/"))).GetProperty("number").GetString()!;
        var firstSession = first.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        // The first session ends early through the public path (the visitor opts out); the edge records the end.
        Assert.Equal(HttpStatusCode.OK, (await first.OptOutAsync(site)).StatusCode);
        using var second = new EdgeClient(fixture.Edge);
        Assert.Equal(number, (await EdgeClient.JsonAsync(await second.RequestNumberAsync(site, "https://www.example.com/"))).GetProperty("number").GetString());
        var secondSession = second.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        // The first lease's end reaches the lease history in ClickHouse (batched).
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM lease_history FINAL WHERE session_id = '{firstSession}' AND ended_at IS NOT NULL") == 1,
            TimeSpan.FromSeconds(30), "the first lease's end row");

        var callId = "amb-" + Guid.NewGuid().ToString("N");
        var answer = await SendGenericAsync(fixture.Edge.CreateClient(), callId, number, DateTimeOffset.UtcNow);
        var call = await CallsTesting.CallRowAsync(clickHouse, callId);

        Assert.Equal("ambiguous", answer.GetProperty("attribution").GetString());
        // Exactly these two sessions, whatever the order ClickHouse keeps them in.
        Assert.Equal(new[] { firstSession, secondSession }.Order(StringComparer.Ordinal), CandidateSessions(call).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CallToTheOverflowNumber_IsAmbiguousAmongTheSessionsShownIt()
    {
        using var holder = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var overflow = NumbersEdgeFixture.Numbers(1)[0]; // its own: a number serves one site, also as overflow
        await holder.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1), overflow: overflow);
        await holder.RequestNumberAsync(site, "https://www.example.com/");
        using var a = new EdgeClient(fixture.Edge);
        using var b = new EdgeClient(fixture.Edge);
        await a.RequestNumberAsync(site, "https://www.example.com/");
        await b.RequestNumberAsync(site, "https://www.example.com/");

        var callId = "ovf-" + Guid.NewGuid().ToString("N");
        var answer = await SendGenericAsync(fixture.Edge.CreateClient(), callId, overflow, DateTimeOffset.UtcNow);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var call = await CallsTesting.CallRowAsync(clickHouse, callId);

        Assert.Equal("ambiguous", answer.GetProperty("attribution").GetString());
        // Exactly the two sessions shown the overflow number; not the one holding the tracking number.
        string SessionOf(EdgeClient client) => client.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        Assert.Equal(new[] { SessionOf(a), SessionOf(b) }.Order(StringComparer.Ordinal), CandidateSessions(call).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RepeatCaller_IsLinkedToTheirFirstCall()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, "https://www.example.com/"))).GetProperty("number").GetString()!;
        var firstCall = "rep1-" + Guid.NewGuid().ToString("N");
        var secondCall = "rep2-" + Guid.NewGuid().ToString("N");
        await SendGenericAsync(fixture.Edge.CreateClient(), firstCall, number, DateTimeOffset.UtcNow, from: "+442079460123");
        await SendGenericAsync(fixture.Edge.CreateClient(), secondCall, number, DateTimeOffset.UtcNow.AddSeconds(30), from: "+442079460123");

        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var second = await CallsTesting.CallRowAsync(clickHouse, secondCall);
        Assert.Equal("1", second["previous_calls"]);
        Assert.Equal(firstCall, second["first_call_id"]);
        Assert.Equal("London", second["caller_region"]);
    }

    [Fact]
    public async Task LateRinging_DoesNotReplaceCompleted()
    {
        using var http = fixture.Edge.CreateClient();
        var callId = "late-" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        // A 617 number: no test puts one in a pool (the number index is shared by every test on the same Redis).
        await SendGenericAsync(http, callId, "+16175550177", at.AddSeconds(60), status: "completed", duration: 42);
        await SendGenericAsync(http, callId, "+16175550177", at, status: "ringing");

        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var call = await CallsTesting.CallRowAsync(clickHouse, callId);
        Assert.Equal("completed", call["status"]);
        Assert.Equal("42", call["duration_seconds"]);
        Assert.Equal("not_tracking_number", call["attribution_status"]);
    }

    [Fact]
    public async Task TamperedTwilioRequest_IsRejected_AndNothingIsStored()
    {
        using var http = fixture.Edge.CreateClient();
        var callId = "CA" + Guid.NewGuid().ToString("N");

        var tampered = await CallWebhooks.SendTwilioAsync(http, Twilio(callId, "+16175550123", "+12025550100", "ringing"), f => f["From"] = "+16175550999");
        var unsigned = await http.PostAsync("/v1/calls/twilio", new FormUrlEncodedContent(Twilio(callId, "+1", "+1", "ringing")), Ct);
        var badGeneric = await CallWebhooks.SendGenericAsync(http, new { callId, to = "+12025550100", status = "ringing" }, secret: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badGeneric.StatusCode);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await WaitForSchemaAsync(clickHouse);
        Assert.Equal(0UL, await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM calls WHERE call_id = '{callId}'"));
    }

    [Theory]
    [InlineData("""{"to":"+12025550100","status":"ringing"}""", "callId")]
    [InlineData("""{"callId":"x","status":"ringing"}""", "to")]
    [InlineData("""{"callId":"x","to":"+12025550100","status":"exploded"}""", "status")]
    [InlineData("""{"callId":"x","to":"+12025550100","status":"ringing","durationSeconds":"long"}""", "body")]
    [InlineData("""[1,2]""", "body")]
    public async Task SignedButMalformedGenericWebhook_Is400NamingTheField(string json, string field)
    {
        using var http = fixture.Edge.CreateClient();
        var response = await CallWebhooks.SendGenericAsync(http, JsonDocument.Parse(json).RootElement);
        var body = await EdgeClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    private static Dictionary<string, string> Twilio(string callId, string from, string to, string status, int? duration = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["CallSid"] = callId, ["AccountSid"] = "AC00000000000000000000000000000000", ["From"] = from, ["To"] = to,
            ["CallStatus"] = status, ["Direction"] = "inbound", ["ApiVersion"] = "2010-04-01",
        };
        if (duration is { } d) fields["CallDuration"] = d.ToString();
        return fields;
    }

    private static async Task<JsonElement> SendGenericAsync(HttpClient http, string callId, string to, DateTimeOffset at,
        string status = "ringing", int? duration = null, string from = "+16175550123")
    {
        var response = await CallWebhooks.SendGenericAsync(http, new { provider = "acme", callId, from, to, status, direction = "inbound", at, durationSeconds = duration });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await EdgeClient.JsonAsync(response);
    }

    private static async Task WaitForSchemaAsync(ClickHouseClient clickHouse) =>
        await Poll.UntilAsync(async () => { await clickHouse.ExecuteScalarAsync("SELECT count() FROM calls", cancellationToken: Ct); return true; },
            TimeSpan.FromSeconds(30), "the calls table");



    /// <summary>The row's <c>candidate_sessions</c> (ClickHouse's array text, <c>['a','b']</c>) as its elements.</summary>
    private static string[] CandidateSessions(IReadOnlyDictionary<string, string> call) =>
        call["candidate_sessions"].Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim().Trim('\'')).ToArray();
}
