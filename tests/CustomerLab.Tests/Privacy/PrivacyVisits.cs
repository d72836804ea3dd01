using System.Net;
using ClickHouse.Driver;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using CustomerLab.Tests.Security;

namespace CustomerLab.Tests.Privacy;

/// <summary>Data for the privacy tests, made through the edge's own endpoints, and counts read back from ClickHouse.</summary>
internal static class PrivacyVisits
{
    public const string Landing = "https://www.example.com/landing?gclid=GCLID-PRIV&utm_source=google&utm_medium=cpc";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A visitor with a leased number and two pageviews that reached ClickHouse (the client keeps its cookies).</summary>
    public static async Task<(EdgeClient Client, string Site, string VisitorId, string SessionId, string Number)> WithPageviewsAsync(
        EdgeApplication edge, ClickHouseHostFixture clickHouseHost)
    {
        var client = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(3));
        var number = (await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendPageviewAsync(site, Landing, "https://www.google.com/", "Landing")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendPageviewAsync(site, "https://www.example.com/contact", Landing, "Contact")).StatusCode);
        var visitorId = client.Cookies[VisitorCookies.VisitorCookie].Split('.')[0];
        var sessionId = client.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = clickHouseHost.CreateClient(edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE visitor_id = '{visitorId}'") == 2,
            TimeSpan.FromSeconds(30), "both pageviews in ClickHouse");
        // The lease start travels on its own batch; a deletion that runs before it lands cannot see it.
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM lease_history WHERE visitor_id = '{visitorId}'") > 0,
            TimeSpan.FromSeconds(30), "the lease start in lease_history");
        return (client, site, visitorId, sessionId, number);
    }

    public static async Task<ulong> CountAsync(ClickHouseClient clickHouse, string sql) =>
        Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(sql, cancellationToken: Ct));
}
