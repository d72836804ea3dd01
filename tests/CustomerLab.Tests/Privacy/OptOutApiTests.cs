using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;

namespace CustomerLab.Tests.Privacy;

/// <summary>The opt-out link: no identifier kept, no lease tied to the visitor, and opting back in.</summary>
public sealed class OptOutApiTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private const string Page = "https://www.example.com/";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OptOut_ReplacesIdsWithAnIdFreeCookie_AndEndsTheLease()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        await client.RequestNumberAsync(site, Page);
        Assert.Contains(VisitorCookies.VisitorCookie, client.Cookies.Keys);

        var optOut = await client.PostFormAsync($"/optout?k={site}");
        var stats = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/pools/main/stats"));

        Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        var marker = Assert.Single(client.LastSetCookies, c => c.StartsWith(VisitorCookies.OptOutCookie + "=", StringComparison.Ordinal));
        Assert.StartsWith("_clopt=1;", marker);
        Assert.DoesNotContain("httponly", marker, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(client.LastSetCookies, c => c.StartsWith(VisitorCookies.VisitorCookie + "=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970"));
        Assert.Contains(client.LastSetCookies, c => c.StartsWith(VisitorCookies.SessionCookie + "=;", StringComparison.Ordinal));
        Assert.Equal(0, stats.GetProperty("leasedNow").GetInt32());

        // Afterwards (the browser now sends only _clopt=1): the default number, no ids set, no lease.
        Assert.Equal([VisitorCookies.OptOutCookie], client.Cookies.Keys);
        var json = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, Page));
        Assert.Equal("opted_out", json.GetProperty("reason").GetString());
        Assert.Empty(client.LastSetCookies);
    }

    [Fact]
    public async Task OptIn_RemovesTheMarker_IfPostedFromThePageItself()
    {
        using var client = new EdgeClient(fixture.Edge);
        client.Cookies[VisitorCookies.OptOutCookie] = "1";
        var page = await client.Http.GetStringAsync("/optout", Ct);
        Assert.Contains("data-opted-out=\"false\"", page); // no cookie sent by Http.GetStringAsync: shows the default state

        var crossSite = await client.PostFormAsync("/optin", sameOrigin: false);
        var sameSite = await client.PostFormAsync("/optin");

        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameSite.StatusCode);
        Assert.Contains(client.LastSetCookies, c => c.StartsWith(VisitorCookies.OptOutCookie + "=;", StringComparison.Ordinal));
        Assert.Contains("data-opted-out=\"false\"", await sameSite.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OptOutPage_ShowsTheCurrentChoice()
    {
        using var client = new EdgeClient(fixture.Edge);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/optout");
        request.Headers.Add("Cookie", "_clopt=1");
        var html = await (await client.Http.SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-opted-out=\"true\"", html);
        Assert.Contains("action=\"/optin\"", html);
    }
}
