using System.Net;
using System.Text.RegularExpressions;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using CustomerLab.Tests.Tag;
using Microsoft.Playwright;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// The demo page's "place a test call" on an edge in the Development environment (as ./run.sh starts it), in Chromium:
/// the call goes through the real Twilio path, lands attributed to the visit and flagged, and stays out of reports,
/// exports and payouts, while a real call to the same number in the same visit is in all of them.
/// </summary>
public sealed partial class TestCallBrowserTests(DevelopmentBrowserFixture fixture) : IClassFixture<DevelopmentBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DemoTestCall_IsStoredAttributedAndFlagged_AndLeftOutOfReportsExportsAndPayouts()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        var created = await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "127.0.0.1", "localhost" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", holdMinutes = 30,
            forwardTo = NewNumber(), // A 42 s call from a new caller with a publisher qualifies under these rules; the test call is still never paid.
            calls = new { payouts = new { defaultAmount = 5m, currency = "USD", minTalkSeconds = 30 } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var pool = await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main", new { numbers = NumbersEdgeFixture.Numbers(3) });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync(Ct));

        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{fixture.BaseUrl}/demo?site={site}&gclid=TEST-CALL-GCLID&pub=pub1");
        var answer = await TagBrowserFixture.AnswerAsync(page);
        Assert.NotNull(answer);
        var number = answer.Value.GetProperty("number").GetString()!;
        await page.GetByRole(AriaRole.Button, new() { Name = "Place a test call" }).ClickAsync();
        var result = page.Locator("#test-call-result");
        await Assertions.Expect(result).ToContainTextAsync("flagged as a test call");
        var callId = CallSid().Match(await result.InnerTextAsync()).Value;
        Assert.NotEmpty(callId);
        var shot = Path.Combine(AppContext.BaseDirectory, "screenshots", "demo-test-call.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.Locator("#test-call-section").ScreenshotAsync(new() { Path = shot });

        // The visit's session holds the number; the test call is credited to it, with its click id and publisher.
        var session = (await context.CookiesAsync()).Single(c => c.Name == "_clsid").Value.Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await WaitForCallAsync(fixture.Edge, clickHouse, callId);
        var row = await CallRowAsync(clickHouse, callId);
        Assert.Equal(("attributed", session, "TEST-CALL-GCLID", "pub1", number), (row["attribution_status"], row["session_id"], row["gclid"], row["publisher_id"], row["tracking_number"]));
        Assert.Equal(("true", "true", "42", "47", "completed"), (row["simulated"], row["answered"], row["talk_seconds"], row["duration_seconds"], row["status"]));
        Assert.Equal(("false", "simulated", "0.0000"), (row["qualified"], row["qualification_reason"], row["payout"]));

        // A real call to the same number in the same visit: the exports and reports below do list it.
        var real = new TwilioCall(fixture.Http, number, from: NewNumber());
        Assert.Equal(HttpStatusCode.OK, (await real.VoiceAsync()).StatusCode);
        Assert.All(await real.AnsweredAsync(talkSeconds: 60, totalSeconds: 65), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await WaitForCallAsync(fixture.Edge, clickHouse, real.CallSid);
        Assert.Equal(("false", "true", "pub1"), (await CallRowAsync(clickHouse, real.CallSid)) is var r ? (r["simulated"], r["qualified"], r["publisher_id"]) : default);

        foreach (var export in new[] { "calls.csv", "calls.json", "google-ads-calls.csv", "payouts.csv" })
        {
            var response = await fixture.AdminAsync(HttpMethod.Get, $"/admin/exports/{export}?site={site}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Contains(export.StartsWith("google") ? "TEST-CALL-GCLID" : real.CallSid, body);
            Assert.DoesNotContain(callId, body);
            Assert.Single(Regex.Matches(body, export.StartsWith("google") ? "TEST-CALL-GCLID" : "CA[0-9a-f]{32}"));
        }
        Assert.Equal(0ul, await CountAsync(clickHouse, $"SELECT count() FROM conversions WHERE conversion_id = '{callId}'"));
        Assert.Equal(1ul, await CountAsync(clickHouse, $"SELECT count() FROM conversions WHERE conversion_id = '{real.CallSid}'"));
        Assert.Equal(1ul, await CountAsync(clickHouse, $"SELECT sum(calls) FROM calls_by_channel_daily WHERE site_id = '{site}'"));
        Assert.Equal(1ul, await CountAsync(clickHouse, $"SELECT sum(calls) FROM attribution_rate_daily WHERE site_id = '{site}'"));

        // The console's call log keeps the test call (flagged), for the newcomer to find.
        var admin = await Backoffice.ConsoleTesting.AddUserAsync(fixture, "admin", null);
        var (console, log) = await Backoffice.ConsoleTesting.SignInAsync(fixture, admin, $"/console/calls?site={site}");
        await using var _ = console;
        Assert.Equal(1, await log.Locator($"tr[data-call='{callId}']").CountAsync());
        Assert.Equal(1, await log.Locator($"tr[data-call='{real.CallSid}']").CountAsync());
        Assert.Contains("test call", await log.Locator($"tr[data-call='{callId}']").InnerTextAsync());
        Assert.DoesNotContain("test call", await log.Locator($"tr[data-call='{real.CallSid}']").InnerTextAsync());
        // Its CSV flags it too: the last column, test_call.
        var csv = (await (await console.APIRequest.GetAsync($"{fixture.BaseUrl}/console/calls.csv?site={site}")).TextAsync())
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",test_call", csv[0]);
        Assert.EndsWith(",yes", Assert.Single(csv, l => l.StartsWith(callId + ",", StringComparison.Ordinal)));
        Assert.EndsWith(",no", Assert.Single(csv, l => l.StartsWith(real.CallSid + ",", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TestCallEndpoint_RefusesBadInput_WithAProblemNamingTheNumber_AndCrossSiteRequests()
    {
        using var missing = await fixture.Http.PostAsync("/dev/test-call", new FormUrlEncodedContent(new Dictionary<string, string>()), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("\"number\"", await missing.Content.ReadAsStringAsync(Ct));
        using var unknown = await fixture.Http.PostAsync("/dev/test-call", new FormUrlEncodedContent(new Dictionary<string, string> { ["number"] = NewNumber() }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("not a tracking number", await unknown.Content.ReadAsStringAsync(Ct));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dev/test-call")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["number"] = "+12025550198" }),
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        request.Headers.Add("Origin", "https://elsewhere.example");
        using var crossSite = await fixture.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
    }

    [GeneratedRegex("CA[0-9a-f]{32}")]
    private static partial Regex CallSid();
}
