using System.Net;
using System.Text.Json;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using static CustomerLab.Tests.Events.EventsTesting;
using static CustomerLab.Tests.Fixtures.TestSites;

namespace CustomerLab.Tests.Events;

/// <summary><c>POST /v1/collect</c> through the real edge on Garnet and the local ClickHouse host.</summary>
public sealed class CollectApiTests(EventsEdgeFixture fixture) : IClassFixture<EventsEdgeFixture>
{
    private string Db => fixture.Edge.Database;

    [Fact]
    public async Task EventsAreAcceptedEnrichedAndStored_IfSiteAndPagesAreValid()
    {
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);
        var body = JsonSerializer.Serialize(new object[]
        {
            new { k = site, u = "https://www.example.com/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring", r = "https://mail.google.com/", t = "Landing", w = 1280 },
            new { k = site, n = "pageview", u = "https://www.example.com/pricing", r = "https://www.example.com/landing" },
        });

        var response = await CollectAsync(http, body, configure: r => r.Headers.Add("Origin", "https://www.example.com"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal("https://www.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(VisitorCookies.VisitorCookie + "=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(VisitorCookies.SessionCookie + "=", StringComparison.Ordinal));
        await Poll.UntilAsync(async () => await ScalarAsync(fixture.ClickHouse, Db, $"SELECT count() FROM pageviews FINAL WHERE site_id = '{site}'") == 2,
            TimeSpan.FromSeconds(30), "both events in pageviews");
        using var client = fixture.ClickHouse.CreateClient(Db);
        using var reader = await client.ExecuteReaderAsync(
            $"SELECT channel, source, medium, utm_campaign, country_code, ip_prefix, browser, device_type, screen_width, toUInt8(is_bot), title FROM pageviews WHERE site_id = '{site}' ORDER BY path", cancellationToken: Ct);
        Assert.True(reader.Read());
        Assert.Equal(["email", "newsletter", "email", "spring", "GB", "81.2.69.0", "Chrome", "desktop"], Enumerable.Range(0, 8).Select(i => reader.GetValue(i)?.ToString()));
        Assert.Equal(1280, Convert.ToInt32(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, Convert.ToInt32(reader.GetValue(9), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Landing", reader.GetValue(10));
        Assert.True(reader.Read());
        Assert.Equal("internal", reader.GetValue(0));
        await Poll.UntilAsync(async () => await ScalarAsync(fixture.ClickHouse, Db,
                $"SELECT pageviews FROM sessions WHERE site_id = '{site}' AND landing_page LIKE '%/landing%' AND first_channel = 'email'") == 2,
            TimeSpan.FromSeconds(30), "the session row with two pageviews");
    }

    [Fact]
    public async Task EveryFieldArrivesAsSent_IfItHoldsQuotesControlCharactersAndNonAsciiText()
    {
        // The spool's records go to ClickHouse as they are (JSONEachRow): what JSON escapes must come out as it went in.
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);
        const string title = "Ünïcode \"quoted\" back\\slash\nnew line\ttab 😀 Привет \u0001";
        const string page = "https://www.example.com/caf%C3%A9?q=%22x%22&utm_campaign=%C3%A9t%C3%A9";
        var before = DateTime.UtcNow.AddSeconds(-1);
        var body = JsonSerializer.Serialize(new { k = site, n = "sign_up:step-2.done", u = page, r = "", t = title, w = 100_000 });

        const string googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        var response = await CollectAsync(http, body, userAgent: googlebot);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Poll.UntilAsync(async () => await ScalarAsync(fixture.ClickHouse, Db, $"SELECT count() FROM pageviews WHERE site_id = '{site}'") == 1,
            TimeSpan.FromSeconds(30), "the event in pageviews");
        using var client = fixture.ClickHouse.CreateClient(Db);
        using var reader = await client.ExecuteReaderAsync(
            $"SELECT title, url, utm_campaign, event_name, screen_width, toUnixTimestamp64Milli(timestamp), toString(event_id), toUInt8(is_bot), " +
            $"arrayStringConcat(bot_reasons, ','), user_agent, length(visitor_id) FROM pageviews WHERE site_id = '{site}'", cancellationToken: Ct);
        Assert.True(reader.Read());
        Assert.Equal(title, reader.GetValue(0));
        Assert.Equal(page, reader.GetValue(1));
        Assert.Equal("été", reader.GetValue(2));
        Assert.Equal("sign_up:step-2.done", reader.GetValue(3));
        Assert.Equal(65535, Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture)); // UInt16: clamped, not wrapped
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture)).UtcDateTime;
        Assert.InRange(at, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(7, Guid.Parse((string)reader.GetValue(6)).Version);
        Assert.Equal(1, Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("crawler_list", ((string)reader.GetValue(8)).Split(','));
        Assert.Equal(googlebot, reader.GetValue(9));
        Assert.True(Convert.ToInt32(reader.GetValue(10), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [InlineData("""{"u":"https://www.example.com/"}""", "k")]
    [InlineData("""{"k":"SITE","r":"https://x.example/"}""", "u")]
    [InlineData("""{"k":"SITE","u":"ftp://www.example.com/"}""", "u")]
    [InlineData("""[{"k":"SITE","u":"https://www.example.com/"},{"k":"SITE","u":"https://www.example.com/"},{"k":"SITE","u":"nope"}]""", "[2].u")]
    [InlineData("""{"k":"SITE","u":"https://www.example.com/","w":"wide"}""", "w")]
    [InlineData("""{"k":"SITE","u":"https://www.example.com/","n":"bad name!"}""", "n")]
    [InlineData("""not json""", "body")]
    public async Task BadRequest_NamesTheField_IfInputIsInvalid(string body, string field)
    {
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);

        var response = await CollectAsync(http, body.Replace("SITE", site, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task PayloadTooLarge_IfBodyOrEventCountIsOverTheCaps()
    {
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);

        var tooMany = await CollectAsync(http, Batch(site, Enumerable.Range(0, 51).Select(i => $"/{i}")));
        var tooBig = await CollectAsync(http, JsonSerializer.Serialize(new { k = site, u = "https://www.example.com/", t = new string('x', 70_000) }));
        var bigEvent = await CollectAsync(http, JsonSerializer.Serialize(new { k = site, u = "https://www.example.com/", t = new string('x', 9_000) }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigEvent.StatusCode);
    }

    [Fact]
    public async Task NotFoundAndForbidden_IfSiteIsUnknownOrPageIsForeign()
    {
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);

        var unknown = await CollectAsync(http, Batch(NewSiteKey(), ["/"]));
        var foreignPage = await CollectAsync(http, JsonSerializer.Serialize(new { k = site, u = "https://evil.example.net/" }));
        var foreignOrigin = await CollectAsync(http, Batch(site, ["/"]), configure: r => r.Headers.Add("Origin", "https://evil.example.net"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignOrigin.StatusCode);
    }

    [Fact]
    public async Task NoContentAndNothingStored_IfBrowserOptedOut()
    {
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site, honourDnt: true);

        var cookie = await CollectAsync(http, Batch(site, ["/optout-cookie"]), configure: r => r.Headers.Add("Cookie", VisitorCookies.OptOutCookie + "=1"));
        var gpc = await CollectAsync(http, Batch(site, ["/gpc"]), configure: r => r.Headers.Add("Sec-GPC", "1"));
        var dnt = await CollectAsync(http, Batch(site, ["/dnt"]), configure: r => r.Headers.Add("DNT", "1"));
        // A marker event sent afterwards: once it is in ClickHouse, anything sent before it would be too.
        Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(http, Batch(site, ["/marker"]))).StatusCode);

        Assert.All(new[] { cookie, gpc, dnt }, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.All(new[] { cookie, gpc, dnt }, r => Assert.False(r.Headers.Contains("Set-Cookie")));
        await Poll.UntilAsync(async () => await ScalarAsync(fixture.ClickHouse, Db, $"SELECT count() FROM pageviews WHERE site_id = '{site}'") >= 1,
            TimeSpan.FromSeconds(30), "the marker event");
        Assert.Equal(1UL, await ScalarAsync(fixture.ClickHouse, Db, $"SELECT count() FROM pageviews WHERE site_id = '{site}'"));
    }

    [Fact]
    public async Task MetricsArePrometheusText_IfScraped()
    {
        using var http = NoCookies(fixture.Edge);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);
        await CollectAsync(http, Batch(site, ["/m"]));
        await CollectAsync(http, Batch(NewSiteKey(), ["/m"]));

        var text = await http.GetStringAsync("/metrics", Ct);

        Assert.Contains("customerlab_events_accepted_total", text);
        Assert.Contains("customerlab_events_rejected_total{", text);
        Assert.Contains("reason=\"unknown_site\"", text);
        Assert.Contains("customerlab_spool_bytes", text);
        Assert.Contains("customerlab_spool_events", text);
    }
}
