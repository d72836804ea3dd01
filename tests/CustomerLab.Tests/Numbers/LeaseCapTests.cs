using System.Net;
using CustomerLab.Edge.Numbers;
using CustomerLab.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// An edge with the production lease caps whose test host takes each request's peer address from <c>X-Test-Peer</c>
/// (the in-process host has no socket), so one test can speak from many networks.
/// </summary>
public sealed class LeaseCapEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    public const string PeerHeader = "X-Test-Peer";

    protected override string DatabaseName => "leasecap";

    protected override Action<IServiceCollection> TestServices => services => services.AddSingleton<IStartupFilter, PeerFromHeader>();

    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers[PeerHeader] is [{ } peer]) context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                return following(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// One client cannot drain a pool, and crawlers hold no number: new leases from one network (IPv4 /24, IPv6 /64) within the hold are capped at the
/// larger of 10 and a quarter of the pool, and one visitor's at 3. A capped visitor gets the site's default number with
/// reason <c>lease_cap</c> and is not counted as demand; renewals are never capped.
/// </summary>
public sealed class LeaseCapTests(LeaseCapEdgeFixture fixture) : IClassFixture<LeaseCapEdgeFixture>
{
    private const string Default = "+12025550199";

    [Theory]
    [InlineData("203.0.113.{0}", "198.51.100.7")]
    [InlineData("2001:db8:1:2::{0:x}", "2001:db8:1:3::1")]
    public async Task OneNetwork_StartsAtMostItsCap_TheRestGetTheDefaultNumber_AndAreNotDemand(string networkAddress, string otherNetwork)
    {
        var site = TestSites.NewSiteKey();
        using var admin = new EdgeClient(fixture.Edge);
        // The overflow number is for unmet demand: a capped visitor is not shown it.
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(20), overflow: NumbersEdgeFixture.Numbers(1)[0], defaultNumber: Default);

        var answers = new List<(string Status, string? Reason, string Number)>();
        for (var i = 1; i <= 25; i++) answers.Add(await CookielessAsync(site, string.Format(networkAddress, i)));

        // A pool of 20: the cap is max(10, 20 × 0.25) = 10, whichever addresses of the network the requests came from.
        Assert.Equal(10, answers.Count(a => a.Status == "assigned"));
        Assert.All(answers.Skip(10), a => Assert.Equal(("default", "lease_cap", Default), (a.Status, a.Reason, a.Number)));
        var stats = await fixture.Edge.Services.GetRequiredService<NumberPool>().GetStatsAsync(site, "main");
        Assert.Equal((10, 10L, 0L), (stats.LeasedNow, stats.PeakConcurrentDemand, stats.ExhaustedLastHour));
        Assert.Equal(16, stats.RecommendedSize); // ceil(10 × 1.2 + 10 × 10 min grace ÷ 30 min hold)

        // Another network still gets a number.
        Assert.Equal("assigned", (await CookielessAsync(site, otherNetwork)).Status);
    }

    [Fact]
    public async Task OneVisitor_StartsAtMostThreeLeases_AcrossSessions_ButRenewsWithoutLimit()
    {
        var site = TestSites.NewSiteKey();
        using var visitor = new EdgeClient(fixture.Edge);
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(40), defaultNumber: Default);

        var statuses = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            visitor.Cookies.Remove("_clsid"); // a new session of the same visitor
            var answer = await AnswerAsync(await visitor.RequestNumberAsync(site, "https://example.com/", configure: Peer($"192.0.2.{i + 1}")));
            statuses.Add(answer.Reason ?? answer.Status);
        }
        Assert.Equal(["assigned", "assigned", "assigned", "lease_cap", "lease_cap"], statuses);

        // A session that holds a number keeps renewing it, however often.
        using var holder = new EdgeClient(fixture.Edge);
        var first = await AnswerAsync(await holder.RequestNumberAsync(site, "https://example.com/", configure: Peer("192.0.2.200")));
        Assert.Equal("assigned", first.Status);
        for (var i = 0; i < 12; i++)
        {
            var renewal = await AnswerAsync(await holder.RequestNumberAsync(site, "https://example.com/", configure: Peer("192.0.2.200")));
            Assert.Equal(("renewed", first.Number), (renewal.Status, renewal.Number));
        }
    }

    [Theory]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.204 Safari/537.36")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")]
    public async Task ADeclaredCrawler_GetsTheDefaultNumber_WithoutALease_AndIsNotDemand(string userAgent)
    {
        var site = TestSites.NewSiteKey();
        using var admin = new EdgeClient(fixture.Edge);
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(5), overflow: NumbersEdgeFixture.Numbers(1)[0], defaultNumber: Default);

        for (var i = 0; i < 8; i++)
        {
            using var crawler = new EdgeClient(fixture.Edge);
            var answer = await AnswerAsync(await crawler.RequestNumberAsync(site, "https://example.com/", configure: r =>
            {
                Peer($"66.249.{i}.1")(r);
                r.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            }));
            Assert.Equal(("default", "bot", Default), (answer.Status, answer.Reason, answer.Number));
            Assert.False(crawler.Cookies.ContainsKey("_clsid"));
        }
        var stats = await fixture.Edge.Services.GetRequiredService<NumberPool>().GetStatsAsync(site, "main");
        Assert.Equal((0, 0L, 1), (stats.LeasedNow, stats.PeakConcurrentDemand, stats.RecommendedSize));

        // An automated browser that does not declare itself a crawler (monitoring, these tests' Chromium), and an HTTP
        // tool the crawler list names (a developer trying the API with curl), are visitors.
        string[] visitors =
        [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "curl/8.14.1",
        ];
        foreach (var (agent, i) in visitors.Select((a, i) => (a, i)))
        {
            using var visitor = new EdgeClient(fixture.Edge);
            var answer = await AnswerAsync(await visitor.RequestNumberAsync(site, "https://example.com/", configure: r =>
            {
                Peer($"198.51.{100 + i}.9")(r);
                r.Headers.TryAddWithoutValidation("User-Agent", agent);
            }));
            Assert.Equal("assigned", answer.Status);
        }
    }

    private async Task<(string Status, string? Reason, string Number)> CookielessAsync(string site, string peer)
    {
        using var client = new EdgeClient(fixture.Edge);
        return await AnswerAsync(await client.RequestNumberAsync(site, "https://example.com/landing", configure: Peer(peer)));
    }

    private static Action<HttpRequestMessage> Peer(string address) => request =>
    {
        request.Headers.Add(LeaseCapEdgeFixture.PeerHeader, address);
        request.Headers.Add("Origin", "https://example.com");
    };

    private static async Task<(string Status, string? Reason, string Number)> AnswerAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await EdgeClient.JsonAsync(response);
        return (json.GetProperty("status").GetString()!, json.TryGetProperty("reason", out var r) ? r.GetString() : null, json.GetProperty("number").GetString()!);
    }
}
