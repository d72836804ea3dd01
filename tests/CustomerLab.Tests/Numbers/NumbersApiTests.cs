using System.Net;
using System.Text.Json;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Numbers;

/// <summary><c>POST /v1/number</c> through the real edge on Garnet, with the admin API setting up sites.</summary>
public sealed class NumbersApiTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private const string Page = "https://www.example.com/landing";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Number_IsLeasedWithFormatsAndSignedHttpOnlyCookies_IfSiteAndPageAreValid()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var pool = NumbersEdgeFixture.Numbers(3);
        await client.CreateSiteAsync(site, pool);

        var response = await client.RequestNumberAsync(site, Page);
        var json = await EdgeClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("assigned", json.GetProperty("status").GetString());
        var number = json.GetProperty("number").GetString()!;
        Assert.Contains(number, pool);
        Assert.Equal($"({number[2..5]}) {number[5..8]}-{number[8..]}", json.GetProperty("national").GetString());
        Assert.Equal($"+1 {number[2..5]}-{number[5..8]}-{number[8..]}", json.GetProperty("international").GetString());
        Assert.Equal(["+12025550198"], json.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!));
        var expires = json.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        foreach (var name in new[] { VisitorCookies.VisitorCookie, VisitorCookies.SessionCookie })
        {
            var header = Assert.Single(client.LastSetCookies, c => c.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.Contains("httponly", header, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", header, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(".", client.Cookies[name]); // value.signature
        }
    }

    [Fact]
    public async Task SameSession_GetsItsNumberRenewed_IfItCallsAgain()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(3));

        var first = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page + "?utm_source=google&utm_medium=cpc"));
        var second = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, "https://www.example.com/other"));

        Assert.Equal("renewed", second.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("number").GetString(), second.GetProperty("number").GetString());
        Assert.True(second.GetProperty("expiresAt").GetDateTimeOffset() >= first.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ReturningVisitor_GetsItsPreviousNumber_InANewSession()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(5));
        var first = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page));
        var number = first.GetProperty("number").GetString()!;
        var session = client.Cookies[VisitorCookies.SessionCookie];
        // The first session ends early (released), so the number is free when the visitor returns.
        var sessionId = session.Split('~')[0];
        await fixture.Edge.Services.GetRequiredService<CustomerLab.Edge.Numbers.NumberPool>().ReleaseAsync(site, "main", number, sessionId);
        // Meanwhile other visitors take the least-recently-used numbers.
        using (var other = new EdgeClient(fixture.Edge)) await other.RequestNumberAsync(site, Page);

        client.Cookies.Remove(VisitorCookies.SessionCookie);
        var again = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page));

        Assert.Equal("assigned", again.GetProperty("status").GetString());
        Assert.Equal(number, again.GetProperty("number").GetString());
        Assert.True(again.GetProperty("sticky").GetBoolean());
    }

    [Fact]
    public async Task PaidVisitor_GetsThePaidPool_IfTheUrlHasAClickId()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2, 100));
        await admin.AddPoolAsync(site, "paid", NumbersEdgeFixture.Numbers(2, 150), match: new { paidClickId = true, utmMedium = new[] { "cpc" } });

        using var paid = new EdgeClient(fixture.Edge);
        var paidJson = await EdgeClient.JsonAsync(await paid.RequestNumberAsync(site, Page + "?gclid=abc123"));
        using var organic = new EdgeClient(fixture.Edge);
        var organicJson = await EdgeClient.JsonAsync(await organic.RequestNumberAsync(site, Page, "https://www.bing.com/"));
        // The session keeps its pool when later pages have no click id.
        var paidLater = await EdgeClient.JsonAsync(await paid.RequestNumberAsync(site, "https://www.example.com/contact"));

        Assert.Equal("paid", paidJson.GetProperty("pool").GetString());
        Assert.Contains(paidJson.GetProperty("number").GetString(), NumbersEdgeFixture.Numbers(2, 150));
        Assert.Equal("main", organicJson.GetProperty("pool").GetString());
        Assert.Equal(paidJson.GetProperty("number").GetString(), paidLater.GetProperty("number").GetString());
    }

    [Fact]
    public async Task ExhaustedPool_GivesTheOverflowNumberWithAReason_AndIsCounted()
    {
        using var first = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var overflow = NumbersEdgeFixture.Numbers(1)[0]; // its own: a number serves one site, also as overflow
        await first.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1), overflow: overflow);
        await first.RequestNumberAsync(site, Page);

        using var second = new EdgeClient(fixture.Edge);
        var json = await EdgeClient.JsonAsync(await second.RequestNumberAsync(site, Page));
        var stats = await EdgeClient.JsonAsync(await first.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/pools/main/stats"));

        Assert.Equal("default", json.GetProperty("status").GetString());
        Assert.Equal("pool_exhausted", json.GetProperty("reason").GetString());
        Assert.Equal(overflow, json.GetProperty("number").GetString());
        Assert.Equal(1, stats.GetProperty("exhaustedLastHour").GetInt64());
        Assert.Equal(2, stats.GetProperty("peakConcurrentDemand").GetInt64());
        Assert.Equal(4, stats.GetProperty("recommendedSize").GetInt32()); // ceil(2 × 1.2 + 2 × 10 min grace ÷ 30 min hold)
        Assert.Equal(1, stats.GetProperty("leasedNow").GetInt32());
    }

    [Fact]
    public async Task RetiredNumber_IsNeverHandedOut()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(2);
        await admin.CreateSiteAsync(site, numbers);

        var retire = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Delete, $"/admin/sites/{site}/pools/main/numbers/{Uri.EscapeDataString(numbers[0])}"));
        var handedOut = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var visitor = new EdgeClient(fixture.Edge);
            handedOut.Add((await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, Page))).GetProperty("number").GetString()!);
        }

        Assert.Equal("removed", retire.GetProperty("outcome").GetString());
        Assert.DoesNotContain(numbers[0], handedOut);
        Assert.Equal(numbers[1], handedOut[0]);
    }

    [Fact]
    public async Task OptedOutVisitor_GetsTheDefaultNumberAndNoCookies_IfGpcIsSent()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));

        var response = await client.RequestNumberAsync(site, Page, configure: r => r.Headers.Add("Sec-GPC", "1"));
        var json = await EdgeClient.JsonAsync(response);
        var stats = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/pools/main/stats"));

        Assert.Equal("opted_out", json.GetProperty("reason").GetString());
        Assert.Equal("+12025550199", json.GetProperty("number").GetString());
        Assert.Empty(client.LastSetCookies);
        Assert.Equal(0, stats.GetProperty("leasedNow").GetInt32());
    }

    [Fact]
    public async Task ForgedSessionCookie_IsIgnored()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(3));
        await client.RequestNumberAsync(site, Page);
        var genuine = client.Cookies[VisitorCookies.SessionCookie];

        client.Cookies[VisitorCookies.SessionCookie] = "someoneelse~main." + genuine.Split('.')[^1];
        var json = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page));

        Assert.Equal("assigned", json.GetProperty("status").GetString());
        Assert.NotEqual(genuine, client.Cookies[VisitorCookies.SessionCookie]);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")] // what curl -d sends
    [InlineData("application/json")]
    public async Task Number_IsAnswered_WhateverTheBodysContentType(string contentType)
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));

        var response = await client.RequestNumberAsync(site, Page, configure: r =>
            r.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, 4)] // a tag from before the selectors takes the formatted forms from the fifth element on
    [InlineData(true, 5)]
    public async Task NumberDescriptions_CarryTheAttributeSelector_OnlyForATagThatAsksForIt(bool? selectors, int elements)
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));

        var response = await client.SendNumberAsync(JsonSerializer.Serialize(new Dictionary<string, object?> { ["k"] = site, ["u"] = Page, ["s"] = selectors }));

        var numbers = (await EdgeClient.JsonAsync(response)).GetProperty("numbers");
        var target = numbers.GetProperty("+12025550198").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(2, numbers.EnumerateObject().Count());
        Assert.All(numbers.EnumerateObject(), n => Assert.Equal(elements, n.Value.GetArrayLength()));
        Assert.Equal(["1", "2025550198", "334"], target[..3]);
        if (selectors == true) Assert.Equal("[href*=\"0198\"],[title*=\"0198\"],[aria-label*=\"0198\"]", target[4]);
    }

    [Fact]
    public async Task UnknownSite_Is404ProblemJson()
    {
        using var client = new EdgeClient(fixture.Edge);
        var response = await client.RequestNumberAsync("nosuchsite", Page);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("""{"k":"abc"}""", "u")]
    [InlineData("""{"k":"abc","u":"ftp://example.com/"}""", "u")]
    [InlineData("""{"u":"https://www.example.com/"}""", "k")]
    [InlineData("""{"k":"a b","u":"https://www.example.com/"}""", "k")]
    [InlineData("""not json""", "body")]
    [InlineData("""{"k":1,"u":2}""", "body")]
    public async Task MalformedBody_Is400NamingTheField(string body, string field)
    {
        using var client = new EdgeClient(fixture.Edge);
        var response = await client.SendNumberAsync(body);
        var json = await EdgeClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        using var client = new EdgeClient(fixture.Edge);
        var response = await client.SendNumberAsync(JsonSerializer.Serialize(new { k = "abc", u = Page + "?x=" + new string('a', 10_000) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PageOfAnotherSite_Is403()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));

        var foreignPage = await client.RequestNumberAsync(site, "https://evil.example.net/");
        var lookalike = await client.RequestNumberAsync(site, "https://notexample.com/");
        var foreignOrigin = await client.RequestNumberAsync(site, Page, configure: r => r.Headers.Add("Origin", "https://evil.example.net"));
        var subdomain = await client.RequestNumberAsync(site, "https://shop.example.com/", configure: r => r.Headers.Add("Origin", "https://shop.example.com"));

        Assert.Equal(HttpStatusCode.Forbidden, foreignPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, lookalike.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, subdomain.StatusCode);
        Assert.Equal("https://shop.example.com", subdomain.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task LeaseStart_ReachesTheLeaseHistoryInClickHouse()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        var json = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page + "?utm_source=Google&utm_medium=CPC"));
        var number = json.GetProperty("number").GetString();
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);

        object? source = null;
        var schema = fixture.Edge.Services.GetRequiredService<CustomerLab.Edge.ClickHouse.Migrations.SchemaState>();
        var writer = fixture.Edge.Services.GetRequiredService<CustomerLab.Edge.Numbers.LeaseHistoryWriter>();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                source = await clickHouse.ExecuteScalarAsync(
                    $"SELECT source FROM lease_history FINAL WHERE site_id = '{site}' AND number = '{number}' AND ended_at IS NULL", cancellationToken: Ct);
            }
            catch (global::ClickHouse.Driver.ClickHouseServerException) { return false; } // schema not migrated yet
            return source is string;
        }, TimeSpan.FromSeconds(30), "the lease start row in ClickHouse",
            () => $"schema ready={schema.IsReady} error={schema.LastError}; writer shipped {writer.Shipped}, pending {writer.Pending}, lost {writer.Lost}; edge log: {fixture.Edge.Logs.Tail("Lease")}");

        Assert.Equal("google/cpc", source);
    }
}
